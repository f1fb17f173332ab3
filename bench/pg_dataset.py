"""The benchmark data set on PostgreSQL: the SQLite cache (bench/generate.py) copied by COPY.

    python -m bench.pg_dataset [--force]

The database named by BENCH_DATABASE_URL (default the local server's `fieldops_bench`,
created when missing) gets the app's schema from its own migrations (`flask db upgrade`),
then the monthly partitions of `signals` covering the data set's signal dates (so no row
lands in the DEFAULT partition), then every table of the cache, by COPY with the session
in UTC (SQLite's text timestamps, 0/1 booleans, 32-digit UUIDs and JSON text are all valid
PostgreSQL input), in place of any rows the migrations seeded. Foreign keys are not
checked during the copy (the rows come from a database that checked them); sequences are
set past each table's largest id; VACUUM ANALYZE leaves the tables as autovacuum would,
with statistics and visibility maps.

A database holding tables that this module did not load is refused (its schema would be
dropped) unless `--force`. The database's comment records the cache it holds (generator
version and build time) and how long the load took: the load is skipped while they match,
unless `--force`. Runs of the benchmark change the database as they change the cache
(snapshots, real hours; ingested signals are removed again), as a production database
would change.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.databases import Database, engine, insert_rows, postgres_url, sqlite_url
from bench.generate import Meta, bench_app, ensure_dataset

SKIPPED = {"alembic_version"}


@dataclass
class Loaded:
    """The PostgreSQL copy of the data set."""

    url: str
    seconds: float  # of the load that made it (COPY, indexes, VACUUM ANALYZE)
    loaded_at: str
    bytes: int = 0  # pg_database_size
    reloaded: bool = False  # by this run

    @property
    def database(self) -> str:
        return make_url(self.url).database or ""


def log(message: str) -> None:
    print(f"[bench.pg_dataset] {message}", file=sys.stderr, flush=True)


def create_database(url: str) -> None:
    """CREATE DATABASE unless it exists (connected to the server's `postgres` database)."""
    name = make_url(url).database
    server = sa.create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        found = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not found:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    server.dispose()


def marker(url: str) -> dict:
    with engine(url).connect() as conn:
        text = conn.scalar(
            sa.text(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = current_database()"
            )
        )
    try:
        return json.loads(text or "{}")
    except ValueError:
        return {}


def set_marker(conn: sa.Connection, fields: dict) -> None:
    comment = json.dumps(fields).replace("'", "''")
    conn.execute(sa.text(f"COMMENT ON DATABASE \"{conn.engine.url.database}\" IS '{comment}'"))


def has_tables(url: str) -> bool:
    with engine(url).connect() as conn:
        return bool(
            conn.scalar(sa.text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
        )


def empty_schema(url: str) -> None:
    with engine(url).begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
        set_marker(conn, {"loading": True})  # ours, even if the load stops half-way


def migrate_and_partition(url: str, source: sqlite3.Connection) -> list[str]:
    """The app's migrations, then a partition for every month holding the cache's signals;
    the partitions made."""
    from flask_migrate import upgrade

    from fieldops.extensions import db
    from fieldops.hours import partitions

    low, high = source.execute("SELECT min(start_at), max(start_at) FROM signals").fetchone()
    app = bench_app(url)
    made = []
    with app.app_context():
        upgrade()
        if low is not None:
            have = set(partitions.months())
            month, last = (partitions.Month.of(_utc(stamp)) for stamp in (low, high))
            while month <= last:
                if month not in have:
                    partitions.create(month)
                    made.append(month.table)
                month = month.plus(1)
            db.session.commit()
        db.engine.dispose()
    return made


def _utc(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp).replace(tzinfo=UTC)


def copy_tables(url: str, source: sqlite3.Connection) -> dict[str, int]:
    """Every table of the cache into its PostgreSQL twin, the columns both have; rows by table."""
    tables = [
        name
        for (name,) in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY rowid"
        )
        if name not in SKIPPED
    ]
    counts = {}
    with engine(url).begin() as conn:
        target = {
            table: [r[0] for r in conn.execute(
                sa.text("SELECT column_name FROM information_schema.columns "
                        "WHERE table_schema = 'public' AND table_name = :t"), {"t": table})]
            for table in tables
        }  # fmt: skip
        conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} CASCADE"))  # rows the migrations seed
        conn.execute(sa.text("SET session_replication_role = replica"))  # no FK triggers
        for table in tables:
            have = set(target[table])
            columns = [r[1] for r in source.execute(f"PRAGMA table_info({table})") if r[1] in have]
            if not columns:
                continue
            started = time.perf_counter()
            listed = ", ".join(columns)
            rows = source.execute(f"SELECT {listed} FROM {table}")
            counts[table] = n = insert_rows(conn, table, listed, rows)
            if n:
                log(f"{table}: {n:,} rows in {time.perf_counter() - started:.1f} s")
        conn.execute(sa.text("SET session_replication_role = origin"))
    return counts


