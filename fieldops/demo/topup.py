"""Keeping the demo engineer's week ahead planned, whenever the demo is started."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from fieldops.auth import User
from fieldops.clock import local_date, to_utc
from fieldops.coverage import forget
from fieldops.demo.people import ADMIN_EMAIL, ENGINEER_EMAIL
from fieldops.demo.places import DEMO_ENGINEER_HOME, DEMO_ENGINEER_TIMEZONE, store_codes_in
from fieldops.extensions import db
from fieldops.stores import Store, Window, window_on
from fieldops.visits import Visit, VisitStatus

TOP_UP_DAYS = 8  # today and the next 7 days
VISIT_LENGTH = timedelta(hours=2)
# A day already holding one of these counts as covered: a visit the demo user has checked
# in to or completed today stays on Today, and no second one is piled on top of it.
COVERING = (VisitStatus.PLANNED, VisitStatus.CHECKED_IN, VisitStatus.COMPLETED)


def _home_stores() -> list[Store]:
    """The demo engineer's usual stores, else any store in his zone, else any store."""
    base = (
        sa.select(Store)
        .where(Store.active)
        .options(selectinload(Store.posted_hours), selectinload(Store.exceptions))
        .order_by(Store.code)
    )
    for narrowed in (
        base.where(Store.code.in_(store_codes_in(DEMO_ENGINEER_HOME))),
        base.where(Store.timezone == DEMO_ENGINEER_TIMEZONE),
        base,
    ):
        stores = list(db.session.scalars(narrowed))
        if stores:
            return stores
    return []


def _pick(stores: list[Store], day: date) -> tuple[Store, Window | None]:
    """An open store for `day` (rotating through them day by day), else a closed one."""
    start = day.toordinal() % len(stores)
    rotated = stores[start:] + stores[:start]
    for store in rotated:
        window = window_on(store, day)
        if window is not None:
            return store, window
    return rotated[0], None


def _visit_row(
    store: Store,
    window: Window | None,
    day: date,
    engineer_id: int,
    admin_id: int | None,
    now: datetime,
) -> dict:
    if window is None:
        start, purpose = (
            to_utc(day, time(10), store.timezone),
            "Maintenance while the store is closed",
        )
    else:
        late_start = window.minutes >= 180
        start = window.start + timedelta(hours=1) if late_start else window.start
        purpose = "Routine IT visit"
    return {
        "store_id": store.id,
        "engineer_id": engineer_id,
        "planned_start": start,
        "planned_end": start + VISIT_LENGTH,
        "local_date": local_date(start, store.timezone),
        "status": VisitStatus.PLANNED,
        "purpose": purpose,
        "departments_met": [],
        "created_by_id": admin_id,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


def top_up(now: datetime) -> int:
    """Give the demo engineer a visit on each of today and the next 7 days; how many added.

    Days are dates in the demo engineer's zone (Chicago), which is his stores' zone, so
    each visit shows on Today that day. Running it again adds nothing.
    """
    engineer = db.session.scalar(sa.select(User).where(User.email == ENGINEER_EMAIL))
    if engineer is None or not engineer.active:
        return 0
    stores = _home_stores()
    if not stores:
        return 0
    today = local_date(now, DEMO_ENGINEER_TIMEZONE)
    days = [today + timedelta(days=i) for i in range(TOP_UP_DAYS)]
    covered = set(
        db.session.scalars(
            sa.select(Visit.local_date).where(
                Visit.engineer_id == engineer.id,
                Visit.local_date.in_(days),
                Visit.status.in_(COVERING),
            )
        )
    )
    admin_id = db.session.scalar(sa.select(User.id).where(User.email == ADMIN_EMAIL))
    rows = []
    for day in days:
        if day not in covered:
            store, window = _pick(stores, day)
            rows.append(_visit_row(store, window, day, engineer.id, admin_id, now))
    if rows:
        db.session.execute(sa.insert(Visit.__table__), rows)  # in bulk: no flush marks them
        forget(db.session.connection(), {row["store_id"] for row in rows})
    return len(rows)
