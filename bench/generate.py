"""Build (once) the large SQLite data set the benchmarks run against, cached in bench/.cache/.

The schema comes from the app's own migrations (`flask db upgrade`); rows go in with plain
sqlite3 `executemany` in one transaction per table, which is what makes a million
observations take seconds rather than minutes. The cache is rebuilt only when missing or
when `VERSION` changes (bump it whenever the generator's output changes).

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
from pathlib import Path

from werkzeug.security import generate_password_hash

from bench import dataset
from bench.dataset import ANCHOR, CompletedVisit, Counts, Size

VERSION = 1
SEED = 20260304
CACHE_DIR = Path(__file__).resolve().parent / ".cache"
DB_PATH = CACHE_DIR / f"bench-v{VERSION}.db"
META_PATH = CACHE_DIR / f"bench-v{VERSION}.json"

COLUMNS = {
    "stores": "id, code, name, kind, brand, address, latitude, longitude, timezone, region, "
    "cadence_per_year, active, created_at, updated_at",
    "posted_hours": "store_id, weekday, opens, closes",
    "hours_exceptions": "id, store_id, date, closed, opens, closes, note",
    "users": "id, email, name, role, password_hash, active, phone, login_nonce, created_at, "
    "updated_at, last_login_at",
    "store_managers": "store_id, user_id",
    "api_tokens": "id, user_id, name, token_hash, prefix, created_by_id, created_at, "
    "last_used_at, revoked_at",
    "visits": "id, store_id, engineer_id, planned_start, planned_end, local_date, status, "
    "purpose, checked_in_at, check_in_latitude, check_in_longitude, check_in_accuracy_m, "
    "distance_m, far_from_store, checked_out_at, summary, departments_met, cancel_reason, "
    "created_by_id, created_at, updated_at, version",
    "observations": "id, store_id, visit_id, author_id, category, fields, note, observed_at, "
    "created_at, client_id",
}


@dataclass
class Meta:
    """What the benchmark run needs to know about the cached data set."""

    version: int
    database: str
    token: str
    engineer_id: int
    today: str
    visit_dates: list[str]
    counts: dict[str, int]
    seconds: float


def log(message: str) -> None:
    print(f"[bench.generate] {message}", file=sys.stderr, flush=True)


def migrate(path: Path) -> None:
    """Create the schema exactly as production does: the app's Alembic migrations."""
    from flask_migrate import upgrade

    from config import DevelopmentConfig
    from fieldops import create_app
    from fieldops.extensions import db

    class BenchConfig(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"

    app = create_app(BenchConfig)
    with app.app_context():
        upgrade()
        db.engine.dispose()


def insert(conn: sqlite3.Connection, table: str, rows: Iterable[tuple], counts: Counts) -> None:
    columns = COLUMNS[table]
    marks = ", ".join("?" * len(columns.split(",")))
    started = time.perf_counter()
    conn.execute("BEGIN")
    cursor = conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
    conn.execute("COMMIT")
    counts.add(table, cursor.rowcount)
    log(f"{table}: {cursor.rowcount:,} rows in {time.perf_counter() - started:.1f} s")


def fill(path: Path, size: Size) -> tuple[Counts, str, int]:
    """Insert every row; (counts, the plain API token, its engineer's id)."""
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

    engineer_id = staff.engineer_ids[0]
    token = "fo_" + secrets.token_urlsafe(32)
    created = dataset.ts(dataset.local_start(ANCHOR, dataset.SLOTS[0], "UTC"))
    token_row = (1, engineer_id, "benchmark", hashlib.sha256(token.encode()).hexdigest(),
                 token[:10], staff.admin_id, created, None, None)  # fmt: skip
    insert(conn, "api_tokens", [token_row], counts)

    done: list[CompletedVisit] = []
    insert(conn, "visits", dataset.visits(rng, staff, done), counts)
    insert(conn, "observations", dataset.observations(rng, size, done), counts)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    return counts, token, engineer_id


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
    log(f"building {size} into {tmp}")
    migrate(tmp)
    counts, token, engineer_id = fill(tmp, size)
    tmp.rename(DB_PATH)
    meta = Meta(
        version=VERSION,
        database=str(DB_PATH),
        token=token,
        engineer_id=engineer_id,
        today=ANCHOR.isoformat(),
        visit_dates=visit_dates(DB_PATH, engineer_id),
        counts=counts.tables,
        seconds=round(time.perf_counter() - started, 1),
    )
    META_PATH.write_text(json.dumps(asdict(meta), indent=2))
    log(f"done in {meta.seconds:.0f} s: {DB_PATH.stat().st_size / 1e9:.2f} GB")
    return meta


def ensure_dataset(size: Size | None = None, force: bool = False) -> Meta:
    """The cached data set, built first if missing, outdated, or `force`d."""
    if not force and DB_PATH.exists() and META_PATH.exists():
        meta = Meta(**json.loads(META_PATH.read_text()))
        if meta.version == VERSION:
            return meta
    return build(size or Size())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if cached")
    args = parser.parse_args()
    meta = ensure_dataset(force=args.force)
    print(json.dumps({k: v for k, v in asdict(meta).items() if k != "token"}, indent=2))


if __name__ == "__main__":
    main()
