"""Fixtures of the photo tests: an observation and an issue at world.store, both by
world.engineer, to attach photos to."""

from __future__ import annotations

import pytest


@pytest.fixture
def observation(now, world, build):
    return build.observation(world.store, world.engineer)


@pytest.fixture
def issue(now, world, build):
    return build.issue(world.store, world.engineer)
