"""The rules one planned visit must keep, checked again when an admin moves it or accepts
the plan (the world may have changed since it was proposed), and the drives of a day
worked out again after a change."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from fieldops.auth import Role, User
from fieldops.clock import local_date, zone
from fieldops.core.geo import Point, travel_minutes
from fieldops.coverage import customer_hours
from fieldops.extensions import db
from fieldops.planner.gathering import base_of, position, working_window, works_on
from fieldops.planner.models import ItemState, PlanItem, VisitPlan
from fieldops.stores import Store
from fieldops.visits import Visit, VisitStatus

BUSY = (VisitStatus.PLANNED, VisitStatus.CHECKED_IN)


@dataclass(frozen=True)
class Slot:
    """A visit to check: which store, who, when; `item_id` is the plan item it is (so it
    is not taken for its own neighbour)."""

    store: Store
    engineer: User
    start: datetime
    end: datetime
    item_id: int | None = None


def drive_seconds(a: Point | None, b: Point | None) -> int:
    """The estimated drive (core.geo.travel_minutes with the app's settings); 0 when either
    end has no position."""
    if a is None or b is None:
        return 0
    config = current_app.config
    minutes = travel_minutes(
        a, b, road_factor=config["TRAVEL_ROAD_FACTOR"], speed_kmh=config["TRAVEL_SPEED_KMH"]
    )
    return round(minutes * 60)


def _when(at: datetime, tz_name: str) -> str:
    return at.astimezone(zone(tz_name)).strftime("%a %d %b %H:%M")


def misfit(slot: Slot, plan: VisitPlan, now: datetime) -> str | None:
    """Why the visit cannot take place as given, in words; None when it fits."""
    engineer, store = slot.engineer, slot.store
    tz_name = engineer.timezone or current_app.config["DEFAULT_TIMEZONE"]
    day = local_date(slot.start, tz_name)
    if slot.start < now:
        return "Its time has passed."
    if not engineer.active or engineer.role != Role.ENGINEER:
        return f"{engineer.name} is not an active engineer."
    if engineer.covered_regions and store.region not in engineer.covered_regions:
        return f"{engineer.name} does not cover the region {store.region or '(none)'}."
    if not works_on(engineer, day):
        return f"{engineer.name} does not work on {day:%a %d %b}."
    opens, closes = working_window(engineer, day, tz_name)
    drive = timedelta(seconds=drive_seconds(base_of(engineer, day, {}), position(store)))
    if slot.start - drive < opens or slot.end + drive > closes:
        return (
            f"Outside {engineer.name}'s working hours ({_when(opens, tz_name)[-5:]}–"
            f"{_when(closes, tz_name)[-5:]}, with the drive from the base and back)."
        )
    if not _open_throughout(store, slot.start, slot.end):
        at = _when(slot.start, store.timezone)
        return f"{store.name} has no customer hours for the whole visit from {at}."
    others = _others(slot, plan, opens, closes)
    if any(start < slot.end and slot.start < end for start, end in others):
        return f"Overlaps another visit of {engineer.name}."
    if len(others) + 1 > engineer.visits_a_day:
        most = engineer.visits_a_day
        return f"{engineer.name} would have {len(others) + 1} visits that day (at most {most})."
    return None


def _open_throughout(store: Store, start: datetime, end: datetime) -> bool:
    day = local_date(start, store.timezone)
    hours = customer_hours([store], day - timedelta(days=1), day + timedelta(days=1))[store.id]
    begins, ends = int(start.timestamp()), int(end.timestamp())
    return any(
        a <= begins and ends <= b for _, (a, b) in hours.real.windows(day - timedelta(days=1), 3)
    )


def _others(
    slot: Slot, plan: VisitPlan, opens: datetime, closes: datetime
) -> list[tuple[datetime, datetime]]:
    """The engineer's other visits of that working day: on the calendar, and proposed in
    the plan."""
    busy = db.session.execute(
        sa.select(Visit.planned_start, Visit.planned_end).where(
            Visit.engineer_id == slot.engineer.id,
            Visit.status.in_(BUSY),
            Visit.planned_start < closes,
            Visit.planned_end > opens,
        )
    ).all()
    proposed = [
        (item.planned_start, item.planned_end)
        for item in plan.items
        if item.state == ItemState.PROPOSED
        and item.id != slot.item_id
        and item.engineer_id == slot.engineer.id
        and item.planned_start < closes
        and item.planned_end > opens
    ]
    return [tuple(row) for row in busy] + proposed


def days_of(items: Iterable[PlanItem]) -> set[tuple[int, date]]:
    """The engineer-days these items are on (the engineer's local dates)."""
    default_zone = current_app.config["DEFAULT_TIMEZONE"]
    return {
        (item.engineer.id, local_date(item.planned_start, item.engineer.timezone or default_zone))
        for item in items
    }


def retravel(plan: VisitPlan, days: Iterable[tuple[int, date]]) -> None:
    """Work out again the drives of these engineer-days: each proposed visit's drive from
    the base or the visit before (on the calendar or proposed), and home after the day's
    last."""
    default_zone = current_app.config["DEFAULT_TIMEZONE"]
    for engineer_id, day in sorted(days):
        _retravel_day(plan, db.session.get(User, engineer_id), day, default_zone)


def _retravel_day(plan: VisitPlan, engineer: User, day: date, default_zone: str) -> None:
    opens, closes = working_window(engineer, day, engineer.timezone or default_zone)
    calendar = db.session.execute(
        sa.select(Visit.planned_start, Store)
        .join(Store, Store.id == Visit.store_id)
        .where(
            Visit.engineer_id == engineer.id,
            Visit.status.in_(BUSY),
            Visit.planned_start < closes,
            Visit.planned_end > opens,
        )
    ).all()
    stops: list[tuple[datetime, Point | None, PlanItem | None]] = [
        (start, position(store), None) for start, store in calendar
    ]
    stops += [
        (item.planned_start, position(item.store), item)
        for item in plan.items
        if item.state == ItemState.PROPOSED
        and item.engineer_id == engineer.id
        and opens <= item.planned_start < closes
    ]
    stops.sort(key=lambda stop: (stop[0], stop[2].id if stop[2] else 0))
    base = base_of(engineer, day, {})
    previous = base
    for n, (_, here, item) in enumerate(stops):
        if item is not None:
            item.travel_minutes_before = round(drive_seconds(previous, here) / 60)
            last = n == len(stops) - 1
            item.travel_minutes_home = round(drive_seconds(here, base) / 60) if last else 0
        previous = here
