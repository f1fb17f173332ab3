"""The nightly coverage snapshot, and the alerts it opens and closes for admins.

A snapshot is one row per active store and run date (`taken_on`): the store's coverage
over its next COVERAGE_DEFAULT_DAYS local days as computed that day, and its visit
cadence. The dashboard reads the latest ones instead of recomputing coverage, and the
weekly trend reads older ones.

`taken_on` is the run's UTC date (a run belongs to no store's zone; the nightly run at
03:45 UTC and a catch-up hours later file under the same date), so one run gives every
store the same date and a second run that day replaces the first: the rows are upserted
on (store_id, taken_on). Each store's period still starts on its own local today.

Alerts: a store whose real coverage is below COVERAGE_ALERT_PERCENT (stores with no
customer minutes never alert), or which is overdue for a visit, gets an open alert of
that kind; an open alert whose condition has cleared (or whose store is no longer
active) is closed, whoever acknowledged or owns it. Opening and closing both go into the
alert's history (`fieldops.coverage.alerts`). The partial unique index on open alerts
decides between two runs that race: the insert skips a row the other run has just added.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app

from fieldops.coverage.alerts import CLOSED, OPENED, log_system_events
from fieldops.coverage.models import Alert, AlertKind, CoverageSnapshot
from fieldops.coverage.services import StoreCoverage, coverage_of
from fieldops.database import chunks, dialect_insert
from fieldops.extensions import db
from fieldops.stores import Store

UPDATED = (
    "days",
    "real_customer_minutes",
    "real_covered_minutes",
    "posted_customer_minutes",
    "posted_covered_minutes",
    "uncovered_by_weekday",
    "completed_12m",
    "cadence",
    "overdue",
    "due_on",
    "computed_at",
)


def run_date(now: datetime) -> date:
    """The date a run made at `now` is filed under: its UTC date."""
    return now.astimezone(UTC).date()


def snapshot_row(row: StoreCoverage, taken_on: date, now: datetime) -> dict[str, Any]:
    return {
        "store_id": row.store.id,
        "taken_on": taken_on,
        "days": row.days,
        "real_customer_minutes": row.real.customer_minutes,
        "real_covered_minutes": row.real.covered_minutes,
        "posted_customer_minutes": row.posted.customer_minutes,
        "posted_covered_minutes": row.posted.covered_minutes,
        "uncovered_by_weekday": list(row.real.uncovered_by_weekday),
        "completed_12m": row.visits.completed_12m,
        "cadence": row.visits.cadence,
        "overdue": row.visits.overdue,
        "due_on": row.visits.due_on,
        "computed_at": now,
    }


def save_snapshots(rows: list[StoreCoverage], taken_on: date, now: datetime) -> int:
    """Upsert one snapshot per store for `taken_on`: a second run that day replaces the first."""
    if not rows:
        return 0
    table = CoverageSnapshot.__table__
    stmt = dialect_insert(table, db.session.get_bind())
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.store_id, table.c.taken_on],
        set_={name: stmt.excluded[name] for name in UPDATED},
    )
    db.session.execute(stmt, [snapshot_row(row, taken_on, now) for row in rows])
    return len(rows)


@dataclass(frozen=True)
class Condition:
    """A store's reason for an alert of one kind, as found by this run."""

    store_id: int
    kind: AlertKind
    message: str
    details: dict[str, Any]


def conditions(rows: Iterable[StoreCoverage], threshold: float) -> list[Condition]:
    """The alerts these stores call for: real coverage below `threshold`, overdue visits."""
    found = []
    for row in rows:
        store, real, visits = row.store, row.real, row.visits
        if real.customer_minutes and real.percent is not None and real.percent < threshold:
            uncovered = real.customer_minutes - real.covered_minutes
            found.append(
                Condition(
                    store.id,
                    AlertKind.LOW_COVERAGE,
                    f"{store.code} {store.name}: real customer hours {real.percent:.1f}% "
                    f"covered over the next {row.days} days (threshold {threshold:g}%), "
                    f"{uncovered / 60:.1f} h uncovered",
                    {
                        "from": row.first.isoformat(),
                        "days": row.days,
                        "real_percent": real.percent,
                        "posted_percent": row.posted.percent,
                        "uncovered_minutes": uncovered,
                        "threshold": threshold,
                    },
                )
            )
        if visits.overdue:
            found.append(
                Condition(
                    store.id,
                    AlertKind.OVERDUE_VISIT,
                    f"{store.code} {store.name}: overdue for a visit, "
                    f"{visits.completed_12m} of {visits.cadence} in the last 12 months",
                    {"completed_12m": visits.completed_12m, "cadence": visits.cadence},
                )
            )
    return found


