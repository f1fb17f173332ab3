"""The ingestion benchmark's batches, and putting the cache back as it was afterwards.

Each batch is one store's export of one, two or four business days (10,000 signals in
all: see evidence.export_mix), on open days when the cache holds no signal of that store
(checked on ix_signals_store_start), so that every row is new: accepted == 10,000. Times
go out in the store's local offset, as a controller would send them.

The run adds signals and rewrites the daily presence of the days it touched; `Snapshot`
records the cache before (the last signal id, those presence rows, hours_status) and
`restore` puts it back once the server has stopped.
"""

from __future__ import annotations

import json
import random
import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

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


def _free(conn: sqlite3.Connection, store_id: int, day: date, tz: str) -> bool:
    start = midnight(day, tz) + CUTOFF * 60
    found = conn.execute(
        "SELECT 1 FROM signals WHERE store_id = ? AND start_at >= ? AND start_at < ? LIMIT 1",
        (store_id, stamps(start)[0], stamps(start + DAY)[0]),
    ).fetchone()
    return found is None


def pick_days(
    conn: sqlite3.Connection, rng: random.Random, store_id: int, tz: str, count: int, now: datetime
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


def plan(database: str, count: int, now: datetime, seed: int = 7) -> list[Batch]:
    """`count` batches, each for a different store."""
    rng, nonce = random.Random(seed), secrets.token_hex(3)
    batches: list[Batch] = []
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        stores = conn.execute("SELECT id, timezone FROM stores WHERE active ORDER BY id").fetchall()
        for store_id, tz in rng.sample(stores, len(stores)):
            if len(batches) == count:
                break
            days = pick_days(conn, rng, store_id, tz, DAYS_PER_BATCH[len(batches) % 3], now)
            if days:
                batches.append(export(rng, store_id, tz, days, nonce))
    return batches


@dataclass
class Snapshot:
    """What the ingestion run changes in the cache, as it was before."""

    last_signal_id: int
    started_at: str
    presence: list[tuple] = field(default_factory=list)
    status: list[tuple] = field(default_factory=list)


def _days_of(batches: list[Batch]) -> Iterator[tuple[int, str, str]]:
    for b in batches:
        yield b.store_id, b.days[0].isoformat(), b.days[-1].isoformat()


def snapshot(database: str, batches: list[Batch], now: datetime) -> Snapshot:
    with sqlite3.connect(database) as conn:
        snap = Snapshot(conn.execute("SELECT COALESCE(MAX(id), 0) FROM signals").fetchone()[0],
                        stamps(int(now.timestamp()))[0])  # fmt: skip
        for store_id, first, last in _days_of(batches):
            snap.presence += conn.execute(
                "SELECT * FROM daily_presence WHERE store_id = ? AND business_date BETWEEN ? AND ?",
                (store_id, first, last),
            ).fetchall()
        snap.status = conn.execute("SELECT * FROM hours_status").fetchall()
    return snap


def _put_back(conn: sqlite3.Connection, insert: str, rows: list[tuple]) -> None:
    if rows:
        conn.executemany(f"{insert} VALUES ({', '.join('?' * len(rows[0]))})", rows)


def restore(database: str, snap: Snapshot) -> int:
    """Put the cache back as `snap` found it; the number of signals removed."""
    conn = sqlite3.connect(database, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("BEGIN IMMEDIATE")
        removed = conn.execute("DELETE FROM signals WHERE id > ?", (snap.last_signal_id,)).rowcount
        conn.execute("DELETE FROM daily_presence WHERE computed_at >= ?", (snap.started_at,))
        _put_back(conn, "INSERT OR REPLACE INTO daily_presence", snap.presence)
        conn.execute("DELETE FROM hours_status")
        _put_back(conn, "INSERT INTO hours_status", snap.status)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return removed
