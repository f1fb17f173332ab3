"""Signal retention: deleting 30 days of raw signals from the 10 M-signal data set, and
monthly partitions on PostgreSQL.

    python -m bench.retention [--pg-stores 1000] [--skip-postgres] [--dataset PATH]

1. SQLite: the cached data set (bench/generate.py) is copied to /tmp (the cache is never
   touched) and brought to the latest migration. Its signals cover 360 days, its daily
   presence the last 180: with `now` the data set's build time and a retention of 150
   days, the summarised signals of 30 days are past retention (those older than 180 days
   are not summarised and stay). The job's work (`prune_signals`) runs in-process,
   committing every batch, while a writer thread writes a row every 20 ms (BEGIN
   IMMEDIATE, INSERT, COMMIT) as ingestion would: its longest wait is the figure that
   matters to ingestion (beside its longest alone, for 3 s before: its own commit).
2. PostgreSQL, the whole data set: a copy (database test_retention_full, by CREATE
   DATABASE ... TEMPLATE) of the data set bench/pg_dataset.py loads (monthly partitions,
   10 M signals): ingestion speed into it, the same retention run as on SQLite, a second
   run, then an old month deleted row by row and another dropped as a partition.
3. PostgreSQL, plain table against partitions (database test_retention_bench, made
   afresh): the signals, stores and daily presence of the first `--pg-stores` stores are
   loaded at migration 0018 (plain table), 200,000 new signals are ingested
   (`ingest_signals`, batches of 10,000, with the presence refresh), the migration of the
   partitions runs, and the same ingestion runs again.

Rewrites the "Signal retention" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from bench.generate import DB_PATH, Meta
from bench.pg_dataset import ensure_loaded
from bench.report import load_average, replace_section

TITLE = "## Signal retention"
OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
COPY = Path("/tmp/retention-bench.db")
PG_SERVER = os.environ.get("RETENTION_BENCH_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")
PG_DATABASE = "test_retention_bench"
PG_FULL_COPY = "test_retention_full"
RETENTION_DAYS = 150  # the presence covers 180 days: 30 days of signals are past it
INGEST_BATCHES, BATCH = 20, 10_000


def bench_app(url: str) -> Flask:
    from config import DevelopmentConfig
    from fieldops import create_app

    class RetentionConfig(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = url
        SIGNALS_RETENTION_DAYS = RETENTION_DAYS
        SIGNALS_MAX_AGE_DAYS = RETENTION_DAYS

    return create_app(RetentionConfig)


def copy_dataset(cached: Path) -> Meta:
    """The cached data set, copied to COPY with SQLite's backup (a consistent read)."""
    meta = Meta(**json.loads(cached.with_suffix(".json").read_text()))
    COPY.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{cached}?mode=ro", uri=True)
    target = sqlite3.connect(COPY)
    source.backup(target)
    target.close()
    source.close()
    return meta


