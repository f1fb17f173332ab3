"""Visit cadence on the CIO dashboard: overdue stores and those about to be, read from the
latest snapshot run, with the last and next visits of the few stores shown (the engineers'
visits: the CIO's own count toward the leadership cadence, fieldops.dashboard.leadership)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa

from fieldops.clock import local_date
from fieldops.dashboard.figures import Scope, Snap
from fieldops.extensions import db
from fieldops.stores import Store
from fieldops.visits import Visit, VisitStatus, by_cio


class VisitRow(NamedTuple):
    """A store's visit cadence in its snapshot."""

    store_id: int
    code: str
    name: str
    completed_12m: int
    cadence: int
    due_on: date | None  # overdue from this day on unless visited


VISIT_COLUMNS = (Store.id, Store.code, Store.name, Snap.completed_12m, Snap.cadence, Snap.due_on)


@dataclass(frozen=True)
class VisitDue:
    row: VisitRow
    last_visit: datetime | None
    next_planned: datetime | None


# Visit lookups for a few stores test the status inside the aggregate, not in WHERE:
# without ANALYZE statistics SQLite would otherwise walk every visit of that status (in
# the benchmark 700,000 completed, 15,000 planned) through the status index, instead of
# these stores' own visits through ix_visits_store_day.


def _planned_from(now: datetime) -> Any:
    return sa.case(
        (
            sa.and_(Visit.status == VisitStatus.PLANNED, Visit.planned_start >= now),
            Visit.planned_start,
        )
    )


def visits_of(
    store_ids: list[int], now: datetime
) -> dict[int, tuple[datetime | None, datetime | None]]:
    """For each of a few stores: its latest completed visit and its next planned one."""
    if not store_ids:
        return {}
    done_at = sa.func.coalesce(Visit.checked_out_at, Visit.planned_end)
    rows = db.session.execute(
        sa.select(
            Visit.store_id,
            sa.func.max(sa.case((Visit.status == VisitStatus.COMPLETED, done_at))),
            sa.func.min(_planned_from(now)),
        )
        .where(Visit.store_id.in_(store_ids), sa.not_(by_cio()))
        .group_by(Visit.store_id)
    )
    return {store_id: (last, planned) for store_id, last, planned in rows}


def planned_before(store_ids: list[int], now: datetime, until: date) -> dict[int, datetime]:
    """The next planned visit of these stores, where one is planned before `until` (a
    store-local date): a narrow date range of each store's visits, however many stores."""
    if not store_ids:
        return {}
    rows = db.session.execute(
        sa.select(Visit.store_id, sa.func.min(_planned_from(now)))
        .where(
            Visit.store_id.in_(store_ids),
            Visit.local_date.between(now.date() - timedelta(days=1), until),
            sa.not_(by_cio()),
        )
        .group_by(Visit.store_id)
    )
    return {store_id: at for store_id, at in rows if at is not None}


def overdue_visits(where: Scope, now: datetime, limit: int) -> list[VisitDue]:
    """Overdue stores, most visits missing first, with their last and next visits."""
    overdue = [
        VisitRow._make(row)
        for row in db.session.execute(
            where.select(*VISIT_COLUMNS)
            .where(Snap.overdue.is_(True))
            .order_by((Snap.cadence - Snap.completed_12m).desc(), Store.name)
            .limit(limit)
        )
    ]
    visits = visits_of([r.store_id for r in overdue], now)
    return [VisitDue(r, *visits.get(r.store_id, (None, None))) for r in overdue]


def due_soon(where: Scope, now: datetime, horizon_days: int) -> list[VisitRow]:
    """Stores not overdue yet that will be within the horizon, unless a visit planned
    before that day saves them (the rule of VisitCadence.due_soon), soonest first."""
    latest = now.astimezone(UTC).date() + timedelta(days=horizon_days + 1)  # any zone's
    rows = db.session.execute(
        where.select(*VISIT_COLUMNS, Store.timezone).where(
            Snap.overdue.is_(False), Snap.due_on.is_not(None), Snap.due_on <= latest
        )
    ).all()
    todays: dict[str, date] = {}
    candidates = []
    for *columns, tz in rows:
        row = VisitRow._make(columns)
        today = todays.get(tz) or todays.setdefault(tz, local_date(now, tz))
        if row.due_on <= today + timedelta(days=horizon_days):
            candidates.append(row)
    planned = planned_before([r.store_id for r in candidates], now, latest)
    due = [
        r for r in candidates if r.store_id not in planned or planned[r.store_id].date() >= r.due_on
    ]
    return sorted(due, key=lambda r: (r.due_on, r.name))
