"""Coverage snapshots and alerts for the CIO dashboard: the run's own by the app's nightly job,
the 12 weeks before it in bulk.

The cache holds the support shifts (bench/shifts.py) but no snapshot: each run first does
what the nightly job does, `take_snapshot(now)` in-process (timed, committed), so the
dashboard reads today's coverage of every store and the alerts the app opened itself.
Then, unless the database already holds them, daily snapshots for the HISTORY_DAYS before
are filled in bulk (executemany on SQLite, COPY on PostgreSQL) from today's rows: each
store's coverage a little lower further back (a slow improvement, plus a few weeks of a
Northeast evening desk vacancy and a Mountain week short-staffed), customers a little
fewer, noise per store and week; the uncovered minutes spread over weekdays as today's
are. Where that history dips below the alert threshold, an alert was opened and, once it
cleared, closed. Older snapshots and the previous history's closed alerts are deleted, so
every run sees 12 weeks back from its own date.
"""

from __future__ import annotations

import json
import math
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from bench.databases import checkpoint, engine, insert_rows
from bench.dataset import ts
from bench.generate import bench_app

HISTORY_DAYS = 84  # 12 weeks of daily snapshots before the run's own
RUN_AT = "03:45:00.000000"  # when the nightly job runs (UTC)
REGION_EVENTS = {  # region: (weeks back, percentage points less covered)
    "Northeast": ({6, 7}, 4.0),  # evening desk vacancy
    "Mountain": ({3}, 2.5),  # day desk short-staffed
}
COLUMNS = (
    "store_id, taken_on, days, real_customer_minutes, real_covered_minutes, "
    "posted_customer_minutes, posted_covered_minutes, uncovered_by_weekday, completed_12m, "
    "cadence, overdue, due_on, computed_at"
)


@dataclass
class SnapshotRun:
    """The run's snapshot (by the app) and the history (filled here)."""

    taken_on: str = ""
    stores: int = 0
    threshold: float = 0.0  # COVERAGE_ALERT_PERCENT: below it, a store's alert is open
    seconds: float = 0.0  # take_snapshot(now): coverage of every store, upsert, alerts
    commit: float = 0.0
    alerts_opened: int = 0
    alerts_closed: int = 0
    real_percent: float | None = None  # of every store, summed, today's run
    posted_percent: float | None = None
    below_threshold: int = 0
    overdue: int = 0
    history_rows: int = 0
    history_days: int = 0
    history_filled: bool = False  # filled by this run (else found in the cache)
    history_seconds: float = 0.0
    alerts: dict[str, int] = field(default_factory=dict)  # "open low_coverage": n, …


def log(message: str) -> None:
    print(f"[bench.run] {message}", file=sys.stderr, flush=True)


def take_snapshot(url: str, now: datetime) -> SnapshotRun:
    """The nightly job's work, in-process on the database, committed."""
    from fieldops.coverage.snapshots import take_snapshot as job
    from fieldops.extensions import db

    app = bench_app(url)
    with app.app_context():
        started = time.perf_counter()
        answer = job(now)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        db.session.commit()
        commit = time.perf_counter() - started
        threshold = float(app.config["COVERAGE_ALERT_PERCENT"])
        db.engine.dispose()
    run = SnapshotRun(str(answer["taken_on"]), answer["stores"], threshold, seconds, commit)
    run.alerts_opened, run.alerts_closed = answer["alerts_opened"], answer["alerts_closed"]
    with engine(url).connect() as conn:
        rc, rcov, pc, pcov, below, overdue = conn.execute(
            sa.text(
                "SELECT SUM(real_customer_minutes), SUM(real_covered_minutes), "
                "SUM(posted_customer_minutes), SUM(posted_covered_minutes), "
                "SUM(CASE WHEN real_customer_minutes > 0 AND real_covered_minutes * 100.0 "
                "< real_customer_minutes * :threshold THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN overdue THEN 1 ELSE 0 END) "
                "FROM coverage_snapshots WHERE taken_on = :taken_on"
            ),
            {"threshold": run.threshold, "taken_on": run.taken_on},
        ).one()
    run.real_percent = round(100 * rcov / rc, 2) if rc else None
    run.posted_percent = round(100 * pcov / pc, 2) if pc else None
    run.below_threshold, run.overdue = int(below or 0), int(overdue or 0)
    log(
        f"coverage snapshot (the nightly job): {run.stores:,} stores in {seconds:.2f} s, "
        f"commit {commit:.2f} s, {run.alerts_opened} alerts opened, {run.alerts_closed} closed"
    )
    return run


