"""A year of past visits and the coming weeks' plan, shaped to make visit coverage tell.

Each store gets a profile: most are visited at least as often as their cadence asks, some
are about to fall behind (their oldest visit of the year is about to leave the rolling
window) and some are overdue. Past visits are mostly completed, some missed or cancelled.
The CIO's own visits (`plan_cio`) follow his trips, against the leadership cadence.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from fieldops.clock import local_date, to_utc
from fieldops.core.geo import distance_m
from fieldops.demo.people import People, Person
from fieldops.demo.stores import LEADERSHIP_CADENCE, SUNDAY, StorePlan
from fieldops.demo.texts import CANCEL_REASONS, SUMMARIES, VISIT_PURPOSES
from fieldops.visits import Department, VisitStatus

VISIT_LENGTH = timedelta(hours=2)
# Morning and afternoon: an engineer does at most two visits a day.
SLOT_TIMES = ((time(9, 30), time(10), time(10, 30)), (time(13), time(13, 30), time(14)))
PLAN_AHEAD_DAYS = 28
DEPARTMENTS = [d.value for d in Department]


@dataclass
class PlannedVisit:
    """A visit row and what the observation builder needs to know about it."""

    row: dict
    store: StorePlan
    engineer: Person
    id: int = 0


@dataclass
class VisitPlanner:
    rng: random.Random
    now: datetime
    people: People
    admin_id: int
    # Check-ins further than this plus their accuracy are flagged (Config.CHECK_IN_RADIUS_M).
    radius_m: float = 300
    visits: list[PlannedVisit] = field(default_factory=list)
    booked: set[tuple[int, date, int]] = field(default_factory=set)
    # Where each engineer is on a day: two visits the same day stay in one city.
    whereabouts: dict[tuple[int, date], str] = field(default_factory=dict)

    # -- choosing a day, a slot and a time ------------------------------------------------

    def start_at(self, store: StorePlan, day: date, slot: int) -> datetime | None:
        """A start time in `slot` on `day` that fits the store's posted hours, if any."""
        hours = store.hours_on(day)
        if hours is None:
            return None
        opens, closes = hours
        for at in self.rng.sample(SLOT_TIMES[slot], len(SLOT_TIMES[slot])):
            ends = (datetime.combine(day, at) + VISIT_LENGTH).time()
            if opens <= at and (closes <= opens or ends <= closes):
                return to_utc(day, at, store.timezone)
        return None

    def book(
        self, store: StorePlan, engineer: Person, first: date, step: int = 1
    ) -> tuple[datetime, date] | None:
        """The first free slot of `engineer` at `store` from `first` on (or back, step -1)."""
        for i in range(14):
            day = first + timedelta(days=i * step)
            if day.weekday() == SUNDAY:
                continue
            if self.whereabouts.get((engineer.id, day), store.city.name) != store.city.name:
                continue
            for slot in self.rng.sample((0, 1), 2):
                if (engineer.id, day, slot) in self.booked:
                    continue
                start = self.start_at(store, day, slot)
                if start is not None:
                    self.booked.add((engineer.id, day, slot))
                    self.whereabouts[engineer.id, day] = store.city.name
                    return start, day
        return None

    def engineer_for(self, store: StorePlan, demo_weight: int = 3) -> Person:
        engineers = self.people.engineers_in(store.region)
        weights = [demo_weight if e is self.people.demo_engineer else 1 for e in engineers]
        return self.rng.choices(engineers, weights)[0]

    # -- rows ----------------------------------------------------------------------------

    def add(
        self, store: StorePlan, engineer: Person, start: datetime, status: VisitStatus
    ) -> PlannedVisit:
        rng = self.rng
        created = min(start - timedelta(days=rng.randint(3, 30)), self.now)
        row = {
            "store_id": store.id,
            "engineer_id": engineer.id,
            "planned_start": start,
            "planned_end": start + VISIT_LENGTH,
            "local_date": local_date(start, store.timezone),
            "status": status,
            "purpose": rng.choice(VISIT_PURPOSES),
            "checked_in_at": None,
            "check_in_latitude": None,
            "check_in_longitude": None,
            "check_in_accuracy_m": None,
            "distance_m": None,
            "far_from_store": None,
            "checked_out_at": None,
            "summary": None,
            "departments_met": [],
            "cancel_reason": None,
            "created_by_id": self.admin_id,
            "created_at": created,
            "updated_at": created,
            "version": 1,
        }
        if status in (VisitStatus.CHECKED_IN, VisitStatus.COMPLETED):
            self._check_in(row, store)
        if status == VisitStatus.COMPLETED:
            self._check_out(row)
        elif status == VisitStatus.MISSED:
            row |= {"updated_at": start + timedelta(days=1), "version": 2}
        elif status == VisitStatus.CANCELLED:
            cancelled = start - timedelta(days=rng.randint(1, 3))
            row |= {
                "cancel_reason": rng.choice(CANCEL_REASONS),
                "updated_at": max(cancelled, created),
                "version": 2,
            }
        visit = PlannedVisit(row, store, engineer)
        self.visits.append(visit)
        return visit

    def _check_in(self, row: dict, store: StorePlan) -> None:
        rng = self.rng
        at = row["planned_start"] + timedelta(minutes=rng.randint(-10, 25))
        at = min(at, self.now - timedelta(minutes=1))
        far = rng.random() < 0.04
        offset_m = rng.uniform(500, 2500) if far else rng.uniform(5, 120)
        lat = store.latitude + rng.choice((-1, 1)) * offset_m / 111_320 * rng.uniform(0.3, 1)
        lon = store.longitude + rng.choice((-1, 1)) * offset_m / 85_000 * rng.uniform(0.3, 1)
        accuracy = float(rng.choice((5, 8, 12, 16, 25, 35)))
        distance = distance_m(store.latitude, store.longitude, lat, lon)
        row |= {
            "checked_in_at": at,
            "check_in_latitude": round(lat, 6),
            "check_in_longitude": round(lon, 6),
            "check_in_accuracy_m": accuracy,
            "distance_m": round(distance, 1),
            "far_from_store": distance > self.radius_m + accuracy,
            "updated_at": at,
            "version": 2,
        }

    def _check_out(self, row: dict) -> None:
        rng = self.rng
        out = row["checked_in_at"] + timedelta(minutes=rng.randint(40, 200))
        out = max(min(out, self.now - timedelta(minutes=1)), row["checked_in_at"])
        met = rng.sample(DEPARTMENTS, rng.randint(1, 4))
        row |= {
            "checked_out_at": out,
            "summary": rng.choice(SUMMARIES),
            "departments_met": sorted(met, key=DEPARTMENTS.index),
            "updated_at": out,
            "version": 3,
        }


