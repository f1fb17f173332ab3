"""Support coverage computed live, and the checks of the CIO dashboard served over HTTP.

In-process: `store_coverage(cio, now)` (what the CSV export, and GET /api/coverage for any
period but the default one, compute for every request: every active store over its next 28
local days, real and posted hours, visit cadence), `rounds` times in an app context on the
database, each in a fresh session as a request would be; the first round also fills the
engine's caches of local windows. Every SQL statement of the last round is recorded and
each SELECT replayed on a plain connection (bench/recompute.py): what is left is Python.

Over HTTP: GET /api/coverage?per_page=50 (the default period, from the coverage cache) a few
times one after another, and the dashboard (GET /overview, all stores and one region)
checked before it is measured with the other endpoints (bench/run.py).
"""

from __future__ import annotations

import http.client
import json
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

import sqlalchemy as sa

from bench.client import Sample, get
from bench.databases import engine
from bench.recompute import Rounds, measured_rounds

if TYPE_CHECKING:
    from bench.profiling import PageTimes

TARGET_SECONDS = 5.0
PAGE_TARGET_MS = 300.0  # GET /api/coverage, a page of 50 stores, p95
CIO_EMAIL = "cio@bench.example.com"


@dataclass
class CoverageResult(Rounds):  # runs: seconds of store_coverage, each round
    stores: int = 0
    days: int = 0
    shifts: int = 0  # active
    shift_sets: int = 0  # distinct sets of shifts covering a store (merged once each)
    totals: dict = field(default_factory=dict)  # services.totals of the last round
    gaps: int = 0  # uncovered windows (real hours), all stores
    api: Sample = field(default_factory=lambda: Sample("coverage_api"))
    api_total: int = 0  # "total" of the API's answer
    api_first: float = float("nan")  # seconds of the first request (stale rows recomputed)


def measure_coverage(url: str, rounds: int = 3) -> CoverageResult:
    from flask import current_app

    from fieldops.auth.models import User
    from fieldops.coverage.services import store_coverage, totals
    from fieldops.extensions import db

    result = CoverageResult()

    def run_round(round_: int) -> None:
        cio = db.session.scalar(sa.select(User).where(User.email == CIO_EMAIL))
        now = datetime.now(UTC)
        started = time.perf_counter()
        rows = store_coverage(cio, now)
        result.runs.append(time.perf_counter() - started)
        print(
            f"[bench.run] coverage {round_}: {len(rows):,} stores in {result.runs[-1]:.2f} s",
            file=sys.stderr,
            flush=True,
        )
        if round_ == rounds:
            result.stores, result.days = len(rows), rows[0].days if rows else 0
            result.totals = totals(rows, now, current_app.config["COVERAGE_DUE_SOON_DAYS"])
            result.gaps = sum(len(row.real.uncovered) for row in rows)
        db.session.remove()  # each round in a fresh session, as a request would be

    result.statements = measured_rounds(url, rounds, run_round)
    result.shifts, result.shift_sets = shift_sets(url)
    return result


def shift_sets(url: str) -> tuple[int, int]:
    """(active shifts, distinct sets of active shifts covering a store), as the service
    matches them: the stores a shift lists, or else every store of its region."""
    with engine(url).connect() as conn:
        shifts = conn.execute(
            sa.text("SELECT id, region FROM support_shifts WHERE active ORDER BY id")
        ).all()
        listed: dict[int, set[int]] = {}
        for shift_id, store_id in conn.execute(
            sa.text("SELECT shift_id, store_id FROM shift_stores")
        ):
            listed.setdefault(shift_id, set()).add(store_id)
        sets = set()
        for store_id, region in conn.execute(sa.text("SELECT id, region FROM stores WHERE active")):
            sets.add(
                frozenset(
                    shift_id
                    for shift_id, shift_region in shifts
                    if (
                        store_id in listed[shift_id]
                        if shift_id in listed
                        else shift_region is not None and shift_region == region
                    )
                )
            )
    return len(shifts), len(sets)