class Writer(threading.Thread):
    """Writes one row every 20 ms, as ingestion would; remembers its longest wait."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.conn = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        self.conn.execute("CREATE TABLE IF NOT EXISTS bench_writes (at REAL)")
        self.stopping = threading.Event()
        self.longest = 0.0
        self.writes = 0

    def run(self) -> None:
        while not self.stopping.wait(0.02):
            started = time.perf_counter()
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("INSERT INTO bench_writes VALUES (?)", (started,))
            self.conn.execute("COMMIT")
            self.longest = max(self.longest, time.perf_counter() - started)
            self.writes += 1


def count_signals() -> int:
    from fieldops.extensions import db

    return db.session.scalar(sa.text("SELECT count(*) FROM signals"))


def sqlite_section(cached: Path) -> list[str]:
    from fieldops.extensions import db
    from fieldops.hours import prune_signals

    started = time.perf_counter()
    meta = copy_dataset(cached)
    copied = time.perf_counter() - started
    app = bench_app(f"sqlite:///{COPY}")
    now = datetime.fromisoformat(meta.built_at)
    with app.app_context():
        upgrade()
        before = count_signals()
        db.session.commit()
        writer = Writer(COPY)
        writer.start()
        time.sleep(3)  # the writer alone first: its own commits' longest time
        alone, writer.longest, writer.writes = writer.longest, 0.0, 0
        started = time.perf_counter()
        figures = prune_signals(now, db.session.commit)
        seconds = time.perf_counter() - started
        writer.stopping.set()
        writer.join()
        after = count_signals()
        again = time.perf_counter()
        second = prune_signals(now, db.session.commit)
        again = time.perf_counter() - again
        db.engine.dispose()
    print(f"sqlite: {figures} in {seconds:.1f} s; writer longest wait {writer.longest:.3f} s")
    return [
        f"SQLite, the 10 M-signal data set (copied to /tmp in {copied:.0f} s), `now` its build "
        f"time, retention {RETENTION_DAYS} days: the summarised signals of 30 days go "
        "(`prune_signals`, batches of 5,000 rows, one transaction each).",
        "",
        "| figure | value |",
        "| --- | --- |",
        f"| signals before / after | {before:,} / {after:,} |",
        f"| deleted | {figures['deleted']:,} in {figures['batches']:,} batches |",
        f"| time | {seconds:.1f} s ({figures['deleted'] / seconds:,.0f} rows/s) |",
        f"| longest write-lock hold of a batch (DELETE to COMMIT) | "
        f"{figures['longest_batch_seconds'] * 1000:.0f} ms |",
        f"| a writer beside it (a row every 20 ms, {writer.writes:,} writes): longest wait | "
        f"{writer.longest * 1000:.0f} ms (alone, before the run: {alone * 1000:.0f} ms) |",
        f"| a second run (nothing left to delete) | {second['deleted']} rows, {again:.1f} s |",
        "",
        "A writer waits at most about one batch beside its own commit, never the whole run; "
        "the second run's time is the planning (each store's oldest signal and summarised "
        "days) and a look at each span.",
        "",
    ]


def fresh_database(name: str, template: str | None = None) -> str:
    """The URL of database `name` made afresh: empty, or a copy of `template` (CREATE
    DATABASE ... TEMPLATE copies its files, indexes and statistics included)."""
    server = sa.create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    copying = f' TEMPLATE "{template}"' if template else ""
    with server.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(sa.text(f"CREATE DATABASE {name}{copying}"))
    server.dispose()
    return f"{PG_SERVER}/{name}"


def drop_database(name: str) -> None:
    server = sa.create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
    server.dispose()


def load_sample(stores: int) -> int:
    """The first `stores` stores of the SQLite copy, their signals and daily presence."""
    from fieldops.extensions import db
    from fieldops.hours.models import DailyPresence
    from fieldops.stores.models import Store

    source = sa.create_engine(f"sqlite:///{COPY}")
    with source.connect() as conn:
        for model, key in ((Store, Store.id), (DailyPresence, DailyPresence.store_id)):
            rows = conn.execute(sa.select(model.__table__).where(key <= stores)).mappings().all()
            db.session.execute(sa.insert(model.__table__), [dict(r) for r in rows])
        db.session.commit()
    columns = "store_id, source, dedupe_key, start_at, end_at, device, entries, exits, received_at"
    raw = sqlite3.connect(COPY)
    pg = db.session.connection().connection.driver_connection
    with pg.cursor() as cursor:
        cursor.execute("SET timezone = 'UTC'")
        with cursor.copy(f"COPY signals ({columns}) FROM STDIN") as copy:
            for row in raw.execute(f"SELECT {columns} FROM signals WHERE store_id <= ?", (stores,)):
                copy.write_row(row)
    db.session.commit()
    raw.close()
    source.dispose()
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    return count_signals()


def ingest_speed(first_store: int, now: datetime) -> tuple[float, float]:
    """Signals per second of INGEST_BATCHES new batches, each one store's transactions
    over two days: of the whole ingestion, and of its INSERT alone."""
    from fieldops.extensions import db
    from fieldops.hours import ingest, ingest_signals
    from fieldops.stores.models import Store

    inserting = [0.0]
    insert = ingest._insert_signals

    def timed_insert(rows: list[dict[str, Any]]) -> list[datetime]:
        started = time.perf_counter()
        try:
            return insert(rows)
        finally:
            inserting[0] += time.perf_counter() - started

    patcher = patch.object(ingest, "_insert_signals", timed_insert)
    patcher.start()
    accepted, started = 0, time.perf_counter()
    for n in range(INGEST_BATCHES):
        store = db.session.get(Store, first_store + n)
        day = now - timedelta(days=20 + n % 60)
        rows = [
            {
                "source": "transaction",
                "id": f"bench-{first_store + n}-{i}",
                "at": (day + timedelta(seconds=17 * i)).isoformat(),
            }
            for i in range(BATCH)
        ]
        accepted += ingest_signals(store, rows, now).accepted
        db.session.commit()
    patcher.stop()
    return accepted / (time.perf_counter() - started), accepted / inserting[0]


def timed(statements: list[str], commit: bool) -> float:
    from fieldops.extensions import db

    started = time.perf_counter()
    for statement in statements:
        db.session.execute(sa.text(statement))
    db.session.commit() if commit else db.session.rollback()
    return time.perf_counter() - started


def vacuum(table: str) -> float:
    from fieldops.extensions import db

    started = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(f"VACUUM {table}"))
    return time.perf_counter() - started


def postgres_section(stores: int) -> list[str]:
    from fieldops.extensions import db
    from fieldops.hours import ingest
    from fieldops.hours.models import SIGNAL_KEY

    app = bench_app(fresh_database(PG_DATABASE))
    now = datetime.now(UTC)
    with app.app_context():
        upgrade(revision="0018_visit_plans")
        started = time.perf_counter()
        loaded = load_sample(stores)
        load_seconds = time.perf_counter() - started
        print(f"postgres: {loaded:,} signals loaded in {load_seconds:.0f} s")
        # The plain table has the key of before 0019, which ingestion then targeted.
        with patch.object(ingest, "signal_key", lambda dialect: SIGNAL_KEY):
            before = ingest_speed(1, now)
        started = time.perf_counter()
        upgrade()
        migrate_seconds = time.perf_counter() - started
        db.session.execute(sa.text("ANALYZE signals"))
        db.session.commit()
        after = ingest_speed(1 + INGEST_BATCHES, now)
        db.engine.dispose()
    print(f"postgres, sample: ingest {before} -> {after}/s")
    return [
        f"PostgreSQL 15, plain table against partitions, on a sample: the signals of the first "
        f"{stores:,} of the 5,000 stores ({loaded:,} signals, loaded by COPY in "
        f"{load_seconds:.0f} s into the plain table of migration 0018).",
        "",
        "| figure | value |",
        "| --- | --- |",
        f"| migrations 0019-0020 (0020 partitions the table, copying {loaded:,} rows) | "
        f"{migrate_seconds:.0f} s |",
        f"| ingestion, plain table (`ingest_signals`, {INGEST_BATCHES} batches of 10,000, "
        f"presence refresh included; its INSERT alone) | {before[0]:,.0f} signals/s "
        f"({before[1]:,.0f}/s) |",
        f"| ingestion, partitioned by month | {after[0]:,.0f} signals/s ({after[1]:,.0f}/s) |",
        "",
        "Partitioning costs ingestion little: the INSERT is routed to its month's partition.",
        "",
    ]


def month_costs(now: datetime) -> list[str]:
    """Table rows: an old month deleted with DELETE (then VACUUM), another dropped whole."""
    from fieldops.extensions import db
    from fieldops.hours.partitions import Month

    deleted, month = Month.of(now - timedelta(days=300)), Month.of(now - timedelta(days=270))
    rows = [db.session.scalar(sa.text(f"SELECT count(*) FROM {m.table}")) for m in (deleted, month)]
    within = f"start_at >= '{deleted.start.isoformat()}' AND start_at < '{deleted.end.isoformat()}'"
    deleting = timed([f"DELETE FROM signals WHERE {within}"], commit=True)
    vacuuming = vacuum(deleted.table)
    dropping = timed(
        [f"ALTER TABLE signals DETACH PARTITION {month.table}", f"DROP TABLE {month.table}"],
        commit=True,
    )
    return [
        f"| delete a month ({deleted.table}, {rows[0]:,} rows) with DELETE; then the VACUUM "
        f"that makes its space reusable | {deleting:.2f} s; {vacuuming:.2f} s |",
        f"| drop a month's partition ({month.table}, {rows[1]:,} rows: DETACH, DROP) | "
        f"{dropping * 1000:.0f} ms |",
    ]


def full_postgres_section(cached: Path) -> list[str]:
    """The retention job on a copy of the whole data set on PostgreSQL (bench/pg_dataset.py
    loads it once), partitioned by month as the migrations leave it."""
    from fieldops.extensions import db
    from fieldops.hours import prune_signals

    meta = Meta(**json.loads(cached.with_suffix(".json").read_text()))
    loaded = ensure_loaded(meta)
    started = time.perf_counter()
    app = bench_app(fresh_database(PG_FULL_COPY, template=loaded.database))
    copied = time.perf_counter() - started
    now = datetime.fromisoformat(meta.built_at)
    with app.app_context():
        upgrade()
        before = count_signals()
        speed = ingest_speed(1, now)
        started = time.perf_counter()
        figures = prune_signals(now, db.session.commit)
        seconds = time.perf_counter() - started
        again = time.perf_counter()
        second = prune_signals(now, db.session.commit)
        again = time.perf_counter() - again
        months = month_costs(now)
        db.engine.dispose()
    drop_database(PG_FULL_COPY)
    print(f"postgres, full: {figures} in {seconds:.1f} s; ingest {speed}")
    return [
        f"PostgreSQL 15, the whole data set: a copy of `{loaded.database}` ({before:,} signals "
        f"in monthly partitions; copied with CREATE DATABASE ... TEMPLATE in {copied:.0f} s), "
        f"`now` its build time, retention {RETENTION_DAYS} days, as on SQLite above.",
        "",
        "| figure | value |",
        "| --- | --- |",
        f"| ingestion into the 10 M signals (`ingest_signals`, {INGEST_BATCHES} batches of "
        f"10,000, presence refresh included; its INSERT alone) | {speed[0]:,.0f} signals/s "
        f"({speed[1]:,.0f}/s) |",
        f"| retention: deleted | {figures['deleted']:,} in {figures['batches']:,} batches, "
        f"{len(figures['partitions_dropped'])} partitions dropped |",
        f"| retention: time | {seconds:.1f} s ({figures['deleted'] / seconds:,.0f} rows/s); "
        f"longest batch {figures['longest_batch_seconds'] * 1000:.0f} ms |",
        f"| a second run (nothing left to delete) | {second['deleted']} rows, {again:.1f} s |",
        *months,
        "",
        "Here no month is wholly past retention with all its days summarised (the presence "
        "covers the last 180 days only), so the job deletes rows in batches, as on SQLite; "
        "PostgreSQL's row locks let ingestion go on beside it. A month that is wholly past "
        "and summarised goes as the dropped partition above does: a DELETE leaves dead rows "
        "that VACUUM must visit before the space is reused, a dropped partition's files are "
        "gone at once.",
        "",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-stores", type=int, default=1000)
    # Another checkout's cache will do (bench/generate.py builds it): it is only read.
    parser.add_argument("--dataset", type=Path, default=DB_PATH)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args(argv)
    load = load_average()
    lines: list[Any] = [TITLE, "", *sqlite_section(args.dataset)]
    if not args.skip_postgres:
        lines += full_postgres_section(args.dataset) + postgres_section(args.pg_stores)
    lines += [f"Load average before the run: {load} (2 CPUs shared with other work).", ""]
    replace_section(OUTPUT, TITLE, lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