def store_local_today(store: StorePlan, now: datetime) -> date:
    return local_date(now, store.timezone)


def _completed_ages(rng: random.Random, store: StorePlan) -> list[int]:
    """Days ago of a store's completed visits within the last year, by its profile."""
    draw = rng.random()
    if draw < 0.12:  # overdue: fewer than the cadence asks
        return [rng.randint(30, 350) for _ in range(max(0, store.cadence - rng.randint(1, 2)))]
    if draw < 0.27:  # due soon: exactly the cadence, the oldest about to drop out
        return [rng.randint(320, 355)] + [rng.randint(20, 300) for _ in range(store.cadence - 1)]
    return [rng.randint(1, 350) for _ in range(store.cadence + rng.randint(0, 4))]


def plan_past(planner: VisitPlanner, stores: list[StorePlan]) -> None:
    rng = planner.rng
    for store in stores:
        today = store_local_today(store, planner.now)
        ages = [(age, VisitStatus.COMPLETED) for age in _completed_ages(rng, store)]
        for _ in range(len(ages) + 1):
            if rng.random() < 0.1:
                ages.append((rng.randint(1, 364), VisitStatus.MISSED))
            if rng.random() < 0.08:
                ages.append((rng.randint(1, 364), VisitStatus.CANCELLED))
        for age, status in ages:
            engineer = planner.engineer_for(store)
            booked = planner.book(store, engineer, today - timedelta(days=age), step=-1)
            if booked is not None:
                planner.add(store, engineer, booked[0], status)