def _get_page(host: str, port: int, page: int, headers: dict[str, str]) -> tuple[float, int, dict]:
    """(seconds, status, answer) of GET /api/coverage?per_page=50&page=`page`."""
    conn = http.client.HTTPConnection(host, port, timeout=120)
    started = time.perf_counter()
    try:
        status, body = get(conn, f"/api/coverage?per_page=50&page={page}", headers)
    finally:
        conn.close()
    seconds = time.perf_counter() - started
    if status != 200:
        print(f"[bench.run] /api/coverage answered {status}: {body[:300]!r}", file=sys.stderr)
    return seconds, status, json.loads(body) if status == 200 else {}


def measure_api(host: str, port: int, token: str, result: CoverageResult, requests: int) -> None:
    """GET /api/coverage?per_page=50&page=N: page 1 first, timed apart (it recomputes the
    cached rows that the in-process runs before marked stale: every store after the
    recompute of real hours), then N = 1…`requests`, one after another."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    sample = result.api
    result.api_first, _, _ = _get_page(host, port, 1, headers)
    for page in range(1, requests + 1):
        try:
            seconds, status, answer = _get_page(host, port, page, headers)
        except (OSError, http.client.HTTPException):
            sample.errors += 1
            continue
        if status == 200 and len(answer.get("items", [])) == 50:
            sample.latencies.append(seconds)
            sample.seconds += seconds
            result.api_total = answer["total"]
        else:
            sample.errors += 1
    print(
        f"[bench.run] /api/coverage: first {result.api_first * 1000:.0f} ms, then "
        f"{len(sample.latencies)} requests, p50 {sample.percentile(50):.0f} ms, "
        f"p95 {sample.percentile(95):.0f} ms",
        file=sys.stderr,
        flush=True,
    )


SNAPSHOT_MARK = "as of the snapshot of"  # templates/overview/index.html, with snapshots
STALE_MARK = "has not run since"


def check_dashboard(
    host: str, port: int, headers: dict[str, str], paths: list[str]
) -> dict[str, int]:
    """Refuse to measure a dashboard that is not served from today's snapshots to the CIO
    (signed in: `headers`); the size of each page (bytes)."""
    sizes = {}
    for path in paths:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        try:
            status, body = get(conn, path, headers)
        finally:
            conn.close()
        text = body.decode(errors="replace")
        if status != 200 or SNAPSHOT_MARK not in text or STALE_MARK in text:
            raise SystemExit(f"{path} answered {status} without today's snapshots: {text[:300]!r}")
        sizes[path] = len(body)
    return sizes


@dataclass
class Dashboard:
    """What the dashboard requests were made against."""

    region: str  # the region of `?region=`: the one with the most stores
    region_stores: int
    stores: int  # active, all regions
    sizes: dict[str, int] = field(default_factory=dict)  # bytes of each page, by path
    pages: list[PageTimes] = field(default_factory=list)  # in-process, where the time goes

    @property
    def paths(self) -> dict[str, list[str]]:
        """The endpoints measured over HTTP, by name (bench/report.py's LABELS)."""
        return {
            "overview": ["/overview"],
            "overview_region": [f"/overview?region={quote(self.region)}"],
        }

    @property
    def every_path(self) -> list[str]:
        return [path for paths in self.paths.values() for path in paths]


def dashboard(url: str) -> Dashboard:
    with engine(url).connect() as conn:
        region, count = conn.execute(
            sa.text(
                "SELECT region, COUNT(*) FROM stores WHERE active AND region IS NOT NULL "
                "GROUP BY region ORDER BY COUNT(*) DESC, region LIMIT 1"
            )
        ).one()
        stores = conn.scalar(sa.text("SELECT COUNT(*) FROM stores WHERE active"))
    return Dashboard(region, count, stores)