def _open_alerts(store_ids: Collection[int] | None) -> sa.Select[Any]:
    """The open alerts (of these stores, when given)."""
    stmt = sa.select(Alert.id, Alert.store_id, Alert.kind).where(Alert.closed_at.is_(None))
    return stmt if store_ids is None else stmt.where(Alert.store_id.in_(store_ids))


def open_alerts(
    found: list[Condition], now: datetime, store_ids: Collection[int] | None = None
) -> int:
    """Open an alert for each condition without an open one of its store and kind;
    `found` holds the conditions of every active store, or of `store_ids` when given."""
    have = {(store_id, kind) for _, store_id, kind in db.session.execute(_open_alerts(store_ids))}
    return insert_alerts([c for c in found if (c.store_id, c.kind) not in have], now)


def insert_alerts(new: list[Condition], now: datetime) -> int:
    """Insert open alerts, skipping those that clash with the partial unique index on open
    alerts: a run racing this one (or one that got there first) cannot give a store two.
    How many were inserted."""
    if not new:
        return 0
    table = Alert.__table__
    stmt = dialect_insert(table, db.session.get_bind()).on_conflict_do_nothing(
        index_elements=[table.c.store_id, table.c.kind],
        index_where=table.c.closed_at.is_(None),
    )
    result = db.session.execute(
        stmt.returning(table.c.id),
        [
            {
                "store_id": c.store_id,
                "kind": c.kind,
                "message": c.message[:300],
                "details": c.details,
                "opened_at": now,
            }
            for c in new
        ],
    )
    opened = list(result.scalars())
    log_system_events(opened, OPENED, now)
    return len(opened)


def close_cleared(
    found: list[Condition], now: datetime, store_ids: Collection[int] | None = None
) -> int:
    """Close the open alerts whose condition no longer holds; `found` holds every active
    store's conditions (or those of `store_ids`, when given), so the alerts of a store no
    longer active close too."""
    still = {(c.store_id, c.kind) for c in found}
    cleared = [
        alert_id
        for alert_id, store_id, kind in db.session.execute(_open_alerts(store_ids))
        if (store_id, kind) not in still
    ]
    if cleared:
        db.session.execute(sa.update(Alert).where(Alert.id.in_(cleared)).values(closed_at=now))
        log_system_events(cleared, CLOSED, now)
    return len(cleared)


def take_snapshot(now: datetime) -> dict[str, Any]:
    """Snapshot every active store for its next COVERAGE_DEFAULT_DAYS days from its today,
    then open and close alerts; figures for the run's record. Flushes, never commits."""
    stores = list(db.session.scalars(sa.select(Store).where(Store.active.is_(True))))
    rows = coverage_of(stores, now)
    taken_on = run_date(now)
    saved = save_snapshots(rows, taken_on, now)
    found = conditions(rows, float(current_app.config["COVERAGE_ALERT_PERCENT"]))
    opened = open_alerts(found, now)
    closed = close_cleared(found, now)
    db.session.flush()
    return {
        "taken_on": taken_on.isoformat(),
        "stores": saved,
        "alerts_opened": opened,
        "alerts_closed": closed,
    }


def refresh_snapshots(store_ids: Collection[int], now: datetime) -> dict[str, Any]:
    """Bring these stores' latest snapshots up to date after a change that touches them
    (a shift, their hours, a visit), then open and close their alerts as the nightly run
    would: the overview never shows a figure older than an admin's own change.

    The rows are those of the latest run (the date the overview reads), recomputed from
    `now`; before the first run there is nothing to refresh. Flushes, never commits.
    """
    taken_on = db.session.scalar(sa.select(sa.func.max(CoverageSnapshot.taken_on)))
    figures = {"stores": 0, "alerts_opened": 0, "alerts_closed": 0}
    if taken_on is None:
        return figures
    threshold = float(current_app.config["COVERAGE_ALERT_PERCENT"])
    for ids in chunks(sorted(set(store_ids))):
        stores = db.session.scalars(
            sa.select(Store).where(Store.id.in_(ids), Store.active.is_(True))
        )
        rows = coverage_of(list(stores), now)
        found = conditions(rows, threshold)
        figures["stores"] += save_snapshots(rows, taken_on, now)
        figures["alerts_opened"] += open_alerts(found, now, ids)
        figures["alerts_closed"] += close_cleared(found, now, ids)
    db.session.flush()
    return figures
