"""Raw signals are kept only while they may still be needed: the retention of evidence.

Hours are learned from the daily presence of the last HOURS_WINDOW_DAYS; the raw signals
behind it are needed only to compute that presence again. Every night the
`signal_retention` job deletes the signals of the business days that ended more than
SIGNALS_RETENTION_DAYS ago and whose daily presence exists. A day never summarised keeps
its signals until it is (they are the only record of it). Whole business days go at
once: a signal of a day still partly inside the retention cannot be resent (ingestion
refuses evidence older than SIGNALS_MAX_AGE_DAYS, at most the retention), so no day's
presence is ever recomputed from part of its evidence.

Deletes go in batches of SIGNALS_RETENTION_BATCH rows, each its own transaction ended by
the caller's `commit` (the job checks its lease there): on SQLite the write lock is held
for one batch at a time, never for the whole run, so ingestion waits at most that long.
On PostgreSQL a month partition wholly older than the retention whose every signal is
summarised is dropped whole (fieldops/hours/partitions.py); else its rows go in batches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import perf_counter
from typing import Any

import sqlalchemy as sa
from flask import current_app

from fieldops.clock import business_bounds, business_date
from fieldops.database import reading
from fieldops.extensions import db
from fieldops.hours import partitions
from fieldops.hours.models import DailyPresence, Signal
from fieldops.stores import Store

Span = tuple[datetime, datetime]  # UTC [start, end)


@dataclass
class StorePlan:
    """One store's signals that may go: its runs of summarised days, as UTC spans."""

    store_id: int
    spans: list[Span]
    horizon: datetime  # the end of the store's last business day wholly past retention

    def gaps(self) -> list[Span]:
        """The rest of the time before `horizon`: what must stay (unsummarised days)."""
        edges = [datetime.min.replace(tzinfo=self.horizon.tzinfo)]
        for lo, hi in self.spans:
            edges += [lo, hi]
        edges.append(self.horizon)
        pairs = zip(edges[::2], edges[1::2], strict=True)
        return [(lo, hi) for lo, hi in pairs if lo < hi]


@dataclass
class Retention:
    """What a run did, and how long it held the database's write lock at most."""

    deleted: int = 0
    batches: int = 0
    longest_batch_seconds: float = 0.0
    created: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        return {
            "deleted": self.deleted,
            "batches": self.batches,
            "longest_batch_seconds": round(self.longest_batch_seconds, 3),
            "partitions_created": self.created,
            "partitions_dropped": self.dropped,
        }


def summarised_spans(days: list[date], tz_name: str, cutoff: time) -> list[Span]:
    """Runs of consecutive business days as UTC spans, from the first day's start to the
    last day's end."""
    spans: list[Span] = []
    for day in sorted(days):
        lo, hi = business_bounds(day, tz_name, cutoff)
        if spans and spans[-1][1] == lo:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return spans


def plans(conn: sa.Connection, now: datetime) -> list[StorePlan]:
    """For each store with signals past retention, the spans of them that may go."""
    config = current_app.config
    cutoff = config["HOURS_BUSINESS_DAY_CUTOFF"]
    past = now - timedelta(days=config["SIGNALS_RETENTION_DAYS"])
    found = []
    for store_id, tz_name in conn.execute(sa.select(Store.id, Store.timezone).order_by(Store.id)):
        oldest = conn.scalar(
            sa.select(sa.func.min(Signal.start_at)).where(Signal.store_id == store_id)
        )
        if oldest is None or oldest >= past:
            continue
        last_day = business_date(past, tz_name, cutoff) - timedelta(days=1)
        first_day = business_date(oldest, tz_name, cutoff)
        days = conn.scalars(
            sa.select(DailyPresence.business_date).where(
                DailyPresence.store_id == store_id,
                DailyPresence.business_date.between(first_day, last_day),
            )
        )
        horizon = business_bounds(last_day, tz_name, cutoff)[1]
        found.append(StorePlan(store_id, summarised_spans(list(days), tz_name, cutoff), horizon))
    return found


def _delete_batch(store_id: int, span: Span, size: int) -> int:
    lo, hi = span
    within = (Signal.store_id == store_id, Signal.start_at >= lo, Signal.start_at < hi)
    batch = sa.select(Signal.id).where(*within).limit(size)
    stmt = sa.delete(Signal).where(*within, Signal.id.in_(batch))
    return db.session.execute(stmt.execution_options(synchronize_session=False)).rowcount


def _delete_spans(plan: StorePlan, size: int, commit: Callable[[], None], done: Retention) -> None:
    for span in plan.spans:
        while True:
            started = perf_counter()  # SQLite takes its write lock in the DELETE's BEGIN
            deleted = _delete_batch(plan.store_id, span, size)
            commit()  # even of nothing: the lock is held until the transaction ends
            held = perf_counter() - started
            done.longest_batch_seconds = max(done.longest_batch_seconds, held)
            done.batches += bool(deleted)
            done.deleted += deleted
            if deleted < size:
                break


def _drop_months(
    found: list[StorePlan], past: datetime, commit: Callable[[], None], done: Retention
) -> None:
    """Drop the partitions of months wholly past retention that hold nothing unsummarised."""
    # Stores without a plan have no signal before `past`; a store with one has nothing to
    # go after its horizon.
    limit = min((plan.horizon for plan in found), default=past)
    for month in partitions.months():
        if month.end > limit:
            break
        keeps = any(
            partitions.has_rows(month, plan.store_id, max(lo, month.start), min(hi, month.end))
            for plan in found
            for lo, hi in plan.gaps()
            if lo < month.end and hi > month.start
        )
        if not keeps and partitions.drop(month):
            done.dropped.append(month.table)
        commit()


def prune_signals(now: datetime, commit: Callable[[], None]) -> dict[str, Any]:
    """Delete the signals past retention whose days are summarised; figures of the run.

    `commit` ends each batch's transaction (the job checks its lease in it). Idempotent:
    a second run finds nothing more to delete.
    """
    done = Retention()
    with reading(), db.engine.connect() as conn:
        found = plans(conn, now)
    if partitions.partitioned():
        done.created = partitions.create_ahead(now)
        commit()
        past = now - timedelta(days=current_app.config["SIGNALS_RETENTION_DAYS"])
        _drop_months(found, past, commit, done)
    size = current_app.config["SIGNALS_RETENTION_BATCH"]
    for plan in found:
        _delete_spans(plan, size, commit, done)
    return done.figures()
