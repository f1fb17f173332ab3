"""GET /api/coverage?per_page=50&page=1 as the CIO, in-process: Flask's test client on the
cached bench data set (bench/.cache, upgraded to the latest migration first), with
`gc.freeze()` after the first request as gunicorn.conf.py does once the app is loaded.

The first request is reported apart: it fills the coverage cache (every store computed,
as after a change to every store's coverage) and the engine's caches of local windows.
Then `--requests` more, one after another: p50, p95 and max. Last, the answer is checked
against the live computation of every store (the cache left aside): the same JSON.

    python -m bench.coverage_page [--requests 30] [--query "per_page=50&page=1"]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time

from bench.databases import sqlite_url
from bench.generate import DB_PATH, META_PATH, bench_app, migrate
from fieldops.coverage import cache
from fieldops.coverage.services import active_stores, coverage_of


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered) + 0.5) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--query", default="per_page=50&page=1")
    args = parser.parse_args()
    migrate(DB_PATH)
    token = json.loads(META_PATH.read_text())["cio_token"]
    client = bench_app(sqlite_url(DB_PATH)).test_client()
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def timed() -> float:
        started = time.perf_counter()
        answer = client.get(f"/api/coverage?{args.query}", headers=headers)
        seconds = time.perf_counter() - started
        if answer.status_code != 200 or answer.get_json()["total"] != 5000:
            raise SystemExit(f"/api/coverage answered {answer.status_code}: {answer.data[:300]!r}")
        return seconds * 1000

    def answer() -> dict:
        return client.get(f"/api/coverage?{args.query}", headers=headers).get_json()

    first = timed()
    gc.freeze()
    runs = [timed() for _ in range(args.requests)]
    print(
        f"GET /api/coverage?{args.query}: first {first:.0f} ms; then {len(runs)} requests: "
        f"p50 {statistics.median(runs):.0f} ms, p95 {percentile(runs, 0.95):.0f} ms, "
        f"max {max(runs):.0f} ms"
    )
    cached = answer()
    computed = cache.cached_coverage
    cache.cached_coverage = lambda user, region, now: (
        coverage_of(active_stores(user, region), now),
        {},
    )
    same = answer() == cached
    cache.cached_coverage = computed
    print(f"the same answer as the live computation: {same}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
