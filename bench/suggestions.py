"""Coverage suggestions for each region of the data set, over HTTP.

    python -m bench.suggestions [--runs 3] [--threshold 80] [--database postgresql]

Serves the app with gunicorn (one worker) on the cached data set (SQLite, or its copy on
PostgreSQL: bench/pg_dataset.py), asks
GET /api/coverage/suggestions?region=R as the CIO `runs` times per region one after the
other, and rewrites the "Coverage suggestions" section of docs/benchmarks.md: seconds per
answer, the method, the stores in scope, coverage before and after, the engineer-minutes a
week the plan adds and its lower bound (how far the greedy answer may be from the best).
`make bench` runs it too (`--suggestion-runs`).
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from bench.client import get
from bench.databases import Database, engine
from bench.generate import CACHE_DIR, Meta, ensure_dataset
from bench.pg_dataset import database_for
from bench.report import load_average, replace_section
from bench.server import HOST, free_port, serve

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
TITLE = "## Coverage suggestions"
TARGET_SECONDS = 5.0
SERVER_LOG = CACHE_DIR / "gunicorn-suggestions.log"
# Measured on 2026-12-03 with the first version (a move weighed as every pair of start and
# end, each over every store in Python), threshold 80 %, the same data set and server.
BEFORE = (
    "Before (2026-12-03, the first version: every pair of a move's start and end weighed "
    "over every store): Midwest gave no answer within gunicorn's 30 s (in-process it grew "
    "past 19 GB), Southeast 7.8 s (adding 120 engineer-minutes for a bound of 48), South "
    "Central 5.3 s, Mountain 4.5 s, West 4.0 s, Northeast 0.5 s."
)


@dataclass
class Region:
    name: str
    stores: int
    seconds: list[float] = field(default_factory=list)
    status: int = 0
    answer: dict = field(default_factory=dict)

    @property
    def added(self) -> int:
        return sum(s["added_minutes_per_week"] for s in self.answer.get("suggestions", []))


def regions(url: str) -> list[tuple[str, int]]:
    with engine(url).connect() as conn:
        query = "SELECT region, count(*) FROM stores WHERE active GROUP BY region ORDER BY region"
        return [tuple(r) for r in conn.execute(sa.text(query))]


def measure(meta: Meta, database: Database, runs: int, threshold: float | None) -> list[Region]:
    from bench.run import server_env

    found = [Region(name, stores) for name, stores in regions(database.url)]
    headers = {"Authorization": f"Bearer {meta.cio_token}", "Accept": "application/json"}
    extra = f"&threshold={threshold:g}" if threshold is not None else ""
    port = free_port()
    with serve(server_env(database.url), port, 1, SERVER_LOG):
        for region in found:
            path = f"/api/coverage/suggestions?region={quote(region.name)}{extra}"
            for _ in range(runs):
                conn = http.client.HTTPConnection(HOST, port, timeout=120)
                start = time.perf_counter()
                status, body = get(conn, path, headers)
                region.seconds.append(time.perf_counter() - start)
                region.status = status
                if status == 200:
                    region.answer = json.loads(body)
            spread = f"{min(region.seconds):.2f}-{max(region.seconds):.2f} s"
            print(f"[bench.suggestions] {region.name}: {region.status}, {spread}", file=sys.stderr)
    return found


def _percent(block: dict) -> str:
    value = block.get("real_percent")
    return "–" if value is None else f"{value:.2f}"


def section(found: list[Region], runs: int, database: Database) -> list[str]:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    threshold = next((r.answer["threshold"] for r in found if r.answer), None)
    lines = [
        TITLE,
        "",
        f"Written by `python -m bench.suggestions` on {now} (load average {load_average()} "
        f"after the run). `GET /api/coverage/suggestions?region=R` as the CIO, {runs} times "
        "per region one after the other, `gunicorn -w 1` on the cached data set "
        f"({database.name}), "
        f"threshold {threshold:g} % of real customer minutes over the next 28 days. Target: "
        f"under {TARGET_SECONDS:g} s per region. Added: the engineer-minutes a week of the "
        "plan; bound: no plan reaching the threshold adds fewer (`lower_bound_minutes`, an "
        "LP relaxation); distance: added over bound.",
        "",
        "| region | stores | answer | s (best) | s (worst) | method | suggestions | "
        "real % before | after | added min/week | bound | distance | left short |",
        "| --- | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in found:
        a = r.answer
        bound = a.get("lower_bound_minutes", 0)
        distance = f"{r.added / bound:.2f}×" if bound else ("–" if not r.added else "n/a")
        lines.append(
            f"| {r.name} | {r.stores:,} | {r.status} | {min(r.seconds):.2f} | "
            f"{max(r.seconds):.2f} | {a.get('method', '–')} | "
            f"{len(a.get('suggestions', []))} | {_percent(a.get('before', {}))} | "
            f"{_percent(a.get('after', {}))} | {r.added:,} | {bound:,} | {distance} | "
            f"{len(a.get('unreachable', []))} |"
        )
    worst = max(max(r.seconds) for r in found)
    verdict = "met" if worst < TARGET_SECONDS else "missed"
    lines += ["", f"Slowest answer {worst:.2f} s: the target is {verdict}.", "", BEFORE, ""]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="requests per region")
    parser.add_argument("--threshold", type=float, help="percent (default: the alert's)")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    meta = ensure_dataset()
    database = database_for(args.database, meta)
    found = measure(meta, database, args.runs, args.threshold)
    lines = section(found, args.runs, database)
    replace_section(args.output, TITLE, lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
