"""Visits nobody came to, and visits left open: a planned visit is missed once 24 hours have
passed since the end of its store-local day with nobody checked in (the admins are told,
and the visit planner plans the store again); a visit checked in but not out by then is
left open (flagged on the visit). A check-in queued offline within the visit's day still
counts on a missed visit."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from fieldops.audit import record
from fieldops.auth import Role, users_with_role
from fieldops.clock import local_date, to_utc
from fieldops.extensions import db
from fieldops.notifications import visit_missed
from fieldops.visits.models import Visit, VisitStatus

GRACE = timedelta(hours=24)  # after the end of the visit's local day


def day_end(visit: Visit) -> datetime:
    """The end of the visit's store-local day (the next local midnight), in UTC."""
    return to_utc(visit.local_date + timedelta(days=1), time(0), visit.store.timezone)


def day_over(visit: Visit, now: datetime) -> bool:
    """Whether the visit's day ended more than GRACE before `now`."""
    return now >= day_end(visit) + GRACE


def left_open(visit: Visit, now: datetime) -> bool:
    """Checked in and never checked out, its day over."""
    return visit.status == VisitStatus.CHECKED_IN and day_over(visit, now)


def on_its_day(visit: Visit, at: datetime) -> bool:
    """Whether `at` falls on the visit's store-local day."""
    return local_date(at, visit.store.timezone) == visit.local_date


def mark_missed(now: datetime) -> dict[str, Any]:
    """Mark the planned visits whose day is over missed and tell the admins; the figures
    of the run, empty when there was nothing to mark (idempotent: a missed visit is no
    longer planned)."""
    # A local day ends at the earliest at 10:00 UTC that same date (UTC+14), so a missed
    # visit's date is at most that of `now - GRACE`: a coarse cut in SQL, the exact one
    # per visit.
    latest = (now - GRACE).date()
    stmt = (
        sa.select(Visit)
        .where(Visit.status == VisitStatus.PLANNED, Visit.local_date <= latest)
        .options(joinedload(Visit.store))
        .order_by(Visit.local_date, Visit.id)
    )
    missed = [visit for visit in db.session.scalars(stmt) if day_over(visit, now)]
    if not missed:
        return {}
    admins = [admin.id for admin in users_with_role(Role.ADMIN)]
    for visit in missed:
        visit.status = VisitStatus.MISSED
        visit.updated_at = now
        visit.version += 1
        record(None, "visit.missed", "visit", visit.id, now=now, store_id=visit.store_id)
        visit_missed(visit, visit.store.name, visit.store.timezone, admins)
    db.session.flush()
    return {"missed": len(missed)}
