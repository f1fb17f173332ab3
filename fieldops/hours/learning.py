"""Recomputing learned hours for many stores at once: set-based reads, one pass in Python.

Three queries read everything (stores with their posted hours, dated exceptions, daily
presence in the window, sorted by store), one pass groups the samples by store and
weekday, and the results replace the old rows in bulk. Never a query per store-day.
"""

from __future__ import annotations

import time as clock
from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from blinker import Signal
from flask import current_app

from fieldops.clock import business_date
from fieldops.database import CHUNK, chunks
from fieldops.extensions import db
from fieldops.hours.estimate import Sample, Settings, estimate_weekday
from fieldops.hours.models import DailyPresence, HoursStatus, RealHours
from fieldops.stores import HoursException, PostedHours, Store

STALE_AFTER = timedelta(days=7)  # the window moves: refresh hours at least weekly
# Sent with `store_ids` (the stores whose real hours were just learned again) and `now` once
# the new hours are flushed. The app factory connects the refresh of their snapshots.
hours_learned = Signal("real-hours-learned")


def _where_store(column: Any, store_ids: list[int] | None) -> list[Any]:
    return [] if store_ids is None else [column.in_(store_ids)]


def recompute(now: datetime, store_ids: Collection[int] | None = None) -> dict[str, Any]:
    """Learn the hours of these stores (all active stores if None) from the trailing window."""
    started = clock.perf_counter()
    if store_ids is not None and len(store_ids) > CHUNK:
        totals: dict[str, Any] = {"stores": 0, "weekdays": 0}
        for batch in chunks(sorted(store_ids)):
            part = recompute(now, batch)
            totals["stores"] += part["stores"]
            totals["weekdays"] += part["weekdays"]
        totals["seconds"] = round(clock.perf_counter() - started, 2)
        return totals
    ids = None if store_ids is None else sorted(store_ids)
    settings = Settings.from_config()
    cutoff = current_app.config["HOURS_BUSINESS_DAY_CUTOFF"]

    zones = dict(
        db.session.execute(
            sa.select(Store.id, Store.timezone).where(
                Store.active.is_(True), *_where_store(Store.id, ids)
            )
        ).all()
    )
    # Per store the window ends with yesterday's business day: today's is not over yet.
    last_day = {
        sid: business_date(now, tz, cutoff) - timedelta(days=1) for sid, tz in zones.items()
    }
    first_needed = min(last_day.values(), default=now.date()) - timedelta(days=settings.window_days)

    posted: dict[tuple[int, int], tuple[Any, Any]] = {
        (row.store_id, row.weekday): (row.opens, row.closes)
        for row in db.session.execute(
            sa.select(
                PostedHours.store_id, PostedHours.weekday, PostedHours.opens, PostedHours.closes
            ).where(*_where_store(PostedHours.store_id, ids))
        )
    }
    holidays: set[tuple[int, date]] = set(
        db.session.execute(
            sa.select(HoursException.store_id, HoursException.date).where(
                HoursException.date >= first_needed, *_where_store(HoursException.store_id, ids)
            )
        ).all()
    )
    samples: dict[tuple[int, int], list[Sample]] = defaultdict(list)
    presence = db.session.execute(
        sa.select(
            DailyPresence.store_id,
            DailyPresence.business_date,
            DailyPresence.closed,
            DailyPresence.first_minute,
            DailyPresence.last_minute,
        ).where(
            DailyPresence.business_date >= first_needed,
            *_where_store(DailyPresence.store_id, ids),
        )
    )
    for store_id, day, closed, first, last in presence:
        end = last_day.get(store_id)
        if end is None or not end - timedelta(days=settings.window_days) < day <= end:
            continue
        if (store_id, day) in holidays:
            continue
        samples[(store_id, day.weekday())].append(Sample(closed, first, last))

    rows = []
    for store_id in zones:
        for weekday in range(7):
            estimate = estimate_weekday(
                weekday,
                samples.get((store_id, weekday), []),
                posted.get((store_id, weekday)),
                settings,
            )
            rows.append({"store_id": store_id, "computed_at": now, **vars(estimate)})
    db.session.execute(sa.delete(RealHours).where(*_where_store(RealHours.store_id, ids)))
    if rows:  # render_nulls: one executemany, not one per pattern of missing values
        db.session.execute(sa.insert(RealHours).execution_options(render_nulls=True), rows)
    _note_computed(list(zones), now)
    db.session.flush()
    hours_learned.send(store_ids=set(zones), now=now)
    return {
        "stores": len(zones),
        "weekdays": len(rows),
        "seconds": round(clock.perf_counter() - started, 2),
    }


def _note_computed(store_ids: list[int], now: datetime) -> None:
    for batch in chunks(store_ids):
        known = set(
            db.session.scalars(
                sa.select(HoursStatus.store_id).where(HoursStatus.store_id.in_(batch))
            )
        )
        db.session.execute(
            sa.update(HoursStatus).where(HoursStatus.store_id.in_(known)).values(computed_at=now)
        )
        missing = [{"store_id": sid, "computed_at": now} for sid in batch if sid not in known]
        if missing:
            db.session.execute(sa.insert(HoursStatus), missing)


def pending_store_ids(now: datetime) -> list[int]:
    """Stores whose evidence changed since their hours were learned, or learned long ago,
    by id."""
    stmt = sa.select(HoursStatus.store_id).where(
        sa.or_(
            HoursStatus.computed_at.is_(None),
            HoursStatus.evidence_changed_at > HoursStatus.computed_at,
            HoursStatus.computed_at < now - STALE_AFTER,
        )
    )
    return list(db.session.scalars(stmt.order_by(HoursStatus.store_id)))


def recompute_pending(now: datetime) -> dict[str, Any]:
    """The nightly job's work: only the stores with new evidence (or stale hours)."""
    ids = pending_store_ids(now)
    if not ids:
        return {"stores": 0, "weekdays": 0, "seconds": 0.0}
    return recompute(now, ids)
