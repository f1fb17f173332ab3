"""Rows of the benchmark data set, as tuples ready for sqlite3 `executemany`.

Values are written the way SQLAlchemy stores them on SQLite (timestamps as naive UTC
"YYYY-MM-DD HH:MM:SS.ffffff", times as "HH:MM:SS.ffffff", UUIDs as 32 hex digits, JSON as
text, enums as their values) so the app reads them exactly as its own rows. Generators
stream the rows: a million observations never sit in memory at once.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from fieldops.demo.observations import normalized, sample_fields
from fieldops.demo.places import BRANDS, CITIES, ENGINEERS_PER_REGION, City
from fieldops.demo.stores import holidays
from fieldops.demo.texts import FIRST_NAMES, LAST_NAMES, SUMMARIES, VISIT_PURPOSES
from fieldops.observations.models import ObservationCategory

# The data set's "today": two years of visits up to it, and two weeks planned after it.
ANCHOR = date(2026, 3, 4)
HISTORY_DAYS = 730
PLANNED_DAYS = 14
SLOTS = (time(9), time(11, 30), time(14, 30))  # an engineer's visits on a working day
PATCH_SIZE = 40  # stores an engineer looks after
STORES_PER_MANAGER = 10


@dataclass(frozen=True)
class Size:
    stores: int = 5000
    engineers: int = 500
    observations: int = 1_000_000


@dataclass
class Counts:
    tables: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # insert time per table

    def add(self, table: str, n: int = 1) -> None:
        self.tables[table] = self.tables.get(table, 0) + n


def ts(at: datetime) -> str:
    """A UTC instant as SQLAlchemy stores it on SQLite."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def hms(at: time) -> str:
    return at.strftime("%H:%M:%S.%f")


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@cache
def local_start(day: date, at: time, tz: str) -> datetime:
    return datetime.combine(day, at, tzinfo=_zone(tz)).astimezone(UTC)


@dataclass
class StoreInfo:
    id: int
    city: City


def stores(rng: random.Random, size: Size) -> tuple[list[StoreInfo], list[tuple]]:
    """(what later rows need to know, the store rows)."""
    weights = [c.stores for c in CITIES]
    created = ts(datetime.combine(ANCHOR - timedelta(days=900), time(12), tzinfo=UTC))
    infos, rows = [], []
    for n in range(1, size.stores + 1):
        city = rng.choices(CITIES, weights)[0]
        brand = rng.choice(BRANDS)
        lat = round(city.latitude + rng.uniform(-0.2, 0.2), 6)
        lon = round(city.longitude + rng.uniform(-0.25, 0.25), 6)
        address = f"{rng.randrange(100, 9900, 10)} Auto Mall Drive, {city.name}, {city.state}"
        rows.append(
            (n, f"B{n:05d}", f"{brand} {city.name} {n:05d}", "dealership", brand, address,
             lat, lon, city.timezone, city.region, rng.choice((2, 2, 2, 4)), 1, created, created)
        )  # fmt: skip
        infos.append(StoreInfo(n, city))
    return infos, rows


def posted_hours(rng: random.Random, infos: list[StoreInfo]) -> Iterator[tuple]:
    weekday, saturday, sunday = (time(9), time(20)), (time(9), time(18)), (time(11), time(17))
    for info in infos:
        for day in range(6):
            opens, closes = saturday if day == 5 else weekday
            yield info.id, day, hms(opens), hms(closes)
        if rng.random() < 0.4:
            yield info.id, 6, hms(sunday[0]), hms(sunday[1])


def hours_exceptions(infos: list[StoreInfo]) -> Iterator[tuple]:
    first, last = ANCHOR - timedelta(days=365), ANCHOR + timedelta(days=365)
    calendar = [
        h
        for year in (ANCHOR.year - 1, ANCHOR.year)
        for h in holidays(year)
        if first <= h[0] <= last
    ]
    n = 0
    for info in infos:
        for day, hours, note in calendar:
            n += 1
            opens, closes = (hms(hours[0]), hms(hours[1])) if hours else (None, None)
            yield n, info.id, day.isoformat(), int(hours is None), opens, closes, note


@dataclass
class Staff:
    admin_id: int
    engineer_ids: list[int]
    patches: dict[int, list[StoreInfo]]
    rows: list[tuple]
    cio_id: int = 0


def users(rng: random.Random, size: Size, infos: list[StoreInfo], password_hash: str) -> Staff:
    """An admin, a CIO, the engineers (each with a patch of stores in a region), managers."""
    created = ts(datetime.combine(ANCHOR - timedelta(days=900), time(12), tzinfo=UTC))
    rows: list[tuple] = []

    def add(email: str, name: str, role: str) -> int:
        user_id = len(rows) + 1
        rows.append((user_id, email, name, role, password_hash, 1, None, created, created, None))
        return user_id

    admin_id = add("admin@bench.example.com", "Bench Admin", "admin")
    cio_id = add("cio@bench.example.com", "Bench CIO", "cio")
    by_region: dict[str, list[StoreInfo]] = {}
    for info in infos:
        by_region.setdefault(info.city.region, []).append(info)
    regions = rng.choices(
        list(ENGINEERS_PER_REGION), list(ENGINEERS_PER_REGION.values()), k=size.engineers
    )
    engineer_ids, patches = [], {}
    for n, region in enumerate(regions, 1):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        user_id = add(f"engineer{n}@bench.example.com", name, "engineer")
        engineer_ids.append(user_id)
        patches[user_id] = rng.sample(by_region[region], min(PATCH_SIZE, len(by_region[region])))
    for n in range(0, len(infos), STORES_PER_MANAGER):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        add(f"manager{n // STORES_PER_MANAGER + 1}@bench.example.com", name, "manager")
    return Staff(admin_id, engineer_ids, patches, rows, cio_id)