def set_sequences(url: str) -> None:
    """Every sequence owned by a column, past that column's largest value."""
    with engine(url).begin() as conn:
        owned = conn.execute(
            sa.text(
                "SELECT s.relname, t.relname, a.attname FROM pg_class s "
                "JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass "
                "JOIN pg_class t ON t.oid = d.refobjid "
                "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
                "WHERE s.relkind = 'S' AND d.deptype IN ('a', 'i')"
            )
        ).all()
        for sequence, table, column in owned:
            conn.execute(
                sa.text(
                    f"SELECT setval('{sequence}', COALESCE((SELECT max({column}) FROM {table}), 0)"
                    " + 1, false)"
                )
            )


def vacuum_analyze(url: str) -> None:
    with engine(url).connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))


def database_bytes(url: str) -> int:
    with engine(url).connect() as conn:
        return conn.scalar(sa.text("SELECT pg_database_size(current_database())"))


def load(meta: Meta, url: str) -> Loaded:
    """Copy the cache `meta` describes into the database at `url`, from an empty schema."""
    started = time.perf_counter()
    empty_schema(url)
    source = sqlite3.connect(f"file:{meta.database}?mode=ro", uri=True)
    try:
        made = migrate_and_partition(url, source)
        log(f"schema migrated, {len(made)} monthly partitions of signals made")
        counts = copy_tables(url, source)
    finally:
        source.close()
    set_sequences(url)
    vacuum_analyze(url)
    seconds = time.perf_counter() - started
    loaded_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with engine(url).begin() as conn:
        set_marker(
            conn,
            {"version": meta.version, "built_at": meta.built_at, "seconds": round(seconds, 1),
             "loaded_at": loaded_at, "rows": sum(counts.values())},
        )  # fmt: skip
    log(f"loaded {sum(counts.values()):,} rows in {seconds:.0f} s")
    return Loaded(url, seconds, loaded_at, database_bytes(url), reloaded=True)


def ensure_loaded(meta: Meta, url: str | None = None, force: bool = False) -> Loaded:
    """The data set on PostgreSQL: loaded unless the database already holds this cache's
    build (then only brought to the latest migration)."""
    url = url or postgres_url()
    create_database(url)
    found = marker(url)
    if not force and (found.get("version"), found.get("built_at")) == (meta.version, meta.built_at):
        from flask_migrate import upgrade

        from fieldops.extensions import db

        with bench_app(url).app_context():
            upgrade()
            db.engine.dispose()
        return Loaded(url, found["seconds"], found["loaded_at"], database_bytes(url))
    if not found and has_tables(url) and not force:
        raise SystemExit(
            f"{make_url(url).database} holds tables bench/pg_dataset.py did not load: name an "
            "empty database in BENCH_DATABASE_URL (its schema is dropped), or pass --force"
        )
    return load(meta, url)


def database_for(key: str, meta: Meta) -> Database:
    """The data set on `key` ("sqlite": the cache file; "postgresql": its copy, loaded first
    if it is not there yet)."""
    url = ensure_loaded(meta).url if key == "postgresql" else sqlite_url(meta.database)
    return Database(key, url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="reload even if loaded")
    args = parser.parse_args()
    loaded = ensure_loaded(ensure_dataset(), force=args.force)
    state = "loaded" if loaded.reloaded else "already held"
    print(
        f"{loaded.database}: {state} ({loaded.loaded_at}, load {loaded.seconds:.0f} s, "
        f"{loaded.bytes / 1e9:.2f} GB)"
    )


if __name__ == "__main__":
    main()
