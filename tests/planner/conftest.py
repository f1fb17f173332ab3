"""A small group for the planner: stores north of Chicago (Mon-Sat 09-20), engineers
working from Chicago (Mon-Fri 08-17 Central), an admin; NOW is Wednesday 4 March 2026."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

CHICAGO = ZoneInfo("America/Chicago")
BASE = (41.8781, -87.6298)


def north(km: float) -> dict[str, float]:
    return {"latitude": BASE[0] + km / 111.2, "longitude": BASE[1]}


def local(at: str) -> datetime:
    """An API time read as Chicago wall clock."""
    return datetime.fromisoformat(at).astimezone(CHICAGO)


def utc(at: str) -> datetime:
    return datetime.fromisoformat(at).astimezone(UTC)


@pytest.fixture
def engineer(build):
    return build.user("engineer", home_latitude=BASE[0], home_longitude=BASE[1])


@pytest.fixture
def stores(build):
    """Three stores 10, 20 and 30 km north, never visited: overdue."""
    return [build.store(name=f"Store {km} km", **north(km)) for km in (10, 20, 30)]


@pytest.fixture
def propose(now, as_admin):
    def propose(**body):
        body.setdefault("from", "2026-03-05")
        body.setdefault("days", 7)
        r = as_admin.post("/api/visit-plans", json=body)
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    return propose
