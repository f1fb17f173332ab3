"""Where the time of ingestion or recompute goes, in-process on the cached data set.

    python -m bench.profiling ingest [--batches 6] [--cprofile]
    python -m bench.profiling recompute [--cprofile]

`ingest` POSTs batches like the benchmark's with Flask's test client (no HTTP, no
gunicorn) and prints the time per batch of each phase of fieldops/hours (validation,
bulk insert, daily presence refresh), then puts the cache back. `recompute` runs the
recompute once (committed, as the benchmark does). With --cprofile, the last batch (or
the recompute) runs under cProfile and the top functions are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import io
import pstats
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bench import batches
from bench.generate import bench_app, ensure_dataset

# (module, function): the phases timed, where they exist (the code under test may change).
PHASES = [
    ("fieldops.hours.ingest", "check_rows"),
    ("fieldops.hours.ingest", "_insert"),
    ("fieldops.hours.ingest", "refresh_presence"),
    ("fieldops.hours.presence", "gather"),
    ("fieldops.hours.presence", "day_presence"),
    ("fieldops.hours.api", "ingest_signals"),
]


def time_phases(totals: dict[str, float]) -> None:
    """Wrap each phase's function in its module so that calls add to `totals`."""
    for module_name, name in PHASES:
        module = importlib.import_module(module_name)
        function = getattr(module, name, None)
        if function is None:
            continue

        def timed(*args: Any, _f: Callable[..., Any] = function, _n: str = name, **kw: Any) -> Any:
            started = time.perf_counter()
            try:
                return _f(*args, **kw)
            finally:
                totals[_n] += time.perf_counter() - started

        setattr(module, name, timed)


def top(profile: cProfile.Profile, lines: int = 35) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)
    return out.getvalue()


def profile_ingest(count: int, use_cprofile: bool) -> None:
    meta = ensure_dataset()
    now = datetime.now(UTC)
    planned = batches.plan(meta.database, count + 1, now, seed=int(time.time()))
    snap = batches.snapshot(meta.database, planned, now)
    totals: dict[str, float] = defaultdict(float)
    time_phases(totals)
    app = bench_app(meta.database)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {meta.signals_token}", "Content-Type": "application/json"}
    profiler = cProfile.Profile()
    try:
        for n, batch in enumerate(planned):
            if n == 1:  # the first batch warms up
                totals.clear()
                started = time.perf_counter()
            if use_cprofile and n == len(planned) - 1:
                profiler.enable()
            answer = client.post(
                f"/api/stores/{batch.store_id}/signals", data=batch.body, headers=headers
            )
            profiler.disable()
            if answer.status_code != 200 or answer.json["accepted"] != batch.size:
                raise SystemExit(f"batch {n}: {answer.status_code} {answer.get_data()[:300]!r}")
        per_batch = (time.perf_counter() - started) / count
        print(f"{count} batches of {batches.BATCH:,}: {per_batch * 1000:.0f} ms a batch, "
              f"{batches.BATCH / per_batch:,.0f} signals/s in-process")  # fmt: skip
        for name, seconds in totals.items():
            print(f"  {name:20s} {seconds / count * 1000:7.1f} ms a batch")
        if use_cprofile:
            print(top(profiler))
    finally:
        from fieldops.extensions import db

        with app.app_context():
            db.engine.dispose()
        batches.restore(meta.database, snap)


def profile_recompute(use_cprofile: bool) -> None:
    from fieldops.extensions import db
    from fieldops.hours.recompute import recompute

    app = bench_app(ensure_dataset().database)
    profiler = cProfile.Profile()
    with app.app_context():
        started = time.perf_counter()
        if use_cprofile:
            profiler.enable()
        answer = recompute(datetime.now(UTC))
        profiler.disable()
        db.session.commit()
        print(f"recompute: {answer} ({time.perf_counter() - started:.2f} s with the commit)")
        db.engine.dispose()
    if use_cprofile:
        print(top(profiler))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["ingest", "recompute"])
    parser.add_argument("--batches", type=int, default=6)
    parser.add_argument("--cprofile", action="store_true")
    args = parser.parse_args()
    if args.what == "ingest":
        profile_ingest(args.batches, args.cprofile)
    else:
        profile_recompute(args.cprofile)


if __name__ == "__main__":
    main()
