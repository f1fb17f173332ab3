"""The ingestion benchmark's batches, and putting the cache back as it was afterwards.

Each batch is one store's export of one, two or four business days (10,000 signals in
all: see evidence.export_mix), on open days when the cache holds no signal of that store
(checked on ix_signals_store_start), so that every row is new: accepted == 10,000. Times
go out in the store's local offset, as a controller would send them.

The run adds signals and rewrites the daily presence of the days it touched; `Snapshot`
records the database before (the last signal id, those presence rows, hours_status) and
`restore` puts it back once the server has stopped, on SQLite or PostgreSQL alike.
"""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from bench.databases import checkpoint, engine, insert_rows
from bench.dataset import _zone
from bench.evidence import (
    CUTOFF,
    DAY,
    Event,
    business_today,
    day_events,
    export_mix,
    midnight,
    profile,
    stamps,
)

BATCH = 10_000
DAYS_PER_BATCH = (1, 2, 4)  # cycled
EPOCH = datetime(1970, 1, 1)  # naive: wall-clock arithmetic
NEWEST, OLDEST = 2, 110  # days before today: whole days that are over, within SIGNALS_MAX_AGE_DAYS


@dataclass
class Batch:
    store_id: int
    days: list[date]
    body: bytes
    size: int


def offset_of(day: date, tz: str) -> int:
    offset = datetime.combine(day, time(12), tzinfo=_zone(tz)).utcoffset()
    return int(offset.total_seconds())  # type: ignore[union-attr]


def local_iso(at: int, offset: int) -> str:
    """Instant `at` (epoch s) written in local time with its offset: 2026-05-01T09:31:12-05:00."""
    wall = EPOCH + timedelta(seconds=at + offset)
    sign, minutes = ("+" if offset >= 0 else "-"), abs(offset) // 60
    return f"{wall.isoformat()}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def api_row(e: Event, offset: int, bin_minutes: int) -> dict[str, Any]:
    source, start = e[0], local_iso(e[1], offset)
    if source == "wifi_session":
        end = local_iso(e[2] or e[1], offset)
        return {"source": source, "device": e[3], "start": start, "end": end}
    if source == "door_count":
        return {"source": source, "start": start, "interval_minutes": bin_minutes,
                "entries": e[4], "exits": e[5]}  # fmt: skip
    return {"source": source, "at": start} | ({"id": e[6]} if e[6] else {})


def _free(conn: sa.Connection, store_id: int, day: date, tz: str) -> bool:
    start = midnight(day, tz) + CUTOFF * 60
    found = conn.execute(
        sa.text(
            "SELECT 1 FROM signals WHERE store_id = :store AND start_at >= :lo AND start_at < :hi "
            "LIMIT 1"
        ),
        {"store": store_id, "lo": stamps(start)[0], "hi": stamps(start + DAY)[0]},
    ).first()
    return found is None


def pick_days(
    conn: sa.Connection, rng: random.Random, store_id: int, tz: str, count: int, now: datetime
) -> list[date]:
    """`count` consecutive open days of the store without signals, or [] if none found."""
    prof = profile(random.Random(store_id), store_id)
    today = business_today(now, tz)
    for _ in range(50):
        day, days = today - timedelta(days=rng.randrange(NEWEST + 6, OLDEST)), []
        while len(days) < count and day <= today - timedelta(days=NEWEST):
            if prof.opens[day.weekday()] is not None:
                days.append(day)
            day += timedelta(days=1)
        if len(days) == count and all(_free(conn, store_id, d, tz) for d in days):
            return days
    return []


def export(rng: random.Random, store_id: int, tz: str, days: list[date], nonce: str) -> Batch:
    prof = profile(random.Random(store_id), store_id)
    ids = (f"R{nonce}-{store_id}-{n}" for n in range(1, 10**9))
    mix = export_mix(BATCH // len(days))
    rows = []
    for day in days:
        opens, closes = prof.opens[day.weekday()] or 0, prof.closes[day.weekday()] or 0
        events = day_events(rng, mix, midnight(day, tz), opens, closes, prof.staff, ids)
        offset = offset_of(day, tz)
        rows += [api_row(e, offset, mix.bin_minutes) for e in events]
    return Batch(store_id, days, json.dumps({"signals": rows}).encode(), len(rows))


def plan(url: str, count: int, now: datetime, seed: int = 7) -> list[Batch]:
    """`count` batches, each for a different store."""
    rng, nonce = random.Random(seed), secrets.token_hex(3)
    batches: list[Batch] = []
    with engine(url).connect() as conn:
        query = sa.text("SELECT id, timezone FROM stores WHERE active ORDER BY id")
        stores = [tuple(r) for r in conn.execute(query)]
        for store_id, tz in rng.sample(stores, len(stores)):
            if len(batches) == count:
                break
            days = pick_days(conn, rng, store_id, tz, DAYS_PER_BATCH[len(batches) % 3], now)
            if days:
                batches.append(export(rng, store_id, tz, days, nonce))
    return batches


@dataclass
class Rows:
    """Rows of a table, values as SQLite stores them (what `insert_rows` takes)."""

    columns: str
    rows: list[tuple] = field(default_factory=list)


@dataclass
class Snapshot:
    """What the ingestion run changes in the database, as it was before."""

    last_signal_id: int
    started_at: str
    days: list[tuple[int, str, str]] = field(default_factory=list)  # store, first, last
    presence: Rows = field(default_factory=lambda: Rows(""))
    status: Rows = field(default_factory=lambda: Rows(""))


IN_DAYS = "store_id = :store AND business_date BETWEEN :first AND :last"


def _stored(value: Any) -> Any:
    """A value read back as SQLite stores it (what `insert_rows` takes)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _read(conn: sa.Connection, into: Rows, sql: str, **params: Any) -> None:
    result = conn.execute(sa.text(sql), params)
    into.columns = ", ".join(result.keys())
    into.rows += [tuple(map(_stored, r)) for r in result]


def snapshot(url: str, batches: list[Batch], now: datetime) -> Snapshot:
    with engine(url).connect() as conn:
        last = conn.scalar(sa.text("SELECT COALESCE(MAX(id), 0) FROM signals"))
        snap = Snapshot(last, stamps(int(now.timestamp()))[0])
        snap.days = [(b.store_id, b.days[0].isoformat(), b.days[-1].isoformat()) for b in batches]
        for store_id, first, last_day in snap.days:
            _read(
                conn, snap.presence, f"SELECT * FROM daily_presence WHERE {IN_DAYS}",
                store=store_id, first=first, last=last_day,
            )  # fmt: skip
        _read(conn, snap.status, "SELECT * FROM hours_status")
    return snap


def restore(url: str, snap: Snapshot) -> int:
    """Put the database back as `snap` found it; the number of signals removed."""
    with engine(url).begin() as conn:
        removed = conn.execute(
            sa.text("DELETE FROM signals WHERE id > :id"), {"id": snap.last_signal_id}
        ).rowcount
        conn.execute(
            sa.text("DELETE FROM daily_presence WHERE computed_at >= :at"), {"at": snap.started_at}
        )
        for store_id, first, last in snap.days:
            conn.execute(
                sa.text(f"DELETE FROM daily_presence WHERE {IN_DAYS}"),
                {"store": store_id, "first": first, "last": last},
            )
        insert_rows(conn, "daily_presence", snap.presence.columns, snap.presence.rows)
        conn.execute(sa.text("DELETE FROM hours_status"))
        insert_rows(conn, "hours_status", snap.status.columns, snap.status.rows)
    checkpoint(url)
    return removed
