"""From the database to a planning problem: which stores need a visit and why, when each
may be visited (its real customer hours), and the engineers' working days.

Rules (docs/planner.md): an active store is due when its cadence makes it overdue, or due
before the horizon ends, unless a visit is already planned before its due date; a due
store's windows end before its due date where it has any (else the whole horizon). Open
high or critical issues, coverage gaps and thinly learned hours are reasons too: listed on
a due store's visit, and enough on their own for an optional visit (kept when the detour
is short).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from fieldops.auth import Role, User
from fieldops.clock import local_date, to_utc
from fieldops.core.geo import Point
from fieldops.coverage import coverage_of, customer_hours, visit_cadence
from fieldops.extensions import db
from fieldops.hours import HoursBasis, RealHours
from fieldops.issues import OPEN_STATUSES, Issue, Severity
from fieldops.planner.problem import EngineerDay, Fixed, Problem, Stop
from fieldops.stores import Store
from fieldops.visits import Visit, VisitStatus

INCLUDES = ("due", "open_issues", "coverage_gaps", "stale_hours")
THIN_CONFIDENCE = 0.5  # learned hours below this confidence are "stale"


@dataclass(frozen=True)
class Question:
    """What a plan is asked for: the horizon (store-local dates from `first`, `days` of
    them), which stores (a region, or all) and engineers (ids, or every active one), and
    which reasons count."""

    first: date
    days: int
    region: str | None = None
    engineer_ids: tuple[int, ...] | None = None
    include: frozenset[str] = frozenset({"due"})


@dataclass
class Gathered:
    problem: Problem
    unplanned: dict[int, str] = field(default_factory=dict)  # store id -> reason
    stores_due: int = 0


def position(store: Store) -> Point | None:
    if store.latitude is None or store.longitude is None:
        return None
    return (store.latitude, store.longitude)


def base_of(engineer: User, day: date, stores: dict[int, Store]) -> Point | None:
    """Where the engineer's day starts and ends: that day's trip base, else home (a point,
    or a store's position)."""
    for trip in engineer.trips:
        if trip.day == day:
            if trip.base_store_id is not None:
                return _store_point(trip.base_store_id, stores)
            return (trip.base_latitude, trip.base_longitude)
    if engineer.home_store_id is not None:
        return _store_point(engineer.home_store_id, stores)
    if engineer.home_latitude is None or engineer.home_longitude is None:
        return None
    return (engineer.home_latitude, engineer.home_longitude)


def _store_point(store_id: int, stores: dict[int, Store]) -> Point | None:
    store = stores.get(store_id) or db.session.get(Store, store_id)
    return position(store) if store is not None else None


def working_window(engineer: User, day: date, default_zone: str) -> tuple[datetime, datetime]:
    """The engineer's hours on `day` as UTC instants (an end at or before the start is
    the next morning)."""
    hours = engineer.working_hours
    tz_name = engineer.timezone or default_zone
    start = to_utc(day, hours["start"], tz_name)
    end_day = day if hours["end"] > hours["start"] else day + timedelta(days=1)
    return start, to_utc(end_day, hours["end"], tz_name)


def works_on(engineer: User, day: date) -> bool:
    return day.weekday() in engineer.working_hours["weekdays"] and day not in engineer.days_off


def gather(question: Question, now: datetime, default_zone: str) -> Gathered:
    stores = _stores(question.region)
    engineers = _engineers(question.engineer_ids)
    every_store = {s.id: s for s in stores}
    gathered = Gathered(Problem([], []))
    needs = _needs(stores, question, now)
    hours = customer_hours(
        stores, question.first - timedelta(days=1), question.first + timedelta(days=question.days)
    )
    for store in stores:
        if store.id not in needs:
            continue
        reasons, due_on = needs[store.id]
        optional = not {"due", "overdue"} & set(reasons)
        gathered.stores_due += not optional
        windows = _start_windows(
            hours[store.id].real.windows(question.first, question.days), store, now, due_on
        )
        if position(store) is None:
            reason = "out_of_reach"  # no position: no drive to it can be worked out
        elif not windows:
            reason = "no_open_hours"
        else:
            stop = Stop(
                store.id, position(store), store.visit_minutes, windows, reasons, optional,
                store.region,
            )  # fmt: skip
            gathered.problem.stops.append(stop)
            continue
        if not optional:
            gathered.unplanned[store.id] = reason
    gathered.problem.days.extend(
        _engineer_days(engineers, question, now, default_zone, every_store)
    )
    return gathered


def _stores(region: str | None) -> list[Store]:
    stmt = sa.select(Store).where(Store.active.is_(True)).order_by(Store.id)
    if region:
        stmt = stmt.where(Store.region == region)
    return list(db.session.scalars(stmt))


def _engineers(ids: Iterable[int] | None) -> list[User]:
    stmt = (
        sa.select(User).where(User.active.is_(True), User.role == Role.ENGINEER).order_by(User.id)
    )
    if ids is not None:
        stmt = stmt.where(User.id.in_(list(ids)))
    return list(db.session.scalars(stmt))


def _needs(
    stores: list[Store], question: Question, now: datetime
) -> dict[int, tuple[tuple[str, ...], date | None]]:
    """Per store that needs a visit: why, and the date it must come before (None: as soon
    as may be). A store with a visit already planned before that date (or, when it is not
    due, in the horizon) needs none."""
    extra = _extra_reasons(stores, question, now)
    cadence = visit_cadence(stores, now)
    horizon_end = question.first + timedelta(days=question.days)
    needs: dict[int, tuple[tuple[str, ...], date | None]] = {}
    for store in stores:
        visits = cadence[store.id]
        planned = visits.next_planned and local_date(visits.next_planned, store.timezone)
        reasons: list[str] = []
        due_on = None
        if "due" in question.include and visits.cadence > 0:
            if visits.overdue:
                reasons += [] if planned else ["overdue"]
            elif visits.due_on is not None and visits.due_on < horizon_end:
                due_on = visits.due_on
                reasons += [] if planned and planned < due_on else ["due"]
        if not reasons and planned and planned < horizon_end:
            continue
        reasons.extend(extra.get(store.id, ()))
        if reasons:
            needs[store.id] = (tuple(reasons), due_on)
    return needs


def _extra_reasons(stores: list[Store], question: Question, now: datetime) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    ids = [s.id for s in stores]
    if "open_issues" in question.include:
        for store_id in db.session.scalars(
            sa.select(Issue.store_id)
            .where(
                Issue.store_id.in_(ids),
                Issue.status.in_(OPEN_STATUSES),
                Issue.severity.in_((Severity.HIGH, Severity.CRITICAL)),
            )
            .distinct()
            .order_by(Issue.store_id)
        ):
            found[store_id].append("open_issue")
    if "coverage_gaps" in question.include:
        for row in coverage_of(stores, now, question.first, question.days):
            if row.real.uncovered_minutes > 0:
                found[row.store.id].append("coverage_gap")
    if "stale_hours" in question.include:
        learned = set(
            db.session.scalars(
                sa.select(RealHours.store_id)
                .where(RealHours.store_id.in_(ids))
                .group_by(RealHours.store_id)
                .having(
                    sa.func.sum(
                        sa.case(
                            (RealHours.basis == HoursBasis.POSTED, 1),
                            (RealHours.confidence < THIN_CONFIDENCE, 1),
                            else_=0,
                        )
                    )
                    == 0
                )
            )
        )
        for store_id in ids:
            if store_id not in learned:
                found[store_id].append("stale_hours")
    return found


def _start_windows(
    open_windows: list[tuple[date, tuple[int, int]]],
    store: Store,
    now: datetime,
    due_on: date | None,
) -> tuple[tuple[int, int], ...]:
    """When a visit may start: inside one customer window with room for the whole visit,
    not in the past, and before the due date where any such window exists."""
    length = store.visit_minutes * 60
    earliest = int(now.timestamp())
    fits = [
        (day, (max(a, earliest), b - length))
        for day, (a, b) in open_windows
        if b - length >= max(a, earliest)
    ]
    before_due = [w for day, w in fits if due_on is None or day < due_on]
    return tuple(before_due or (w for _, w in fits))


def _engineer_days(
    engineers: list[User],
    question: Question,
    now: datetime,
    default_zone: str,
    stores: dict[int, Store],
) -> list[EngineerDay]:
    fixed = _existing_visits(engineers, question, default_zone)
    days = []
    for engineer in engineers:
        for offset in range(question.days):
            day = question.first + timedelta(days=offset)
            if not works_on(engineer, day):
                continue
            start, end = working_window(engineer, day, default_zone)
            if end <= now:
                continue
            days.append(
                EngineerDay(
                    engineer.id,
                    day,
                    int(max(start, now).timestamp()),
                    int(end.timestamp()),
                    base_of(engineer, day, stores),
                    engineer.visits_a_day,
                    frozenset(engineer.covered_regions),
                    tuple(fixed.get((engineer.id, day), ())),
                )
            )
    return days


def _existing_visits(
    engineers: list[User], question: Question, default_zone: str
) -> dict[tuple[int, date], list[Fixed]]:
    """The engineers' planned and open visits in the horizon, by engineer and their day."""
    zones = {e.id: e.timezone or default_zone for e in engineers}
    found: dict[tuple[int, date], list[Fixed]] = defaultdict(list)
    rows = db.session.execute(
        sa.select(Visit, Store.latitude, Store.longitude)
        .join(Store, Store.id == Visit.store_id)
        .where(
            Visit.engineer_id.in_(list(zones)),
            Visit.status.in_((VisitStatus.PLANNED, VisitStatus.CHECKED_IN)),
            Visit.local_date.between(
                question.first - timedelta(days=1), question.first + timedelta(days=question.days)
            ),
        )
        .order_by(Visit.planned_start, Visit.id)
    )
    for visit, lat, lon in rows:
        day = local_date(visit.planned_start, zones[visit.engineer_id])
        found[(visit.engineer_id, day)].append(
            Fixed(
                visit.id,
                None if lat is None or lon is None else (lat, lon),
                int(visit.planned_start.timestamp()),
                int(visit.planned_end.timestamp()),
            )
        )
    return found
