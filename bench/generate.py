"""Build (once) the large SQLite data set the benchmarks run against, cached in bench/.cache/.

The schema comes from the app's own migrations (`flask db upgrade`); rows go in with plain
sqlite3 `executemany` in one transaction per table, in key order, which is what makes a
million observations take seconds and ten million signals a minute or two. Real hours are
then learned once by the app's own recompute. The cache is rebuilt when missing, when
`VERSION` changes (bump it whenever the generator's output changes), or when older than
`MAX_AGE`: evidence is dated relative to the wall clock, as the server checks it. A cache
in use is brought to the app's latest migration first (`flask db upgrade` is idempotent).
Support shifts come from bench/shifts.py; coverage snapshots and alerts are made by each
run, for its own date (bench/history.py).

    python -m bench.generate [--force]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import secrets
import sqlite3
import sys
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from werkzeug.security import generate_password_hash

from bench import dataset, evidence, shifts
from bench.databases import sqlite_url
from bench.dataset import ANCHOR, CompletedVisit, Counts, Size

VERSION = 3
MAX_AGE = timedelta(days=30)
SEED = 20260304
CACHE_DIR = Path(__file__).resolve().parent / ".cache"
DB_PATH = CACHE_DIR / f"bench-v{VERSION}.db"
META_PATH = CACHE_DIR / f"bench-v{VERSION}.json"

COLUMNS = {
    "stores": "id, code, name, kind, brand, address, latitude, longitude, timezone, region, "
    "cadence_per_year, active, created_at, updated_at",
    "posted_hours": "store_id, weekday, opens, closes",
    "hours_exceptions": "id, store_id, date, closed, opens, closes, note",
    "users": "id, email, name, role, password_hash, active, phone, created_at, updated_at, "
    "last_login_at",
    "store_managers": "store_id, user_id",
    "api_tokens": "id, user_id, name, scope, token_hash, prefix, created_by_id, created_at, "
    "last_used_at, revoked_at",
    "visits": "id, store_id, engineer_id, planned_start, planned_end, local_date, status, "
    "purpose, checked_in_at, check_in_latitude, check_in_longitude, check_in_accuracy_m, "
    "distance_m, far_from_store, checked_out_at, summary, departments_met, cancel_reason, "
    "created_by_id, created_at, updated_at, version",
    "observations": "id, store_id, visit_id, author_id, category, fields, note, observed_at, "
    "created_at, client_id",
    "signals": "store_id, source, dedupe_key, start_at, end_at, device, entries, exits, "
    "received_at",
    "daily_presence": "store_id, business_date, closed, first_minute, last_minute, first_at, "
    "last_at, sources, evidence, computed_at",
    "support_shifts": "id, name, timezone, weekdays, start_time, end_time, region, kind, active, "
    "created_at, updated_at",
    "shift_stores": "shift_id, store_id",
    "shift_engineers": "shift_id, user_id",
    "shift_exceptions": "id, shift_id, date, off, start_time, end_time, note",
}


@dataclass
class Meta:
    """What the benchmark run needs to know about the cached data set."""

    version: int
    database: str
    token: str  # an engineer's, full scope
    signals_token: str  # the admin's, scope "signals" (an integration's)
    cio_token: str  # the CIO's, full scope: the dashboard and /api/coverage
    engineer_id: int
    today: str
    visit_dates: list[str]
    counts: dict[str, int]
    seconds: float
    built_at: str  # UTC ISO: the evidence is dated relative to it
    seconds_by_table: dict[str, float]


def log(message: str) -> None:
    print(f"[bench.generate] {message}", file=sys.stderr, flush=True)


def bench_app(url: str) -> Flask:
    """The app on the database at `url` (bench/databases.py), with the development settings."""
    from config import DevelopmentConfig
    from fieldops import create_app

    class BenchConfig(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(BenchConfig)


def migrate(path: Path) -> None:
    """Create the schema exactly as production does: the app's Alembic migrations."""
    from flask_migrate import upgrade

    from fieldops.extensions import db

    app = bench_app(sqlite_url(path))
    with app.app_context():
        upgrade()
        db.engine.dispose()


def learn_hours(path: Path, now: datetime) -> tuple[int, float]:
    """Fill real_hours (and hours_status) with the app's own recompute; (rows, seconds)."""
    from fieldops.extensions import db
    from fieldops.hours.learning import recompute

    app = bench_app(sqlite_url(path))
    with app.app_context():
        result = recompute(now)
        db.session.commit()
        db.engine.dispose()
    log(f"real hours: {result['weekdays']:,} rows in {result['seconds']:.1f} s")
    return result["weekdays"], result["seconds"]


def insert(conn: sqlite3.Connection, table: str, rows: Iterable[tuple], counts: Counts) -> None:
    columns = COLUMNS[table]
    marks = ", ".join("?" * len(columns.split(",")))
    started = time.perf_counter()
    conn.execute("BEGIN")
    cursor = conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    counts.add(table, cursor.rowcount)
    counts.seconds[table] = round(seconds, 1)
    log(f"{table}: {cursor.rowcount:,} rows in {seconds:.1f} s")


def token_row(token_id: int, user_id: int, name: str, scope: str, by: int) -> tuple[str, tuple]:
    """(the plain token, its api_tokens row)."""
    plain = "fo_" + secrets.token_urlsafe(32)
    created = dataset.ts(dataset.local_start(ANCHOR, dataset.SLOTS[0], "UTC"))
    digest = hashlib.sha256(plain.encode()).hexdigest()
    return plain, (token_id, user_id, name, scope, digest, plain[:10], by, created, None, None)


