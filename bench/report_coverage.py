"""docs/benchmarks.md, coverage: the support shifts and snapshots in the data set, coverage
computed live (in-process and over HTTP) and the CIO dashboard, with their targets."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from bench.coverage import PAGE_TARGET_MS, TARGET_SECONDS, CoverageResult, Dashboard
from bench.databases import engine
from bench.history import HISTORY_DAYS, SnapshotRun
from bench.recompute import sql_lines


@dataclass
class CoverageFigures:
    """Everything the coverage sections report."""

    live: CoverageResult
    snapshot: SnapshotRun
    dashboard: Dashboard


def _shift_counts(url: str) -> dict[str, int]:
    with engine(url).connect() as conn:
        return dict(
            zip(
                ("shifts", "active", "listing", "listed", "engineers", "off", "extra", "snaps"),
                conn.execute(
                    sa.text(
                        "SELECT (SELECT COUNT(*) FROM support_shifts), "
                        "(SELECT COUNT(*) FROM support_shifts WHERE active), "
                        "(SELECT COUNT(DISTINCT shift_id) FROM shift_stores), "
                        "(SELECT COUNT(*) FROM shift_stores), "
                        "(SELECT COUNT(DISTINCT user_id) FROM shift_engineers), "
                        "(SELECT COUNT(*) FROM shift_exceptions WHERE off), "
                        "(SELECT COUNT(*) FROM shift_exceptions WHERE NOT off), "
                        "(SELECT COUNT(*) FROM coverage_snapshots)"
                    )
                ).one(),
                strict=True,
            )
        )


def _zones(url: str) -> str:
    with engine(url).connect() as conn:
        zones = conn.scalars(sa.text("SELECT DISTINCT timezone FROM support_shifts")).all()
    return ", ".join(sorted(zones))


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}%"


def dataset_lines(url: str, figures: CoverageFigures) -> list[str]:
    c, run, live = _shift_counts(url), figures.snapshot, figures.live
    history = (
        f"filled in bulk by this run in {run.history_seconds:.1f} s"
        if run.history_filled
        else "found in the cache (filled by an earlier run today)"
    )
    alerts = ", ".join(f"{kind.replace('_', ' ')}: {n:,}" for kind, n in run.alerts.items())
    lines = [
        f"Support shifts (`bench/shifts.py`, built with the data set): {c['shifts']} shifts, "
        f"{c['active']} active ({c['active'] - c['listing']} covering a region, {c['listing']} "
        f"listing {c['listed']:,} stores), {c['engineers']} engineers on them, "
        f"{c['off'] + c['extra']} dated exceptions ({c['off']} days off, {c['extra']} extra "
        f"windows), desks working from {_zones(url)}; the stores fall into "
        f"{live.shift_sets} distinct sets of shifts (merged once each).",
        f"Coverage snapshots: the run's own ({run.taken_on}) by the app's nightly job "
        f"(`take_snapshot(now)` in-process): {run.stores:,} stores in {run.seconds:.2f} s "
        f"(commit {run.commit:.2f} s), {run.alerts_opened} alerts opened and "
        f"{run.alerts_closed} closed; real customer hours {_pct(run.real_percent)} covered "
        f"against {_pct(run.posted_percent)} of posted hours, {run.below_threshold:,} stores "
        f"below the alert threshold, {run.overdue:,} overdue. The {HISTORY_DAYS} days before "
        f"it ({run.history_rows:,} rows, `bench/history.py`) {history}: "
        f"{c['snaps']:,} snapshot rows in all. Alerts: {alerts or 'none'}.",
    ]
    if not run.overdue:
        lines.append(
            "No store is overdue for a visit in this data set (its visits end on the anchor "
            "date; every store has its cadence within the last 365 days), so the dashboard's "
            "overdue and due-soon tables are empty and their visit look-ups do not run."
        )
    return lines


def live_lines(live: CoverageResult) -> list[str]:
    t = live.totals
    real, posted = t.get("real", {}), t.get("posted", {})
    lines = [
        f"`store_coverage(cio, now)` in-process (what the CSV export, and `GET /api/coverage` "
        f"for a period other than the default, compute on every request): all "
        f"{live.stores:,} active stores over their next {live.days} local days, real and "
        f"posted hours, {live.shifts} active shifts, visit cadence; each round in a fresh "
        "session, the first one also filling the engine's caches of local windows.",
        "",
        "| coverage run | seconds |",
        "| --- | ---: |",
    ]
    lines += [f"| {n} | {run:.2f} |" for n, run in enumerate(live.runs, 1)]
    last = live.runs[-1] if live.runs else 0.0
    lines += [
        "",
        f"Answer of the last round: {real.get('customer_minutes', 0):,} real customer minutes, "
        f"{_pct(real.get('percent'))} covered ({live.gaps:,} uncovered windows); posted hours "
        f"{_pct(posted.get('percent'))} covered; {t.get('overdue', 0):,} stores overdue, "
        f"{t.get('due_soon', 0):,} due soon.",
        *sql_lines(live.statements, last, "round"),
    ]
    api = live.api
    lines += [
        "",
        f"Over HTTP, `GET /api/coverage?per_page=50&page=N` (CIO token; the default period, "
        "read from the coverage cache): the first request "
        f"{live.api_first * 1000:.0f} ms (it recomputes the rows the in-process runs above "
        f"marked stale: every store, after the recompute of real hours); then "
        f"{len(api.latencies)} requests one after another, "
        f"{api.errors} errors, p50 {api.percentile(50):.0f} ms, p95 {api.percentile(95):.0f} "
        f"ms, max {max(api.latencies, default=0) * 1000:.0f} ms (total in the answer: "
        f"{live.api_total:,} stores).",
    ]
    return lines


# The dashboard's parts, as bench/profiling.py times them: (function, what it reads or draws).
PAGE_PARTS = [
    ("open_alerts", "open alerts: count by kind, newest 8 (dashboard/figures.py)"),
    ("open_issue_counts", "open issues by category (dashboard/open_issues.py)"),
    ("largest_drifts", "hours drift list (hours/drifts.py)"),
    ("active_store_count", "active stores (dashboard/figures.py)"),
    ("latest_run", "latest snapshot date"),
    ("headline", "headline tiles: sums over the run's snapshots"),
    ("largest_gaps", "50 stores with the largest gaps"),
    ("by_region", "regions' weekday averages (heatmap rows)"),
    ("heatmap", "heatmap SVG (dashboard/heatmap.py)"),
    ("coverage_trend", "weekly trend: 13 snapshot dates summed"),
    ("trend_chart", "trend SVG (dashboard/trend.py)"),
    ("due_soon", "due-soon stores (dashboard/visits_due.py)"),
    ("overdue_visits", "overdue stores, with their visits"),
    ("visits_of", "last and next visits of the stores listed"),
    ("leadership_due", "leadership visits due (dashboard/leadership.py)"),
    ("attainment", "service-level attainment (dashboard/service_levels.py)"),
    ("nearest_to_breach", "issues nearest to breach (dashboard/service_levels.py)"),
    ("regions", "region filter (stores/services.py)"),
    ("render_template", "template overview/index.html"),
]


def _row(label: str, cells: list[str]) -> str:
    return f"| {label} | " + " | ".join(cells) + " |"


def dashboard_lines(d: Dashboard) -> list[str]:
    sizes = ", ".join(f"`{path}` {size / 1024:.0f} KB" for path, size in d.sizes.items())
    lines = [
        f"`GET /overview` as the CIO (Bearer token, scope `full`: Flask-Login's request loader "
        f"authenticates the page), read from the latest snapshot run: all {d.stores:,} stores, "
        f"and `?region={d.region}` ({d.region_stores:,} stores); each checked first to answer "
        f"200 with today's snapshots. Page sizes: {sizes}. Timed over HTTP with the other "
        "endpoints: see Results.",
    ]
    if not d.pages:
        return lines
    n = len(d.pages[0].latencies)
    lines += [
        "",
        f"Where a request's time goes, in-process (Flask's test client, {n} requests of each "
        "page after one, `gc.freeze()` as gunicorn.conf.py does; `python -m bench.profiling "
        "overview`), in ms a request (a part's own calls included: `overdue_visits` holds "
        "some of `visits_of`):",
        "",
        "| part of the page | " + " | ".join(f"`{p.path}`" for p in d.pages) + " |",
        "| --- |" + " ---: |" * len(d.pages),
    ]
    for name, what in PAGE_PARTS:
        lines.append(_row(f"`{name}`: {what}", [f"{p.ms(name):.1f}" for p in d.pages]))
    view = ("overview", "regions", "render_template")  # the view's three calls
    rest = [p.mean_ms - sum(p.ms(name) for name in view) for p in d.pages]
    lines += [
        _row("the rest: authentication (token), routing, response", [f"{r:.1f}" for r in rest]),
        _row(
            "**whole request, mean (median)**",
            [f"**{p.mean_ms:.1f}** ({p.median_ms:.1f})" for p in d.pages],
        ),
    ]
    return lines


def targets(live: CoverageResult) -> list[tuple[str, str, str, bool]]:
    """(key, label, figure, met) of coverage computed live (every round under the target,
    with stores computed: NaN, or no rounds, fails too) and of the coverage page."""
    api = live.api
    page_p95 = api.percentile(95)
    return [
        (
            "coverage",
            f"Coverage of {live.stores:,} stores over {live.days} days < {TARGET_SECONDS:.0f} s "
            "(in-process)",
            f"{live.worst:.2f} s (slowest round)",
            live.worst < TARGET_SECONDS and live.stores > 0,
        ),
        (
            "coverage_page",
            f"`GET /api/coverage` page of 50 stores p95 < {PAGE_TARGET_MS:.0f} ms",
            f"{page_p95:.0f} ms",
            page_p95 < PAGE_TARGET_MS and not api.errors and bool(api.latencies),
        ),
    ]
