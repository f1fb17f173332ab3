"""Fixtures shared by the /api/visits tests: a Chicago store, an admin and an engineer
signed in, and a visit planned for the engineer this afternoon."""

from __future__ import annotations

import pytest

from tests.visits.helpers import utc


@pytest.fixture
def setup(now, build, login):
    store = build.store(timezone="America/Chicago", latitude=41.8781, longitude=-87.6298)
    admin, engineer = build.user("admin"), build.user("engineer")
    return {
        "store": store,
        "admin": admin,
        "engineer": engineer,
        "as_admin": login(admin),
        "as_engineer": login(engineer),
    }


@pytest.fixture
def visit(setup, build):
    return build.visit(setup["store"], setup["engineer"], start=utc(2026, 3, 4, 14, 30))