def fill(path: Path, size: Size, now: datetime) -> tuple[Counts, list[str], int]:
    """Insert every row; (counts, the plain API tokens, the engineer's id)."""
    rng = random.Random(SEED)
    counts = Counts()
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in (
        "journal_mode=OFF",
        "synchronous=OFF",
        "cache_size=-1000000",
        "temp_store=MEMORY",
    ):
        conn.execute(f"PRAGMA {pragma}")
    infos, store_rows = dataset.stores(rng, size)
    insert(conn, "stores", store_rows, counts)
    insert(conn, "posted_hours", dataset.posted_hours(rng, infos), counts)
    insert(conn, "hours_exceptions", dataset.hours_exceptions(infos), counts)
    # Nobody signs in with a password here: a cheap hash keeps generation quick.
    staff = dataset.users(
        rng, size, infos, generate_password_hash("bench-password", "scrypt:1024:8:1")
    )
    insert(conn, "users", staff.rows, counts)
    insert(conn, "store_managers", dataset.store_managers(staff, infos), counts)

    engineer_id, admin_id = staff.engineer_ids[0], staff.admin_id
    token, row = token_row(1, engineer_id, "benchmark", "full", admin_id)
    signals_token, signals_row = token_row(2, admin_id, "benchmark signals", "signals", admin_id)
    cio_token, cio_row = token_row(3, staff.cio_id, "benchmark dashboard", "full", admin_id)
    insert(conn, "api_tokens", [row, signals_row, cio_row], counts)

    done: list[CompletedVisit] = []
    insert(conn, "visits", dataset.visits(rng, staff, done), counts)
    insert(conn, "observations", dataset.observations(rng, size, done), counts)
    profiles = [evidence.profile(rng, info.id) for info in infos]
    insert(conn, "signals", evidence.signal_rows(rng, infos, profiles, now), counts)
    insert(conn, "daily_presence", evidence.presence_rows(rng, infos, profiles, now), counts)
    desks = shifts.desks(random.Random(f"shifts:{SEED}"), infos, staff, profiles, now.date())
    roster = shifts.roster(desks, dataset.ts(now))
    for line in shifts.describe(desks):
        log(f"  {line}")
    insert(conn, "support_shifts", roster.shifts, counts)
    insert(conn, "shift_stores", roster.stores, counts)
    insert(conn, "shift_engineers", roster.engineers, counts)
    insert(conn, "shift_exceptions", roster.exceptions, counts)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    return counts, [token, signals_token, cio_token], engineer_id


def visit_dates(path: Path, engineer_id: int) -> list[str]:
    """The benchmark engineer's 20 latest store-local days with visits, up to the anchor."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT DISTINCT local_date FROM visits WHERE engineer_id = ? AND local_date <= ?"
            " ORDER BY local_date DESC LIMIT 20",
            (engineer_id, ANCHOR.isoformat()),
        ).fetchall()
    return [r[0] for r in rows]


def build(size: Size) -> Meta:
    CACHE_DIR.mkdir(exist_ok=True)
    for old in CACHE_DIR.glob("bench-v*"):
        old.unlink()
    tmp = CACHE_DIR / f"building-v{VERSION}.db"
    for leftover in CACHE_DIR.glob(f"{tmp.name}*"):
        leftover.unlink()
    started = time.perf_counter()
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    log(f"building {size} into {tmp}")
    migrate(tmp)
    counts, (token, signals_token, cio_token), engineer_id = fill(tmp, size, now)
    counts.tables["real_hours"], counts.seconds["real_hours"] = learn_hours(tmp, now)
    tmp.rename(DB_PATH)
    meta = Meta(
        version=VERSION,
        database=str(DB_PATH),
        token=token,
        signals_token=signals_token,
        cio_token=cio_token,
        engineer_id=engineer_id,
        today=ANCHOR.isoformat(),
        visit_dates=visit_dates(DB_PATH, engineer_id),
        counts=counts.tables,
        seconds=round(time.perf_counter() - started, 1),
        built_at=now.isoformat(),
        seconds_by_table=counts.seconds,
    )
    META_PATH.write_text(json.dumps(asdict(meta), indent=2))
    log(f"done in {meta.seconds:.0f} s: {DB_PATH.stat().st_size / 1e9:.2f} GB")
    return meta


def ensure_dataset(size: Size | None = None, force: bool = False) -> Meta:
    """The cached data set, built first if missing, outdated, too old, or `force`d; a
    cached one is upgraded to the app's latest migration before use."""
    if not force and DB_PATH.exists() and META_PATH.exists():
        fields = json.loads(META_PATH.read_text())
        if fields.get("version") == VERSION:
            meta = Meta(**fields | {"database": str(DB_PATH)})  # the cache may be a copy
            if datetime.now(UTC) - datetime.fromisoformat(meta.built_at) < MAX_AGE:
                migrate(DB_PATH)
                return meta
            log(f"the data set was built on {meta.built_at}, over {MAX_AGE.days} days ago")
    return build(size or Size())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if cached")
    args = parser.parse_args()
    meta = ensure_dataset(force=args.force)
    secret = ("token", "signals_token", "cio_token")
    print(json.dumps({k: v for k, v in asdict(meta).items() if k not in secret}, indent=2))


if __name__ == "__main__":
    main()