def _spread(total: int, weights: list[int]) -> list[int]:
    """`total` minutes over the weekdays in proportion to `weights` (whole minutes)."""
    if total <= 0:
        return [0] * 7
    if sum(weights) <= 0:
        weights = [1, 1, 1, 1, 1, 1, 0]
    share = sum(weights)
    out = [total * w // share for w in weights]
    out[max(range(7), key=lambda d: weights[d])] += total - sum(out)
    return out


def _alert_message(
    code: str, name: str, days: int, percent: float, uncovered: int, threshold: float
) -> str:
    """As fieldops/coverage/snapshots.py words a low-coverage alert."""
    return (
        f"{code} {name}: real customer hours {percent:.1f}% covered over the next {days} days "
        f"(threshold {threshold:g}%), {uncovered / 60:.1f} h uncovered"
    )


def history_rows(
    today: list[tuple], taken_on: date, threshold: float, closed_at: str
) -> tuple[list[tuple], list[tuple]]:
    """(snapshot rows, closed alert rows) for the HISTORY_DAYS before `taken_on`, from the
    run's rows (store_id, region, code, name, days, real customer, real covered, posted
    customer, posted covered, uncovered by weekday, completed, cadence, due_on). Snapshot
    rows come day by day, as the nightly job writes them: one day's rows lie together."""
    rng = random.Random(f"history:{taken_on.isoformat()}")
    by_store: list[list[tuple]] = []
    alerts: list[tuple] = []
    for sid, region, code, name, days, rc, rcov, pc, pcov, weekdays, done, cadence, due in today:
        weights = json.loads(weekdays)
        real_share = rcov / rc if rc else 1.0
        posted_share = pcov / pc if pc else 1.0
        weekly = [rng.uniform(-1.5, 1.5) for _ in range(HISTORY_DAYS // 7 + 1)]
        event_weeks, event_pp = REGION_EVENTS.get(region, (set(), 0.0))
        opened: tuple[str, float, int] | None = None
        snaps: list[tuple] = []
        for back in range(HISTORY_DAYS, 0, -1):
            day = taken_on - timedelta(days=back)
            week = (back - 1) // 7
            less = 0.3 * week + weekly[week] + rng.uniform(-0.3, 0.3)
            less += event_pp if week in event_weeks else 0.0
            customers = round(rc * (1 - 0.004 * week + 0.01 * math.sin(back / 3)))
            covered = min(customers, max(0, round(customers * (real_share - less / 100))))
            p_covered = min(pc, max(0, round(pc * (posted_share - less / 200))))
            uncovered = customers - covered
            completed = done + week // 3
            at = f"{day.isoformat()} {RUN_AT}"
            snaps.append((sid, day.isoformat(), days, customers, covered, pc, p_covered,
                          json.dumps(_spread(uncovered, weights)), completed, cadence,
                          int(completed < cadence), due, at))  # fmt: skip
            below = customers > 0 and covered * 100 < customers * threshold
            if below and opened is None:
                opened = (at, 100 * covered / customers, uncovered)
            elif not below and opened is not None:
                alerts.append((sid, code, name, days, *opened, at))
                opened = None
        still = rc > 0 and rcov * 100 < rc * threshold  # today's run keeps that one open
        if opened is not None and not still:
            alerts.append((sid, code, name, days, *opened, closed_at))
        by_store.append(snaps)
    alerts.sort(key=lambda alert: alert[4])  # by opening time, as the nightly job adds them
    alert_rows = [
        (sid, "low_coverage", _alert_message(code, name, days, pct, unc, threshold),
         json.dumps({"real_percent": round(pct, 2), "uncovered_minutes": unc,
                     "threshold": threshold, "days": days}), opened_at, closed)
        for sid, code, name, days, opened_at, pct, unc, closed in alerts
    ]  # fmt: skip
    return [row for day in zip(*by_store, strict=True) for row in day], alert_rows


def fill_history(url: str, run: SnapshotRun, now: datetime) -> None:
    """Daily snapshots for the HISTORY_DAYS before the run's date, unless already there."""
    taken_on = date.fromisoformat(run.taken_on)
    first, last = taken_on - timedelta(days=HISTORY_DAYS), taken_on - timedelta(days=1)
    on = {"taken_on": run.taken_on}
    with engine(url).connect() as conn:
        count, low, high = conn.execute(
            sa.text(
                "SELECT COUNT(*), MIN(taken_on), MAX(taken_on) FROM coverage_snapshots "
                "WHERE taken_on < :taken_on"
            ),
            on,
        ).one()
    if (count, str(low), str(high)) == (HISTORY_DAYS * run.stores, str(first), str(last)):
        run.history_rows, run.history_days = count, HISTORY_DAYS
        return
    started = time.perf_counter()
    with engine(url).begin() as conn:
        today = conn.execute(
            sa.text(
                "SELECT s.store_id, st.region, st.code, st.name, s.days, s.real_customer_minutes, "
                "s.real_covered_minutes, s.posted_customer_minutes, s.posted_covered_minutes, "
                "CAST(s.uncovered_by_weekday AS TEXT), s.completed_12m, s.cadence, "
                "CAST(s.due_on AS TEXT) FROM coverage_snapshots s "
                "JOIN stores st ON st.id = s.store_id WHERE s.taken_on = :taken_on "
                "ORDER BY s.store_id"
            ),
            on,
        ).all()
        snaps, alerts = history_rows(today, taken_on, run.threshold, ts(now))
        conn.execute(sa.text("DELETE FROM coverage_snapshots WHERE taken_on < :taken_on"), on)
        old_alerts = "SELECT id FROM alerts WHERE closed_at IS NOT NULL AND closed_at < :now"
        for table, key in (("alert_events", "alert_id"), ("alerts", "id")):
            conn.execute(
                sa.text(f"DELETE FROM {table} WHERE {key} IN ({old_alerts})"), {"now": ts(now)}
            )
        insert_rows(conn, "coverage_snapshots", COLUMNS, snaps)
        insert_rows(
            conn, "alerts", "store_id, kind, message, details, opened_at, closed_at", alerts
        )
    checkpoint(url)
    run.history_seconds = time.perf_counter() - started
    run.history_rows, run.history_days, run.history_filled = len(snaps), HISTORY_DAYS, True
    log(
        f"coverage history: {len(snaps):,} snapshots ({first} to {last}) and "
        f"{len(alerts):,} closed alerts in {run.history_seconds:.1f} s"
    )


def count_alerts(url: str) -> dict[str, int]:
    with engine(url).connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT closed_at IS NULL, kind, COUNT(*) FROM alerts GROUP BY 1, 2 "
                "ORDER BY 1 DESC, 2"
            )
        ).all()
    return {f"{'open' if is_open else 'closed'} {kind}": n for is_open, kind, n in rows}


def prepare(url: str, now: datetime | None = None) -> SnapshotRun:
    """Today's snapshot by the app's job, then the history before it (when missing)."""
    now = now or datetime.now(UTC)
    run = take_snapshot(url, now)
    fill_history(url, run, now)
    run.alerts = count_alerts(url)
    return run