def store_managers(staff: Staff, infos: list[StoreInfo]) -> Iterator[tuple]:
    first_manager = staff.engineer_ids[-1] + 1
    for i, info in enumerate(infos):
        yield info.id, first_manager + i // STORES_PER_MANAGER


def working_days() -> list[date]:
    first = ANCHOR - timedelta(days=HISTORY_DAYS)
    days = (first + timedelta(days=i) for i in range(HISTORY_DAYS + PLANNED_DAYS))
    return [d for d in days if d.weekday() < 5]


@dataclass(slots=True)
class CompletedVisit:
    id: int
    store_id: int
    engineer_id: int
    checked_in: datetime


@cache
def slot_times(day: date, slot: time, tz: str) -> tuple[datetime, tuple[str, ...]]:
    """Check-in instant and the stored timestamps of a visit in `slot` on `day` (cached:
    formatting timestamps is most of the work)."""
    start = local_start(day, slot, tz)
    checked_in = start + timedelta(minutes=5)
    texts = (
        ts(start),  # planned_start
        ts(start + timedelta(hours=2)),  # planned_end
        ts(start - timedelta(days=7)),  # created_at
        ts(checked_in),
        ts(start + timedelta(minutes=95)),  # checked_out_at
    )
    return checked_in, texts


def visits(rng: random.Random, staff: Staff, done: list[CompletedVisit]) -> Iterator[tuple]:
    """Three visits per engineer per working day; completed ones are appended to `done`."""
    departments = [json.dumps(d) for d in (["sales"], ["service", "parts"], ["management"])]
    admin = staff.admin_id
    visit_id = 0
    for day in working_days():
        past, iso_day = day < ANCHOR, day.isoformat()
        for engineer_id in staff.engineer_ids:
            for slot, store in zip(SLOTS, rng.sample(staff.patches[engineer_id], 3), strict=True):
                visit_id += 1
                checked_in, (start, end, created, check_in, check_out) = slot_times(
                    day, slot, store.city.timezone
                )
                head = (visit_id, store.id, engineer_id, start, end, iso_day)
                purpose = VISIT_PURPOSES[visit_id % len(VISIT_PURPOSES)]
                draw = rng.random() if past else 1.0
                if not past:
                    yield (*head, "planned", purpose, None, None, None, None, None, None, None,
                           None, "[]", None, admin, created, created, 1)  # fmt: skip
                elif draw >= 0.1:
                    done.append(CompletedVisit(visit_id, store.id, engineer_id, checked_in))
                    summary = SUMMARIES[visit_id % len(SUMMARIES)]
                    yield (*head, "completed", purpose, check_in, None, None, None, None, None,
                           check_out, summary, departments[visit_id % 3], None, admin, created,
                           check_out, 3)  # fmt: skip
                else:
                    status = "missed" if draw < 0.04 else "cancelled"
                    reason = "Store asked to move the visit" if status == "cancelled" else None
                    yield (*head, status, purpose, None, None, None, None, None, None, None, None,
                           "[]", reason, admin, created, created, 2)  # fmt: skip


def field_pool(rng: random.Random) -> dict[ObservationCategory, list[str]]:
    """Pre-made JSON `fields` per category, each valid for the category's schema."""
    pool: dict[ObservationCategory, list[str]] = {}
    for category in ObservationCategory:
        made = (sample_fields(rng, category, time(rng.randint(9, 20), 5)) for _ in range(50))
        pool[category] = [json.dumps(normalized(category, f)) for f in made]
    return pool


def observations(rng: random.Random, size: Size, done: list[CompletedVisit]) -> Iterator[tuple]:
    """Exactly `size.observations` rows, spread over the completed visits."""
    pool = field_pool(rng)
    categories = list(ObservationCategory)
    per_visit = size.observations / max(len(done), 1)
    base, extra = int(per_visit), per_visit - int(per_visit)
    obs_id = 0
    for visit in done:
        for k in range(base + (rng.random() < extra)):
            if obs_id == size.observations:
                return
            obs_id += 1
            category = categories[obs_id % len(categories)]
            at = visit.checked_in + timedelta(minutes=10 + 20 * k)
            client_id = uuid.UUID(int=rng.getrandbits(128), version=4).hex
            yield (obs_id, visit.store_id, visit.id, visit.engineer_id, category.value,
                   rng.choice(pool[category]), None, ts(at), ts(at + timedelta(seconds=30)),
                   client_id)  # fmt: skip
    # Top up to the exact count with notes made outside visits.
    while obs_id < size.observations:
        visit = done[obs_id % len(done)]
        obs_id += 1
        at = visit.checked_in - timedelta(hours=1)
        yield (obs_id, visit.store_id, None, visit.engineer_id, "general",
               pool[ObservationCategory.GENERAL][0], None, ts(at), ts(at), None)  # fmt: skip
