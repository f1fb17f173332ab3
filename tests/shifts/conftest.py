"""Fixtures shared by the /api/shifts tests: two engineers to staff shifts with (the admin
and its client come from the shared world: world.admin, as_admin)."""

from __future__ import annotations

import pytest


@pytest.fixture
def engineers(build):
    return [build.user("engineer", name="Bea Lopez"), build.user("engineer", name="Al Khan")]
