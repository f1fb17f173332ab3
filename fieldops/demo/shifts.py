"""The demo's support shifts: who covers the dealerships, when, and the dated exceptions.

Per region an on-site day desk on weekdays, a remote evening desk that ends at the usual
posted close (so customers who stay late go without), and a remote Saturday desk
(shorter in the Southeast); three regions have a Sunday desk, so Sunday-open stores
elsewhere go without. The Mountain desks
work from Phoenix (no daylight saving) for stores on Denver time, and the Midwest desks
from Chicago for the Ohio stores on New York time. A late desk lists the two stores that
stay open past midnight. Exceptions: holidays off, a Black Friday with a skeleton crew,
a few past weeks without a desk (which the coverage trend shows), and an extra evening
for the spring sales event.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from fieldops.demo.people import People
from fieldops.demo.places import (
    CHI,
    LA,
    MIDWEST,
    MOUNTAIN,
    NORTHEAST,
    NY,
    PHX,
    SOUTH_CENTRAL,
    SOUTHEAST,
    WEST,
)
from fieldops.demo.stores import SATURDAY, StorePlan, fourth_thursday_of_november
from fieldops.shifts import ShiftKind

WEEKDAYS = [0, 1, 2, 3, 4]
DESK_ZONE = {
    MIDWEST: CHI,
    NORTHEAST: NY,
    SOUTHEAST: NY,
    SOUTH_CENTRAL: CHI,
    MOUNTAIN: PHX,
    WEST: LA,
}
# Planned against posted hours: the evening desk ends at the usual posted close.
EVENING_END = {NORTHEAST: time(21), SOUTHEAST: time(21), WEST: time(21)}  # elsewhere 20:00
SATURDAY_HOURS = {SOUTHEAST: (time(10), time(16))}  # elsewhere 09:00-18:00
SUNDAY_DESKS = {NORTHEAST: NY, SOUTHEAST: NY, WEST: LA}  # 11:00-17:00


@dataclass
class ShiftPlan:
    name: str
    timezone: str
    weekdays: list[int]
    start: time
    end: time
    kind: ShiftKind
    region: str | None = None
    stores: list[StorePlan] = field(default_factory=list)
    engineer_ids: list[int] = field(default_factory=list)
    off: dict[date, str] = field(default_factory=dict)
    extra: list[tuple[date, time, time, str]] = field(default_factory=list)
    id: int = 0


def _holidays(today: date) -> dict[date, str]:
    """Thanksgiving and Christmas Day within a year either side of today: the desks are off."""
    found = {}
    for year in range(today.year - 1, today.year + 2):
        for day, note in (
            (fourth_thursday_of_november(year), "Thanksgiving"),
            (date(year, 12, 25), "Christmas Day"),
        ):
            if abs((day - today).days) <= 365:
                found[day] = note
    return found


def _past_week(today: date, weeks_ago: int, weekdays: list[int]) -> list[date]:
    """The dates of those weekdays in the week starting `weeks_ago` Mondays back."""
    monday = today - timedelta(days=today.weekday(), weeks=weeks_ago)
    return [monday + timedelta(days=d) for d in weekdays]


def _late_stores(stores: list[StorePlan]) -> list[StorePlan]:
    return [s for s in stores if (s.posted.get(4) or (None, time(12)))[1] < time(4)]


def plan_shifts(
    rng: random.Random, stores: list[StorePlan], people: People, today: date
) -> list[ShiftPlan]:
    holidays = _holidays(today)
    black_friday = fourth_thursday_of_november(today.year) + timedelta(days=1)
    if black_friday < today - timedelta(days=7):
        black_friday = fourth_thursday_of_november(today.year + 1) + timedelta(days=1)
    event_day = today + timedelta(days=10 + (SATURDAY - today.weekday()) % 7)
    plans: list[ShiftPlan] = []
    for region, tz in DESK_ZONE.items():
        staff = [p.id for p in people.engineers_in(region)]
        rng.shuffle(staff)
        day_desk = ShiftPlan(
            f"{region} day desk", tz, WEEKDAYS, time(8), time(18), ShiftKind.ONSITE, region
        )
        day_desk.engineer_ids = sorted(staff[:3])
        evening = ShiftPlan(
            f"{region} evening remote desk",
            tz,
            WEEKDAYS,
            time(18),
            EVENING_END.get(region, time(20)),
            ShiftKind.REMOTE,
            region,
        )
        evening.engineer_ids = sorted(staff[3:5])
        sat_start, sat_end = SATURDAY_HOURS.get(region, (time(9), time(18)))
        saturday = ShiftPlan(
            f"{region} Saturday remote desk",
            tz,
            [SATURDAY],
            sat_start,
            sat_end,
            ShiftKind.REMOTE,
            region,
        )
        saturday.engineer_ids = sorted(staff[5:6] or staff[:1])
        for shift in (day_desk, evening, saturday):
            shift.off.update(holidays)
        plans += [day_desk, evening, saturday]
        if black_friday >= today - timedelta(days=7) and region in (MIDWEST, SOUTHEAST):
            day_desk.off[black_friday] = "Black Friday: desk closed, on call only"
        if region == MIDWEST:
            evening.extra.append((event_day, time(20), time(21), "Spring sales event"))
            for day in _past_week(today, 3, WEEKDAYS):
                day_desk.off[day] = "Team at the annual IT conference"
        if region == NORTHEAST:
            for weeks_ago in (7, 6):
                for day in _past_week(today, weeks_ago, WEEKDAYS):
                    evening.off[day] = "Remote desk unstaffed: vacancy"
        if region == SOUTHEAST:
            for weeks_ago in (10, 9, 8):
                for day in _past_week(today, weeks_ago, [SATURDAY]):
                    saturday.off[day] = "Saturday desk unstaffed"
    for region, tz in SUNDAY_DESKS.items():
        sunday = ShiftPlan(
            f"{region} Sunday remote desk", tz, [6], time(11), time(17), ShiftKind.REMOTE, region
        )
        sunday.engineer_ids = [p.id for p in people.engineers_in(region)][-1:]
        sunday.off.update(holidays)
        plans.append(sunday)
    late = _late_stores(stores)
    if late:
        desk = ShiftPlan(
            "Midnight madness late desk",
            late[0].timezone,
            [4, SATURDAY],
            time(20),
            time(1),
            ShiftKind.REMOTE,
            stores=late,
        )
        desk.engineer_ids = [people.demo_engineer.id]
        plans.append(desk)
    return plans


def shift_rows(plans: list[ShiftPlan], now: datetime) -> list[dict]:
    return [
        {
            "name": p.name,
            "timezone": p.timezone,
            "weekdays": p.weekdays,
            "start_time": p.start,
            "end_time": p.end,
            "region": p.region,
            "kind": p.kind,
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        for p in plans
    ]


def engineer_rows(plans: list[ShiftPlan]) -> list[dict]:
    return [{"shift_id": p.id, "user_id": u} for p in plans for u in p.engineer_ids]


def store_rows(plans: list[ShiftPlan]) -> list[dict]:
    return [{"shift_id": p.id, "store_id": s.id} for p in plans for s in p.stores]


def exception_rows(plans: list[ShiftPlan]) -> list[dict]:
    rows = [
        {
            "shift_id": p.id,
            "date": day,
            "off": True,
            "start_time": None,
            "end_time": None,
            "note": note,
        }
        for p in plans
        for day, note in sorted(p.off.items())
    ]
    rows += [
        {
            "shift_id": p.id,
            "date": day,
            "off": False,
            "start_time": start,
            "end_time": end,
            "note": note,
        }
        for p in plans
        for day, start, end, note in p.extra
    ]
    return rows
