"""Helpers of the coverage tests and of the overview page's tests (plain functions)."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from fieldops.auth.models import User
from fieldops.coverage import snapshots
from fieldops.extensions import db
from fieldops.shifts.models import ShiftException, ShiftKind, SupportShift
from fieldops.stores.models import Store
from fieldops.visits.models import VisitStatus
from tests.builders import Builder


def run(app, at) -> dict:
    """Take the coverage snapshot at `at`; its figures."""
    with app.app_context():
        figures = snapshots.take_snapshot(at)
        db.session.commit()
        return figures


def add_shift(app, **kw) -> int:
    """A support shift (on site, weekdays 08:00-20:00 Chicago unless told), its id; staffed
    by a new engineer unless `engineers` are given (a shift nobody works covers nothing)."""
    staff = kw.pop("engineers", None)
    if staff is None:
        staff = [Builder(app).user("engineer")]
    with app.app_context():
        stores = [db.session.get(Store, s.id) for s in kw.pop("stores", [])]
        off = kw.pop("off", [])
        shift = SupportShift(
            name=kw.pop("name", "Days"),
            timezone=kw.pop("timezone", "America/Chicago"),
            weekdays=kw.pop("weekdays", [0, 1, 2, 3, 4]),
            start_time=kw.pop("start", time(8)),
            end_time=kw.pop("end", time(20)),
            kind=kw.pop("kind", ShiftKind.ONSITE),
            **kw,
        )
        shift.stores = stores
        shift.engineers = [db.session.get(User, u.id) for u in staff]
        shift.exceptions = [ShiftException(date=d, off=True) for d in off]
        db.session.add(shift)
        db.session.commit()
        return shift.id


def visited(build, store, now, *days_ago: int, by=None) -> None:
    """Completed visits to `store` that ended `days_ago` days before `now`, by `by` (default
    a new engineer)."""
    person = by or build.user("engineer")
    for ago in days_ago:
        at = now - timedelta(days=ago)
        build.visit(
            store,
            person,
            at - timedelta(hours=2),
            status=VisitStatus.COMPLETED,
            checked_in_at=at - timedelta(hours=2),
            checked_out_at=at,
        )


def make_group(app, build, now) -> dict[str, Any]:
    """Two Midwest stores (one well covered) and a West store without support."""
    stores = {
        "good": build.store(code="GOOD", name="Good Motors", region="Midwest"),
        "sat": build.store(code="SAT", name="Saturday Motors", region="Midwest"),
        "bare": build.store(code="BARE", name="Bare Motors", region="West"),
    }
    add_shift(app, region="Midwest")  # Mon-Fri 08-20: Saturdays uncovered
    add_shift(app, stores=[stores["good"]], name="Saturdays", weekdays=[5])
    visited(build, stores["good"], now, 10, 20)
    visited(build, stores["sat"], now, 300, 340)  # due within 30 days
    return stores  # BARE: overdue, never visited
