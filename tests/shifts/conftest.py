"""Fixtures shared by the /api/shifts tests: an admin signed in, two engineers."""

from __future__ import annotations

import pytest


@pytest.fixture
def admin(build):
    return build.user("admin")


@pytest.fixture
def admin_client(admin, login):
    return login(admin)


@pytest.fixture
def engineers(build):
    return [build.user("engineer", name="Bea Lopez"), build.user("engineer", name="Al Khan")]