def plan_future(planner: VisitPlanner, stores: list[StorePlan], overdue: set[str]) -> None:
    """Planned visits over the next four weeks; overdue stores are planned soon."""
    rng = planner.rng
    for store in stores:
        chance = 0.9 if store.code in overdue else 0.45
        if rng.random() >= chance:
            continue
        today = store_local_today(store, planner.now)
        soon = 10 if store.code in overdue else PLAN_AHEAD_DAYS - 1
        first = today + timedelta(days=rng.randint(0, soon))
        engineer = planner.engineer_for(store, demo_weight=0)
        booked = planner.book(store, engineer, first)
        if booked is None:
            continue
        start, day = booked
        status = VisitStatus.PLANNED
        if day == today and start + VISIT_LENGTH <= planner.now:
            status = VisitStatus.COMPLETED
        elif day == today and start <= planner.now:
            status = VisitStatus.CHECKED_IN
        planner.add(store, engineer, start, status)


def plan_demo_engineer(
    planner: VisitPlanner, home: list[StorePlan], trip: list[StorePlan], today: date
) -> None:
    """Two visits a working day over two weeks around Chicago; Tuesdays a trip to Ohio.

    Kept `planned` even when the slot has passed, so the demo engineer can check in.
    """
    engineer = planner.people.demo_engineer
    for offset in range(14):
        day = today + timedelta(days=offset)
        stores = trip if day.weekday() == 1 and trip else home
        for slot in (0, 1):
            if (engineer.id, day, slot) in planner.booked:
                continue
            store = stores[(offset * 2 + slot) % len(stores)]
            start = planner.start_at(store, day, slot)
            if start is not None:
                planner.booked.add((engineer.id, day, slot))
                planner.add(store, engineer, start, VisitStatus.PLANNED)


def overdue_codes(planner: VisitPlanner, stores: list[StorePlan]) -> set[str]:
    """Stores with fewer completed visits in the past year than their cadence."""
    done: dict[str, int] = {}
    for visit in planner.visits:
        if visit.row["status"] == VisitStatus.COMPLETED:
            done[visit.store.code] = done.get(visit.store.code, 0) + 1
    return {s.code for s in stores if done.get(s.code, 0) < s.cadence}


def _cio_trip_ages(rng: random.Random) -> list[int]:
    """Days ago of the CIO's trips to one city within the last year (the stores' leadership
    cadence is two): once only (overdue), the older trip about to leave the year (due
    soon), or two trips about six months apart."""
    draw = rng.random()
    if draw < 0.2:
        return [rng.randint(40, 300)]
    if draw < 0.4:
        return [rng.randint(345, 358), rng.randint(90, 250)]
    return [rng.randint(190, 330), rng.randint(20, 170)]


def plan_cio(planner: VisitPlanner, stores: list[StorePlan]) -> None:
    """The CIO's year of his own visits: trips to each city, its dealerships one after the
    other (two a day), now and then a store left out of a trip; then two visits planned
    ahead at stores overdue for him."""
    rng, cio = planner.rng, planner.people.cio
    cities: dict[str, list[StorePlan]] = {}
    for store in stores:
        cities.setdefault(store.city.name, []).append(store)
    done: dict[str, int] = {}
    for city_stores in cities.values():
        today = store_local_today(city_stores[0], planner.now)
        for age in _cio_trip_ages(rng):
            for store in city_stores:
                if rng.random() < 0.08:  # not this time
                    continue
                booked = planner.book(store, cio, today - timedelta(days=age))
                if booked is not None:
                    planner.add(store, cio, booked[0], VisitStatus.COMPLETED)
                    done[store.code] = done.get(store.code, 0) + 1
    overdue = [s for s in stores if done.get(s.code, 0) < LEADERSHIP_CADENCE]
    for store in overdue[:2]:
        first = store_local_today(store, planner.now) + timedelta(days=rng.randint(2, 9))
        booked = planner.book(store, cio, first)
        if booked is not None:
            planner.add(store, cio, booked[0], VisitStatus.PLANNED)
