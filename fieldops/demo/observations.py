"""Observations: what engineers log during visits, and managers' evening close-outs.

Each `fields` dict goes through the category's schema (load, then dump), so the stored
value is exactly what the API would have stored.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from fieldops.clock import local_date, to_utc, zone
from fieldops.demo.people import People
from fieldops.demo.stores import StorePlan
from fieldops.demo.texts import (
    GENERAL_NOTES,
    HARDWARE_PROBLEMS,
    HOURS_NOTES,
    PAPERWORK_PROCESSES,
    WIFI_SSIDS,
    WIFI_ZONES,
)
from fieldops.demo.visits import PlannedVisit
from fieldops.observations import FIELD_SCHEMAS
from fieldops.observations import ObservationCategory as Cat
from fieldops.visits import VisitStatus

CATEGORY_WEIGHTS = {
    Cat.WIFI: 30,
    Cat.PAPERWORK: 20,
    Cat.HOURS: 15,
    Cat.HARDWARE: 15,
    Cat.GENERAL: 20,
}
# Weeks of manager close-outs at stores whose customers stay late.
CLOSE_OUT_WEEKS = 4


def new_client_id(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def normalized(category: Cat, values: dict[str, Any]) -> dict[str, Any]:
    schema = FIELD_SCHEMAS[category]()
    return schema.dump(schema.load(values))


def hhmm(at: time) -> str:
    return at.strftime("%H:%M")


def sample_fields(rng: random.Random, category: Cat, local_time: time) -> dict[str, Any]:
    """Plausible fields of `category`, as an engineer would enter them at `local_time`."""
    if category == Cat.WIFI:
        weak = rng.random() < 0.25
        return {
            "zone": rng.choice(WIFI_ZONES),
            "ssid": rng.choice(WIFI_SSIDS),
            "rssi_dbm": rng.randint(-88, -72) if weak else rng.randint(-70, -42),
            "download_mbps": round(rng.uniform(1, 15) if weak else rng.uniform(40, 450), 1),
            "upload_mbps": round(rng.uniform(0.5, 5) if weak else rng.uniform(10, 120), 1),
            "latency_ms": round(rng.uniform(80, 400) if weak else rng.uniform(8, 45), 1),
        }
    if category == Cat.PAPERWORK:
        return {
            "process": rng.choice(PAPERWORK_PROCESSES),
            "pages": rng.randint(2, 40),
            "signature": rng.choice(("wet", "wet", "digital", "none")),
            "minutes": float(rng.randint(3, 45)),
        }
    if category == Cat.HOURS:
        found: dict[str, Any] = {"customers_present": rng.randint(0, 25)}
        if local_time >= time(17):
            found["last_customer_at"] = hhmm(local_time)
        return found
    if category == Cat.HARDWARE:
        device, problem = rng.choice(HARDWARE_PROBLEMS)
        return {"device": device, "problem": problem}
    return {"text": rng.choice(GENERAL_NOTES)}


def _row(
    store_id: int,
    visit_id: int | None,
    author_id: int,
    category: Cat,
    fields: dict[str, Any],
    at: datetime,
    note: str | None,
    client_id: uuid.UUID | None,
) -> dict[str, Any]:
    return {
        "store_id": store_id,
        "visit_id": visit_id,
        "author_id": author_id,
        "category": category,
        "fields": normalized(category, fields),
        "note": note,
        "observed_at": at,
        "created_at": at + timedelta(seconds=30),
        "client_id": client_id,
    }


def visit_observations(rng: random.Random, visits: list[PlannedVisit]) -> list[dict]:
    """One to four observations during each visit that has been checked in."""
    rows: list[dict] = []
    categories, weights = list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values())
    done = (VisitStatus.COMPLETED, VisitStatus.CHECKED_IN)
    for n, visit in enumerate(v for v in visits if v.row["status"] in done):
        row = visit.row
        start = row["checked_in_at"]
        end = row["checked_out_at"] or start + timedelta(minutes=30)
        count = rng.choices((1, 2, 3, 4), (30, 35, 25, 10))[0]
        # The first visits cycle through every category, so each one is represented.
        picked = [categories[n % len(categories)]] if n < len(categories) else []
        picked += rng.choices(categories, weights, k=count - len(picked))
        for category in picked:
            at = start + (end - start) * rng.uniform(0.05, 0.95)
            local_time = at.astimezone(zone(visit.store.timezone)).time()
            rows.append(
                _row(
                    row["store_id"],
                    visit.id,
                    row["engineer_id"],
                    category,
                    sample_fields(rng, category, local_time),
                    at,
                    rng.choice(GENERAL_NOTES) if rng.random() < 0.15 else None,
                    new_client_id(rng) if rng.random() < 0.7 else None,
                )
            )
    return rows


def _close_out(
    rng: random.Random, store: StorePlan, day: date, manager_id: int, now: datetime
) -> dict | None:
    hours = store.hours_on(day)
    if hours is None or hours[1] <= hours[0] or hours[1] > time(22):
        return None  # closed, or closes after midnight: no evening close-out to show
    closes = datetime.combine(day, hours[1])
    if store.late_customers:
        last = closes + timedelta(minutes=rng.randint(15, 100))
    else:
        last = closes - timedelta(minutes=rng.randint(0, 20))
    at = to_utc(day, (last + timedelta(minutes=5)).time(), store.timezone)
    if at >= now:
        return None
    fields = {"last_customer_at": hhmm(last.time()), "customers_present": 0}
    note = HOURS_NOTES[0] if store.late_customers else HOURS_NOTES[3]
    return _row(store.id, None, manager_id, Cat.HOURS, fields, at, note, new_client_id(rng))


def manager_close_outs(
    rng: random.Random, stores: list[StorePlan], people: People, now: datetime
) -> list[dict]:
    """Managers' "last customer left at" notes: Fridays and Saturdays of recent weeks."""
    managers = people.manager_of()
    rows: list[dict] = []
    for store in stores:
        if not store.late_customers and rng.random() > 0.2:
            continue
        today = local_date(now, store.timezone)
        for back in range(CLOSE_OUT_WEEKS * 7):
            day = today - timedelta(days=back)
            if day.weekday() in (4, 5) and rng.random() < 0.6:
                row = _close_out(rng, store, day, managers[store.code].id, now)
                if row is not None:
                    rows.append(row)
    return rows
