"""Where the time of ingestion, recompute, coverage or the dashboard goes, in-process on the
cached data set.

    python -m bench.profiling ingest [--batches 6] [--cprofile] [--database postgresql]
    python -m bench.profiling recompute [--cprofile] [--database postgresql]
    python -m bench.profiling coverage [--cprofile] [--database postgresql]
    python -m bench.profiling overview [--requests 20] [--region R] [--cprofile]
                                       [--database postgresql]

On SQLite (the cache file) unless `--database postgresql` (its copy: bench/pg_dataset.py).

`ingest` POSTs batches like the benchmark's with Flask's test client (no HTTP, no
gunicorn) and prints the time per batch of each phase of fieldops/hours (validation,
bulk insert, daily presence refresh), then puts the cache back. `recompute` runs the
recompute once (committed, as the benchmark does). `coverage` runs `store_coverage` for
the CIO twice (the first fills the engine's caches) and prints the time of its phases
(hours, exceptions, shifts, visit cadence, the engine). `overview` GETs /overview with
the CIO's token through the test client (after `gc.freeze()`, as gunicorn.conf.py does)
and prints the time per request of each part of the page (nested parts count in their
callers too). With --cprofile, the last batch (or the recompute, the second coverage, the
last request) runs under cProfile and the top functions are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import io
import pstats
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bench import batches
from bench.client import PASSWORD
from bench.coverage import CIO_EMAIL
from bench.generate import bench_app, ensure_dataset
from bench.pg_dataset import database_for

# (module, function): the phases timed, where they exist (the code under test may change).
PHASES = [
    ("fieldops.hours.ingest", "check_rows"),
    ("fieldops.hours.ingest", "_insert"),
    ("fieldops.hours.ingest", "refresh_presence"),
    ("fieldops.hours.presence", "gather"),
    ("fieldops.hours.presence", "day_presence"),
    ("fieldops.hours.api", "ingest_signals"),
]
COVERAGE_PHASES = [
    ("fieldops.coverage.services", "_weekly_hours"),
    ("fieldops.coverage.services", "_exceptions"),
    ("fieldops.coverage.services", "_shift_plans"),
    ("fieldops.coverage.cadence", "visit_cadence"),
    ("fieldops.coverage.services", "union"),
    ("fieldops.coverage.services", "coverage"),
    ("fieldops.coverage.services", "coverage_of"),
]
OVERVIEW_PHASES = [
    ("fieldops.dashboard.figures", "open_alerts"),
    ("fieldops.dashboard.open_issues", "open_issue_counts"),
    ("fieldops.dashboard.figures", "active_store_count"),
    ("fieldops.dashboard.figures", "latest_run"),
    ("fieldops.dashboard.figures", "headline"),
    ("fieldops.dashboard.figures", "largest_gaps"),
    ("fieldops.dashboard.figures", "lowest_coverage"),
    ("fieldops.dashboard.visits_due", "due_soon"),
    ("fieldops.dashboard.visits_due", "overdue_visits"),
    ("fieldops.dashboard.visits_due", "visits_of"),
    ("fieldops.dashboard.figures", "coverage_trend"),
    ("fieldops.dashboard.figures", "by_region"),
    ("fieldops.dashboard.heatmap", "draw_heatmap"),
    ("fieldops.dashboard.trend", "trend_chart"),
    ("fieldops.dashboard.service_levels", "attainment"),
    ("fieldops.dashboard.service_levels", "nearest_to_breach"),
    ("fieldops.dashboard.leadership", "leadership_due"),
    ("fieldops.hours.drifts", "largest_drifts"),
    ("fieldops.stores.services", "regions"),
    ("fieldops.pages.overview", "overview"),
    ("fieldops.pages.overview", "render_template"),
]


def time_phases(totals: dict[str, float], phases: list[tuple[str, str]] = PHASES) -> None:
    """Wrap each phase's function so that calls add to `totals`: in its module, and in every
    fieldops module that imported it by name (the pages import through package fronts)."""
    for module_name, name in phases:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue  # the code under test was reorganised: that phase is not timed
        function = getattr(module, name, None)
        if function is None:
            continue

        def timed(*args: Any, _f: Callable[..., Any] = function, _n: str = name, **kw: Any) -> Any:
            started = time.perf_counter()
            try:
                return _f(*args, **kw)
            finally:
                totals[_n] += time.perf_counter() - started

        for holder in [m for n, m in sys.modules.items() if n.startswith("fieldops")]:
            if getattr(holder, name, None) is function:
                setattr(holder, name, timed)


def top(profile: cProfile.Profile, lines: int = 35) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)
    return out.getvalue()


def profile_ingest(url: str, count: int, use_cprofile: bool) -> None:
    meta = ensure_dataset()
    now = datetime.now(UTC)
    planned = batches.plan(url, count + 1, now, seed=int(time.time()))
    snap = batches.snapshot(url, planned, now)
    totals: dict[str, float] = defaultdict(float)
    time_phases(totals)
    app = bench_app(url)
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
        batches.restore(url, snap)


def profile_recompute(url: str, use_cprofile: bool) -> None:
    from fieldops.extensions import db
    from fieldops.hours.learning import recompute

    app = bench_app(url)
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


def profile_coverage(url: str, use_cprofile: bool) -> None:
    import sqlalchemy as sa

    from fieldops.auth.models import User
    from fieldops.coverage.services import store_coverage
    from fieldops.extensions import db

    totals: dict[str, float] = defaultdict(float)
    time_phases(totals, COVERAGE_PHASES)
    app = bench_app(url)
    profiler = cProfile.Profile()
    with app.app_context():
        for round_ in (1, 2):
            totals.clear()
            cio = db.session.scalar(sa.select(User).where(User.email == CIO_EMAIL))
            if use_cprofile and round_ == 2:
                profiler.enable()
            started = time.perf_counter()
            rows = store_coverage(cio, datetime.now(UTC))
            seconds = time.perf_counter() - started
            profiler.disable()
            print(f"store_coverage, round {round_}: {len(rows):,} stores in {seconds:.2f} s")
            for name, spent in totals.items():
                print(f"  {name:20s} {spent:7.2f} s")
            db.session.remove()
        db.engine.dispose()
    if use_cprofile:
        print(top(profiler))


@dataclass
class PageTimes:
    """Requests of one dashboard page in-process: latencies and time per part (seconds)."""

    path: str
    size: int = 0
    latencies: list[float] = field(default_factory=list)
    totals: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def ms(self, name: str) -> float:
        """Milliseconds a request in this part (nested parts count in their callers too)."""
        return self.totals.get(name, 0.0) / max(len(self.latencies), 1) * 1000

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")

    @property
    def mean_ms(self) -> float:
        return statistics.fmean(self.latencies) * 1000 if self.latencies else float("nan")


def time_overview(
    url: str, paths: list[str], requests: int, profiler: Any = None
) -> list[PageTimes]:
    """GET each path `requests` times through the test client signed in as the CIO, after
    one request and `gc.freeze()` (as gunicorn.conf.py does once the app is loaded); the
    last request of the last path runs under `profiler` if given."""
    import gc

    totals: dict[str, float] = defaultdict(float)
    time_phases(totals, OVERVIEW_PHASES)
    app = bench_app(url)
    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    csrf = form.split('name="csrf_token" value="')[1].split('"')[0]
    login = {"email": CIO_EMAIL, "password": PASSWORD, "csrf_token": csrf}
    if client.post("/login", data=login).status_code != 302:
        raise SystemExit(f"signing in as {CIO_EMAIL} failed")
    headers: dict[str, str] = {}  # the test client keeps the session's cookies
    pages = []
    for path in paths:
        answer = client.get(path, headers=headers)
        if answer.status_code != 200:
            raise SystemExit(f"{path}: {answer.status_code} {answer.get_data()[:300]!r}")
        gc.freeze()
        page = PageTimes(path, len(answer.data))
        totals.clear()
        for n in range(requests):
            last = profiler is not None and path == paths[-1] and n == requests - 1
            if last:
                profiler.enable()
            started = time.perf_counter()
            client.get(path, headers=headers)
            page.latencies.append(time.perf_counter() - started)
            if last:
                profiler.disable()
        page.totals = dict(totals)
        pages.append(page)
    gc.unfreeze()
    with app.app_context():
        from fieldops.extensions import db

        db.engine.dispose()
    return pages


def profile_overview(url: str, requests: int, region: str | None, use_cprofile: bool) -> None:
    from urllib.parse import quote

    path = f"/overview?region={quote(region)}" if region else "/overview"
    profiler = cProfile.Profile() if use_cprofile else None
    (page,) = time_overview(url, [path], requests, profiler)
    print(f"{path}: {requests} requests, {page.size // 1024} KB, median {page.median_ms:.0f} ms, "
          f"max {max(page.latencies) * 1000:.0f} ms")  # fmt: skip
    for name in page.totals:
        print(f"  {name:20s} {page.ms(name):7.1f} ms a request")
    if profiler is not None:
        print(top(profiler))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["ingest", "recompute", "coverage", "overview"])
    parser.add_argument("--batches", type=int, default=6)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--region")
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    url = database_for(args.database, ensure_dataset()).url
    if args.what == "ingest":
        profile_ingest(url, args.batches, args.cprofile)
    elif args.what == "recompute":
        profile_recompute(url, args.cprofile)
    elif args.what == "coverage":
        profile_coverage(url, args.cprofile)
    else:
        profile_overview(url, args.requests, args.region, args.cprofile)


if __name__ == "__main__":
    main()
