"""Fixtures shared by the /api/visits tests: a visit planned for world.engineer this
afternoon, at world.store (Chicago)."""

from __future__ import annotations

import pytest

from tests.visits.helpers import utc


@pytest.fixture
def visit(world, build):
    return build.visit(world.store, world.engineer, start=utc(2026, 3, 4, 14, 30))
