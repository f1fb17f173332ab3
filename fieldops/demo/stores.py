"""The demo dealerships: names, addresses, posted hours and dated exceptions.

Everything is planned in memory first (`StorePlan`) so the visit and issue builders can
ask "is this store open on that day?" without querying the database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from fieldops.demo.places import (
    AREA_CODES,
    BRANDS,
    CITIES,
    DEALER_FAMILIES,
    LUXURY_BRANDS,
    STREETS,
    SUNDAY_CLOSED_STATES,
    City,
    phone_number,
)
from fieldops.stores import StoreKind

Hours = tuple[time, time]

WEEKDAYS = range(5)
SATURDAY, SUNDAY = 5, 6
# Stores whose customers stay well after the posted close (what FieldOps is built to find).
LATE_CUSTOMER_SHARE = 0.3
# A couple of "midnight madness" stores whose Friday and Saturday close after midnight.
AFTER_MIDNIGHT_STORES = 2


# The CIO visits every dealership twice a year himself (his own visits: their own cadence).
LEADERSHIP_CADENCE = 2


@dataclass
class StorePlan:
    code: str
    name: str
    brand: str
    city: City
    address: str
    latitude: float
    longitude: float
    cadence: int
    posted: dict[int, Hours]
    exceptions: dict[date, Hours | None] = field(default_factory=dict)
    exception_notes: dict[date, str] = field(default_factory=dict)
    late_customers: bool = False
    id: int = 0

    @property
    def timezone(self) -> str:
        return self.city.timezone

    @property
    def region(self) -> str:
        return self.city.region

    @property
    def area_code(self) -> str:
        return AREA_CODES[self.city.name]

    def hours_on(self, day: date) -> Hours | None:
        """Posted (opens, closes) on `day`, the dated exception winning; None when closed."""
        if day in self.exceptions:
            return self.exceptions[day]
        return self.posted.get(day.weekday())


def _posted_hours(rng: random.Random, city: City, brand: str, late: bool) -> dict[int, Hours]:
    if late:
        weekday, friday = (time(9), time(21)), (time(9), time(0, 30))
        hours = dict.fromkeys(range(4), weekday) | {4: friday, SATURDAY: friday}
        return hours | {SUNDAY: (time(11), time(18))}
    if brand in LUXURY_BRANDS:
        weekday, saturday = (time(9), time(19)), (time(9), time(17))
    elif rng.random() < 0.25:
        weekday, saturday = (time(8, 30), time(21)), (time(8, 30), time(19))
    else:
        weekday, saturday = (time(9), time(20)), (time(9), time(18))
    hours = dict.fromkeys(WEEKDAYS, weekday) | {SATURDAY: saturday}
    if city.state not in SUNDAY_CLOSED_STATES and rng.random() < 0.6:
        hours[SUNDAY] = (time(11), time(17))
    return hours


def _store_name(rng: random.Random, city: City, brand: str, taken: set[str]) -> str:
    patterns = (
        f"{brand} of {city.name}",
        f"{rng.choice(DEALER_FAMILIES)} {brand}",
        f"{city.name} {brand}",
        f"{rng.choice(DEALER_FAMILIES)} {brand} {city.name}",
    )
    for name in (rng.choice(patterns), *patterns):
        if name not in taken:
            return name
    return f"{brand} {city.name} {len(taken)}"


def fourth_thursday_of_november(year: int) -> date:
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


def holidays(year: int) -> list[tuple[date, Hours | None, str]]:
    """(date, special hours or None for closed, note) of the group's holiday calendar."""
    return [
        (date(year, 1, 1), None, "New Year's Day"),
        (date(year, 7, 4), None, "Independence Day"),
        (fourth_thursday_of_november(year), None, "Thanksgiving"),
        (date(year, 12, 24), (time(9), time(15)), "Christmas Eve: closes early"),
        (date(year, 12, 25), None, "Christmas Day"),
    ]


def _add_exceptions(plans: list[StorePlan], rng: random.Random, today: date) -> None:
    """Holidays within a year either side of today, and one sales-event Saturday."""
    first, last = today - timedelta(days=365), today + timedelta(days=365)
    calendar = [h for year in range(today.year - 1, today.year + 2) for h in holidays(year)]
    calendar = [h for h in calendar if first <= h[0] <= last]
    event_day = today + timedelta(days=10 + (SATURDAY - today.weekday()) % 7)
    for plan in plans:
        for day, hours, note in calendar:
            if hours is not None and day.weekday() not in plan.posted:
                continue  # no early close on a day the store does not open
            plan.exceptions[day] = hours
            plan.exception_notes[day] = note
        if rng.random() < 0.15:
            plan.exceptions[event_day] = (time(8), time(21))
            plan.exception_notes[event_day] = "Spring sales event: extended hours"


def plan_stores(rng: random.Random, today: date) -> list[StorePlan]:
    """The 82 dealerships, codes D001… in the order of `CITIES`."""
    plans: list[StorePlan] = []
    names: set[str] = set()
    late_slots = set(rng.sample(range(20, 82), AFTER_MIDNIGHT_STORES))
    for city in CITIES:
        brands = rng.sample(BRANDS, city.stores)
        for brand in brands:
            n = len(plans) + 1
            name = _store_name(rng, city, brand, names)
            names.add(name)
            street = f"{rng.randrange(100, 9900, 10)} {rng.choice(STREETS)}"
            cadence = 4 if brand in LUXURY_BRANDS or rng.random() < 0.1 else 2
            plans.append(
                StorePlan(
                    code=f"D{n:03d}",
                    name=name,
                    brand=brand,
                    city=city,
                    address=f"{street}, {city.name}, {city.state} {city.zip_code}",
                    latitude=round(city.latitude + rng.uniform(-0.1, 0.1), 6),
                    longitude=round(city.longitude + rng.uniform(-0.12, 0.12), 6),
                    cadence=cadence,
                    posted=_posted_hours(rng, city, brand, late=n - 1 in late_slots),
                    late_customers=rng.random() < LATE_CUSTOMER_SHARE,
                )
            )
    _add_exceptions(plans, rng, today)
    return plans


def store_rows(plans: list[StorePlan], now: datetime) -> list[dict]:
    created = now - timedelta(days=800)
    return [
        {
            "code": p.code,
            "name": p.name,
            "kind": StoreKind.DEALERSHIP,
            "brand": p.brand,
            "address": p.address,
            "phone": phone_number(p.area_code, n),
            "latitude": p.latitude,
            "longitude": p.longitude,
            "timezone": p.timezone,
            "region": p.region,
            "cadence_per_year": p.cadence,
            "leadership_cadence_per_year": LEADERSHIP_CADENCE,
            "active": True,
            "created_at": created,
            "updated_at": created,
        }
        for n, p in enumerate(plans, start=1)
    ]


def hours_rows(plans: list[StorePlan]) -> list[dict]:
    return [
        {"store_id": p.id, "weekday": weekday, "opens": opens, "closes": closes}
        for p in plans
        for weekday, (opens, closes) in sorted(p.posted.items())
    ]


def exception_rows(plans: list[StorePlan]) -> list[dict]:
    return [
        {
            "store_id": p.id,
            "date": day,
            "closed": hours is None,
            "opens": hours[0] if hours else None,
            "closes": hours[1] if hours else None,
            "note": p.exception_notes.get(day),
        }
        for p in plans
        for day, hours in sorted(p.exceptions.items())
    ]
