"""The CIO's two questions, for many stores at once: support coverage of customer hours,
and visit coverage against each store's cadence.

Everything is read set-based (a handful of queries whatever the number of stores) and
computed in one pass; shift windows are laid out once per shift and merged once per
distinct set of shifts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import current_app

from fieldops.auth import Role, User
from fieldops.clock import local_date
from fieldops.core.pagination import Sorting
from fieldops.coverage.cadence import VisitCadence, visit_cadence
from fieldops.coverage.engine import Coverage, ShiftPlan, StoreHours, coverage
from fieldops.coverage.intervals import Interval, union
from fieldops.extensions import db
from fieldops.hours import HoursBasis, RealHours
from fieldops.shifts import ShiftException, SupportShift, shift_engineers, shift_stores
from fieldops.stores import HoursException, PostedHours, Store, visible


@dataclass(frozen=True)
class StoreCoverage:
    store: Store
    first: date
    days: int
    real: Coverage
    posted: Coverage
    visits: VisitCadence
    shift_ids: frozenset[int] = frozenset()  # the shifts that cover the store
    support: list[Interval] = field(default_factory=list)  # their windows, merged


def staffed_shifts() -> sa.Select[tuple[SupportShift]]:
    """Active shifts with at least one active engineer on them: only these cover anything
    (a shift nobody works, or whose engineers all left, supports no one)."""
    staffed = (
        sa.select(shift_engineers.c.shift_id)
        .join(User, User.id == shift_engineers.c.user_id)
        .where(User.active.is_(True), User.role == Role.ENGINEER)
    )
    return sa.select(SupportShift).where(
        SupportShift.active.is_(True), SupportShift.id.in_(staffed)
    )


def shift_plans() -> tuple[list[tuple[SupportShift, ShiftPlan]], dict[int, set[int]]]:
    """Staffed active shifts with their plans, and the stores each one lists."""
    shifts = list(db.session.scalars(staffed_shifts()))
    exceptions: dict[int, list[ShiftException]] = defaultdict(list)
    for exc in db.session.scalars(
        sa.select(ShiftException).where(ShiftException.shift_id.in_([s.id for s in shifts]))
    ):
        exceptions[exc.shift_id].append(exc)
    listed: dict[int, set[int]] = defaultdict(set)
    for shift_id, store_id in db.session.execute(sa.select(shift_stores)):
        listed[shift_id].add(store_id)
    plans = [
        (
            shift,
            ShiftPlan(
                id=shift.id,
                timezone=shift.timezone,
                weekdays=frozenset(shift.weekdays),
                start=shift.start_time,
                end=shift.end_time,
                off=frozenset(e.date for e in exceptions[shift.id] if e.off),
                extra=tuple(
                    (e.date, e.start_time, e.end_time)
                    for e in exceptions[shift.id]
                    if not e.off and e.start_time and e.end_time
                ),
            ),
        )
        for shift in shifts
    ]
    return plans, listed


def _covers(shift: SupportShift, listed: dict[int, set[int]], store: Store) -> bool:
    """A shift covers the stores it lists, or else every store of its region."""
    if shift.id in listed:
        return store.id in listed[shift.id]
    return bool(shift.region) and shift.region == store.region


def on_shift(store: Store, at: datetime) -> list[User]:
    """The active engineers working, at `at`, a staffed active shift that covers the store
    (the shifts its coverage counts), by name."""
    plans, listed = shift_plans()
    moment = int(at.timestamp())
    working = set()
    for shift, plan in plans:
        if not _covers(shift, listed, store):
            continue
        day = local_date(at, plan.timezone)  # a window may have opened the day before
        windows = plan.windows(day - timedelta(days=1), day)
        if any(start <= moment < end for start, end in windows):
            working.add(shift.id)
    if not working:
        return []
    staff = sa.select(shift_engineers.c.user_id).where(shift_engineers.c.shift_id.in_(working))
    stmt = (
        sa.select(User)
        .where(User.id.in_(staff), User.active.is_(True), User.role == Role.ENGINEER)
        .order_by(User.name, User.id)
    )
    return list(db.session.scalars(stmt))


def _weekly_hours(stores: list[Store]) -> tuple[dict[int, dict], dict[int, dict]]:
    """Per store, posted hours per weekday and learned (real) hours per weekday."""
    ids = [s.id for s in stores]
    posted: dict[int, dict] = defaultdict(dict)
    for row in db.session.execute(
        sa.select(
            PostedHours.store_id, PostedHours.weekday, PostedHours.opens, PostedHours.closes
        ).where(PostedHours.store_id.in_(ids))
    ):
        posted[row.store_id][row.weekday] = (row.opens, row.closes)
    real: dict[int, dict] = {sid: dict(posted[sid]) for sid in ids}
    for row in db.session.execute(
        sa.select(RealHours.store_id, RealHours.weekday, RealHours.opens, RealHours.closes).where(
            RealHours.store_id.in_(ids), RealHours.basis == HoursBasis.OBSERVED
        )
    ):
        real[row.store_id][row.weekday] = (row.opens, row.closes) if row.opens is not None else None
    return posted, real


def _exceptions(stores: list[Store], first: date, last: date) -> dict[int, dict]:
    found: dict[int, dict] = defaultdict(dict)
    for row in db.session.execute(
        sa.select(HoursException).where(
            HoursException.store_id.in_([s.id for s in stores]),
            HoursException.date.between(first, last),
        )
    ).scalars():
        found[row.store_id][row.date] = None if row.closed else (row.opens, row.closes)
    return found


@dataclass(frozen=True)
class CustomerHours:
    """A store's hours on its own dates, both ways: as posted, and the real customer hours
    (learned where evidence is enough, posted otherwise); dated exceptions apply to both."""

    posted: StoreHours
    real: StoreHours


class HoursBook:
    """The hours of many stores read at once (three queries), then cut per store and span
    as `customer_hours` reads them: for callers that need many stores' hours over
    different spans (the service-level clocks of many issues)."""

    def __init__(self, stores: list[Store], first: date, last: date) -> None:
        self._zones = {store.id: store.timezone for store in stores}
        self._posted, self._real = _weekly_hours(stores)
        self._exceptions = _exceptions(stores, first, last)

    def of(self, store_id: int, first: date, last: date) -> CustomerHours:
        """The store's hours with its dated exceptions of first..last (inside the span the
        book was read for)."""
        dated = {
            day: hours for day, hours in self._exceptions[store_id].items() if first <= day <= last
        }
        zone = self._zones[store_id]
        return CustomerHours(
            posted=StoreHours(zone, self._posted[store_id], dated),
            real=StoreHours(zone, self._real[store_id], dated),
        )


def customer_hours(stores: list[Store], first: date, last: date) -> dict[int, CustomerHours]:
    """Each store's posted and real hours, with its dated exceptions of first..last: the
    windows coverage counts, and the service-level clock too (fieldops.sla)."""
    book = HoursBook(stores, first, last)
    return {store.id: book.of(store.id, first, last) for store in stores}


def store_coverage(
    user: User,
    now: datetime,
    first: date | None = None,
    days: int | None = None,
    region: str | None = None,
) -> list[StoreCoverage]:
    """Coverage of every active store the user may see over its local dates
    [first, first + days) (default: from its today, COVERAGE_DEFAULT_DAYS days)."""
    return coverage_of(active_stores(user, region), now, first, days)


def active_stores(user: User, region: str | None = None) -> list[Store]:
    """The active stores the user may see, in the region if one is given, by name (then id)."""
    return list(db.session.scalars(active_stores_query(user, region)))


def active_stores_query(user: User, region: str | None = None) -> sa.Select[tuple[Store]]:
    """The query of `active_stores`, for callers that read more along with each store."""
    stmt = visible(sa.select(Store), Store, user).where(Store.active.is_(True))
    stmt = stmt.order_by(Store.name, Store.id)  # the id: one order for stores of one name
    return stmt.where(Store.region == region) if region else stmt


def coverage_of(
    stores: list[Store], now: datetime, first: date | None = None, days: int | None = None
) -> list[StoreCoverage]:
    """Coverage of these stores over their local dates [first, first + days) (default: from
    each store's today, COVERAGE_DEFAULT_DAYS days), in the order given; no user scoping
    (the nightly snapshot covers every store)."""
    days = days or current_app.config["COVERAGE_DEFAULT_DAYS"]
    if not stores:
        return []
    firsts = {s.id: first or local_date(now, s.timezone) for s in stores}
    start, end = min(firsts.values()), max(firsts.values()) + timedelta(days=days)
    hours = customer_hours(stores, start, end)
    plans, listed = shift_plans()
    windows = {
        plan.id: plan.windows(start - timedelta(days=2), end + timedelta(days=1))
        for _, plan in plans
    }
    merged: dict[frozenset[int], list[Interval]] = {}
    cadence = visit_cadence(stores, now)
    result = []
    for store in stores:
        ids = frozenset(shift.id for shift, _ in plans if _covers(shift, listed, store))
        if ids not in merged:  # stores of a region share their shifts: merge once
            merged[ids] = union(w for shift_id in ids for w in windows[shift_id])
        support = merged[ids]
        day0 = firsts[store.id]
        result.append(
            StoreCoverage(
                store=store,
                first=day0,
                days=days,
                real=coverage(hours[store.id].real, day0, days, support),
                posted=coverage(hours[store.id].posted, day0, days, support),
                visits=cadence[store.id],
                shift_ids=ids,
                support=support,
            )
        )
    return result


def totals(rows: list[StoreCoverage], now: datetime, horizon_days: int) -> dict[str, Any]:
    """Sums over stores: minutes and percent against real and posted hours, and how many
    stores are overdue or about to be."""

    @cache  # stores share a handful of zones
    def today(tz: str) -> date:
        return local_date(now, tz)

    def block(which: str) -> dict[str, Any]:
        customer = sum(getattr(row, which).customer_minutes for row in rows)
        covered = sum(getattr(row, which).covered_minutes for row in rows)
        return {
            "customer_minutes": customer,
            "covered_minutes": covered,
            "percent": round(100 * covered / customer, 2) if customer else None,
        }

    return {
        "stores": len(rows),
        "real": block("real"),
        "posted": block("posted"),
        "overdue": sum(row.visits.overdue for row in rows),
        "due_soon": sum(
            row.visits.due_soon(today(row.store.timezone), horizon_days) for row in rows
        ),
    }


def _block(cov: Coverage) -> dict[str, Any]:
    return {
        "customer_minutes": cov.customer_minutes,
        "covered_minutes": cov.covered_minutes,
        "percent": cov.percent,
        "gaps": [{"start": g.start, "end": g.end, "minutes": g.minutes} for g in cov.gaps],
    }


def as_item(row: StoreCoverage, now: datetime, horizon_days: int) -> dict[str, Any]:
    """A store's coverage in the API's shape."""
    today = local_date(now, row.store.timezone)
    v = row.visits
    return {
        "store_id": row.store.id,
        "code": row.store.code,
        "name": row.store.name,
        "region": row.store.region,
        "timezone": row.store.timezone,
        "from_": row.first,
        "days": row.days,
        "real": _block(row.real),
        "posted": _block(row.posted),
        "visits": {
            "completed_12m": v.completed_12m,
            "cadence": v.cadence,
            "overdue": v.overdue,
            "due_on": v.due_on,
            "due_soon": v.due_soon(today, horizon_days),
            "last_visit": v.last_visit,
            "next_planned": v.next_planned,
        },
    }


# The orders of a coverage page; worst covered first by default.
SORTING = Sorting(
    {
        "name": lambda row: row.store.name,
        "code": lambda row: row.store.code,
        "region": lambda row: row.store.region or "",
        "real_percent": lambda row: row.real.percent,
        "posted_percent": lambda row: row.posted.percent,
        "uncovered": lambda row: row.real.uncovered_minutes,
    },
    "real_percent",
)


def covering_shifts(row: StoreCoverage) -> list[SupportShift]:
    """The shifts that cover the row's store (those its coverage counted), by name."""
    if not row.shift_ids:
        return []
    stmt = sa.select(SupportShift).where(SupportShift.id.in_(row.shift_ids))
    return list(db.session.scalars(stmt.order_by(SupportShift.name, SupportShift.id)))


def store_item(store: Store, now: datetime, args: dict[str, Any]) -> dict[str, Any]:
    """One store's coverage as the API answers it (`CoverageWindowArgsSchema` args): computed
    by `coverage_of` like every row of `coverage_page`, so the two cannot disagree."""
    row = coverage_of([store], now, args.get("from_"), args.get("days"))[0]
    return as_item(row, now, current_app.config["COVERAGE_DUE_SOON_DAYS"])
