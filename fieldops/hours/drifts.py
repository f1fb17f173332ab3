"""The stores whose real hours drift most from posted, found by the database.

Describing every store's drifts in Python from ORM objects took 1.8 s for 5,000 stores
(35,000 learned weekdays). Here the database works out each learned weekday's largest
drift in minutes (the wider of the opening and closing differences, a whole day when
only one side is open; a close at or before the opening is the next day) and keeps the
`limit` stores that drift most; only those few are then described in words by
`services.drifts_of`.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from fieldops.auth import User
from fieldops.clock import MINUTES_A_DAY
from fieldops.extensions import db
from fieldops.hours.models import HoursBasis, RealHours
from fieldops.hours.services import Drift, drifts_of
from fieldops.stores import PostedHours, Store, visible


class minute_of_day(FunctionElement):  # noqa: N801 (an SQL function, named like one)
    """The minutes since midnight of a TIME column."""

    type = sa.Integer()
    inherit_cache = True


@compiles(minute_of_day)
def _minute_of_day(element: minute_of_day, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    # date_part() answers in double precision, EXTRACT in numeric (PostgreSQL 14+), whose
    # arithmetic took half the time of the drift query (35,000 learned days, 8 times a row).
    return f"CAST(date_part('hour', {column}) * 60 + date_part('minute', {column}) AS INTEGER)"


@compiles(minute_of_day, "sqlite")
def _minute_of_day_sqlite(element: minute_of_day, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    # Stored as 'HH:MM:SS.ffffff'; CAST reads the leading digits (the hours, then from the
    # 4th character the minutes): cheaper than cutting out each with substr.
    return f"(CAST({column} AS INTEGER) * 60 + CAST(substr({column}, 4) AS INTEGER))"


class greatest(FunctionElement):  # noqa: N801 (an SQL function, named like one)
    """The larger of two values."""

    type = sa.Integer()
    inherit_cache = True


@compiles(greatest)
def _greatest(element: greatest, compiler: Any, **kw: Any) -> str:
    return f"GREATEST({compiler.process(element.clauses, **kw)})"


@compiles(greatest, "sqlite")
def _greatest_sqlite(element: greatest, compiler: Any, **kw: Any) -> str:
    return f"max({compiler.process(element.clauses, **kw)})"  # max() of several: a scalar


def _next_day(opens: Any, closes: Any) -> ColumnElement[int]:
    """A day's minutes when the close is at or before the opening (the next day): told by
    comparing the times themselves, so each time is turned into minutes only once."""
    return sa.case((closes <= opens, MINUTES_A_DAY), else_=0)


def _store_ids(user: User, region: str | None, limit: int) -> list[int]:
    """The `limit` stores with the largest drift, largest first (then by name)."""
    real, posted = RealHours, aliased(PostedHours)
    ro, rc = minute_of_day(real.opens), minute_of_day(real.closes)
    po, pc = minute_of_day(posted.opens), minute_of_day(posted.closes)
    real_span = rc + _next_day(real.opens, real.closes) - ro
    posted_span = pc + _next_day(posted.opens, posted.closes) - po
    close_gap = (
        rc + _next_day(real.opens, real.closes) - pc - _next_day(posted.opens, posted.closes)
    )
    # Only one branch runs for a row, and each names a time once: SQLite, which does not
    # share repeated expressions, converts each time once (35,000 learned days at 5,000 stores).
    minutes = sa.case(
        (real.opens.is_(None), posted_span),  # NULL when posted closed too: no drift
        (posted.store_id.is_(None), real_span),
        else_=greatest(sa.func.abs(close_gap), sa.func.abs(ro - po)),
    )
    worst = (
        sa.select(real.store_id, sa.func.max(minutes).label("minutes"))
        .outerjoin(
            posted, sa.and_(posted.store_id == real.store_id, posted.weekday == real.weekday)
        )
        .where(real.basis == HoursBasis.OBSERVED)
        .group_by(real.store_id)
    )
    if region:  # else every store's days: the stores' filters apply to 5,000 rows, not 35,000
        worst = worst.where(real.store_id.in_(sa.select(Store.id).where(Store.region == region)))
    worst = worst.subquery()
    stmt = (
        visible(sa.select(worst.c.store_id), Store, user)
        .join(Store, Store.id == worst.c.store_id)
        .where(worst.c.minutes > 0, Store.active.is_(True))
        .order_by(worst.c.minutes.desc(), Store.name)
        .limit(limit)
    )
    if region:
        stmt = stmt.where(Store.region == region)
    return list(db.session.scalars(stmt))


def largest_drifts(user: User, limit: int = 10, region: str | None = None) -> list[Drift]:
    """The stores whose learned hours differ most from posted: each store's largest gap."""
    ids = _store_ids(user, region, limit)
    if not ids:
        return []
    rows = db.session.execute(
        sa.select(RealHours, Store)
        .join(Store, Store.id == RealHours.store_id)
        .where(RealHours.store_id.in_(ids), RealHours.basis == HoursBasis.OBSERVED)
    ).all()
    posted = {
        (p.store_id, p.weekday): p
        for p in db.session.scalars(sa.select(PostedHours).where(PostedHours.store_id.in_(ids)))
    }
    worst: dict[int, Drift] = {}
    for real, store in rows:
        for drift in drifts_of(store, real, posted.get((store.id, real.weekday))):
            if store.id not in worst or drift.minutes > worst[store.id].minutes:
                worst[store.id] = drift
    return sorted(worst.values(), key=lambda d: (-d.minutes, d.store.name))[:limit]
