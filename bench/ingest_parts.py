"""Where a batch's ingestion time goes, in-process: `ingest_signals` on the ingestion
benchmark's batches (bench/batches.py: one store, 1–4 days, ~10,000 new signals), split
into validation, the INSERT, the presence refresh and the commit.

    python -m bench.ingest_parts DATABASE_URL [--batches 12] [--seed 7] [--dataset PATH]

DATABASE_URL holds the data set (the SQLite cache, a copy of it, or the same rows loaded
into PostgreSQL); the batches are planned on the SQLite data set (read only), so they are
new rows in any database that holds the same signals. After two warm-up batches, the
batches are timed one after another, each committed; then the first is sent again and
must be all duplicates (rolled back). The signals added are deleted at the end. The
objects loaded before the clock starts are frozen out of the garbage collector's sight,
as gunicorn.conf.py does for the server.
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

import sqlalchemy as sa

from bench.batches import plan
from bench.generate import DB_PATH
from bench.report import load_average

WARM_UP = 2


def timed(parts: dict[str, float], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            parts[name] += time.perf_counter() - started

    return wrapper


def measure(url: str, count: int, seed: int, dataset: Path) -> None:
    from config import DevelopmentConfig
    from fieldops import create_app
    from fieldops.extensions import db
    from fieldops.hours import ingest
    from fieldops.stores.models import Store

    class PartsConfig(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(PartsConfig)
    now = datetime.now(UTC)
    batches = plan(str(dataset), WARM_UP + count, now, seed=seed)
    gc.collect()
    gc.freeze()
    parts: dict[str, float] = defaultdict(float)
    with app.app_context():
        last_id = db.session.scalar(sa.text("SELECT coalesce(max(id), 0) FROM signals"))
        db.session.commit()
        patches = [
            patch.object(ingest, name, timed(parts, part, getattr(ingest, name)))
            for name, part in (
                ("check_rows", "validation"),
                ("_insert_signals", "INSERT"),
                ("refresh_presence", "presence refresh"),
            )
        ]
        for patcher in patches:
            patcher.start()
        accepted, seconds = 0, 0.0
        for n, batch in enumerate(batches):
            if n == WARM_UP:
                parts.clear()
                accepted, seconds = 0, 0.0
            rows = json.loads(batch.body)["signals"]
            started = time.perf_counter()
            result = ingest.ingest_signals(db.session.get(Store, batch.store_id), rows, now)
            committing = time.perf_counter()
            db.session.commit()
            parts["commit"] += time.perf_counter() - committing
            seconds += time.perf_counter() - started
            if (result.accepted, result.duplicates) != (batch.size, 0) or result.rejected:
                raise SystemExit(f"store {batch.store_id}: {result}")
            accepted += result.accepted
        for patcher in patches:
            patcher.stop()
        first = batches[0]
        again = ingest.ingest_signals(
            db.session.get(Store, first.store_id), json.loads(first.body)["signals"], now
        )
        db.session.rollback()
        if (again.accepted, again.duplicates) != (0, first.size):
            raise SystemExit(f"resent batch: {again}")
        db.session.execute(sa.text("DELETE FROM signals WHERE id > :id"), {"id": last_id})
        db.session.commit()
        dialect = db.engine.dialect.name
        db.engine.dispose()
    per_batch = len(batches) - WARM_UP
    print(f"{dialect}: {accepted:,} signals in {per_batch} batches, {seconds:.2f} s: "
          f"{accepted / seconds:,.0f} signals/s")  # fmt: skip
    for name, spent in [*parts.items(), ("the rest", seconds - sum(parts.values()))]:
        print(f"  {name:17s} {spent / per_batch * 1000:5.0f} ms a batch")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the database (SQLAlchemy URL) holding the data set")
    parser.add_argument("--batches", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    # Another checkout's cache will do (bench/generate.py builds it): it is only read.
    parser.add_argument("--dataset", type=Path, default=DB_PATH)
    args = parser.parse_args(argv)
    load = load_average()
    measure(args.url, args.batches, args.seed, args.dataset)
    print(f"load average before the run: {load} (now {load_average()})")


if __name__ == "__main__":
    main()
