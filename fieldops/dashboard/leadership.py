"""The CIO's own visits on the overview: the stores overdue or soon due for a visit by the
CIO (their leadership cadence, `leadership_cadence_per_year`).

Counted live by coverage's rule (`fieldops.coverage.leadership_cadence`), not read from the
nightly snapshot (which holds the engineers' cadence): only stores that ask for the CIO's
visits are counted, a few hundred at most, and the CIO's visits are few.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from fieldops.auth import User
from fieldops.clock import local_date
from fieldops.coverage import VisitCadence, leadership_cadence
from fieldops.extensions import db
from fieldops.stores import Store, visible


@dataclass(frozen=True)
class LeadershipLine:
    """A store in the leadership lists: its CIO visits of the last 12 months."""

    store_id: int
    name: str
    code: str
    completed: int
    cadence: int
    last_visit: datetime | None  # the CIO's latest completed visit
    next_planned: datetime | None  # the CIO's next planned visit
    due_on: date | None  # overdue from this day on unless the CIO visits again
    overdue: bool


@dataclass(frozen=True)
class Leadership:
    """The stores in scope that ask for the CIO's visits, and those overdue or due soon."""

    stores: int
    overdue: list[LeadershipLine]  # most visits missing first
    due_soon: list[LeadershipLine]  # soonest first

    @property
    def meeting(self) -> int:
        return self.stores - len(self.overdue)


def _line(store: Store, visits: VisitCadence) -> LeadershipLine:
    return LeadershipLine(
        store.id,
        store.name,
        store.code,
        visits.completed_12m,
        visits.cadence,
        visits.last_visit,
        visits.next_planned,
        visits.due_on,
        visits.overdue,
    )


def leadership_due(user: User, region: str | None, now: datetime, horizon_days: int) -> Leadership:
    """The active stores `user` may see (in `region`) with a leadership cadence: how many,
    which are overdue for the CIO's visit and which become so within `horizon_days` with no
    CIO visit planned before then (the rule of `VisitCadence.due_soon`)."""
    stmt = visible(sa.select(Store), Store, user).where(
        Store.active.is_(True), Store.leadership_cadence_per_year > 0
    )
    if region:
        stmt = stmt.where(Store.region == region)
    stores = list(db.session.scalars(stmt.order_by(Store.name)))
    counted = leadership_cadence(stores, now)
    lines = [(store, _line(store, counted[store.id])) for store in stores]
    overdue = sorted(
        (line for _, line in lines if line.overdue),
        key=lambda line: (line.completed - line.cadence, line.name),
    )
    due = sorted(
        (
            line
            for store, line in lines
            if counted[store.id].due_soon(local_date(now, store.timezone), horizon_days)
        ),
        key=lambda line: (line.due_on, line.name),
    )
    return Leadership(len(stores), overdue, due)
