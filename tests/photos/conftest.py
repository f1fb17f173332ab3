"""Fixtures of the photo tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def setup(now, build, login):
    store = build.store()
    engineer = build.user("engineer")
    observation = build.observation(store, engineer)
    issue = build.issue(store, engineer)
    return {
        "store": store,
        "engineer": engineer,
        "observation": observation,
        "issue": issue,
        "as_engineer": login(engineer),
    }
