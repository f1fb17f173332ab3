"""Fixtures for the jobs: a stand-in for the hours recompute, a probe job, PostgreSQL-only tests."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

import pytest

from fieldops.audit.models import AuditEvent
from fieldops.extensions import db
from fieldops.jobs import registry
from fieldops.jobs import tasks as tasks_module
from tests.conftest import PG_URL


@pytest.fixture(autouse=True)
def _postgres_only(request: pytest.FixtureRequest) -> None:
    """Skip the tests marked `postgres_only` when the suite runs on SQLite."""
    if request.node.get_closest_marker("postgres_only") and not PG_URL:
        pytest.skip("needs PostgreSQL (FIELDOPS_TEST_DATABASE_URL)")


class HoursCalls:
    """What the jobs asked of fieldops.hours.learning, and what it should do next."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.error: Exception | None = None

    def recompute(self, now: datetime, store_ids: Collection[int] | None = None) -> dict[str, Any]:
        self.calls.append(("recompute", now, None if store_ids is None else list(store_ids)))
        return self._work(now)

    def recompute_pending(self, now: datetime) -> dict[str, Any]:
        self.calls.append(("recompute_pending", now))
        return self._work(now)

    def _work(self, now: datetime) -> dict[str, Any]:
        db.session.add(AuditEvent(at=now, action="hours.learned", target_type="store"))
        db.session.flush()  # services flush; the run commits
        if self.error:
            raise self.error
        return {"stores": 3, "weekdays": 21}


@pytest.fixture
def hours(monkeypatch: pytest.MonkeyPatch) -> HoursCalls:
    """Stands in for fieldops.hours.learning, to see what the jobs ask of it."""
    fake = HoursCalls()
    monkeypatch.setattr(tasks_module, "recompute", fake.recompute)
    monkeypatch.setattr(tasks_module, "recompute_pending", fake.recompute_pending)
    return fake


class Probe:
    """A registered job whose work is one audit row, so commits and rollbacks show.

    `before_write` and `after_write`, when set, run once, at that point of the next run:
    what happens elsewhere while this run is paused (another scheduler takes over).
    """

    id = "probe"

    def __init__(self) -> None:
        self.runs: list[datetime] = []
        self.error: Exception | None = None
        self.before_write: Callable[[], None] | None = None
        self.after_write: Callable[[], None] | None = None

    def __call__(self, now: datetime) -> dict[str, Any]:
        self.runs.append(now)
        self._pause("before_write")
        db.session.add(AuditEvent(at=now, action="probe", target_type="job"))
        db.session.flush()
        self._pause("after_write")
        if self.error:
            raise self.error
        return {"rows": 1, "day": now.date()}

    def _pause(self, point: str) -> None:
        hook = getattr(self, point)
        if hook is not None:
            setattr(self, point, None)
            hook()


@pytest.fixture
def probe(monkeypatch: pytest.MonkeyPatch) -> Probe:
    job = Probe()
    spec = registry.JobSpec(
        id=job.id,
        description="probe",
        func=job,
        trigger=registry.JOBS[registry.HEARTBEAT].trigger,
        misfire_grace_time=60,
        coalesce=True,
        max_instances=1,
    )
    monkeypatch.setitem(registry.JOBS, job.id, spec)
    return job
