"""Demo evidence of customer presence: 8 weeks per store, then the hours learned from it.

Each store's true customer hours start from its posted hours; at about a third of the
stores customers routinely stay late on Thursdays to Saturdays (up to 95 minutes past the
posted close), at some they arrive early on Saturdays. The evidence is simulated with the
same generator the accuracy tests use and goes in through the real ingest path.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from fieldops.clock import business_date
from fieldops.demo.simulation import Hours, Noise, StoreTruth, simulate
from fieldops.demo.truths import shifted
from fieldops.extensions import db
from fieldops.hours import ingest_signals, recompute
from fieldops.stores import Store

WEEKS = 8
# Hourly door-counter bins keep the demo quick; the tests use 15-minute bins.
DEMO_NOISE = Noise(door_interval_minutes=60)


def truth_for(store: Store, rng: random.Random) -> StoreTruth:
    """What really happens at a demo store, drawn from its posted hours."""
    posted: dict[int, Hours | None] = {p.weekday: (p.opens, p.closes) for p in store.posted_hours}
    stays_late = rng.random() < 0.35
    early_saturdays = rng.random() < 0.2
    hours: dict[int, Hours | None] = {}
    for weekday, (opens, closes) in ((d, h) for d, h in posted.items() if h):
        stay = rng.randint(30, 95) if stays_late and weekday in (3, 4, 5) else rng.randint(-5, 10)
        early = -rng.randint(15, 30) if early_saturdays and weekday == 5 else 0
        hours[weekday] = (shifted(opens, early), shifted(closes, stay))
    holidays = frozenset(e.date for e in store.exceptions if e.closed)
    return StoreTruth(store.code, store.timezone, hours, posted, holidays)


def load_evidence(now: datetime, seed: int, limit: int | None = None) -> dict[str, Any]:
    """Simulate and ingest evidence for every store (the first `limit`), learn their hours."""
    rng = random.Random(f"evidence:{seed}")
    cutoff = current_app.config["HOURS_BUSINESS_DAY_CUTOFF"]
    batch = current_app.config["SIGNALS_MAX_BATCH"]
    stores = db.session.scalars(
        sa.select(Store)
        .options(selectinload(Store.posted_hours), selectinload(Store.exceptions))
        .order_by(Store.id)
        .limit(limit)
    ).all()
    rows = 0
    for store in stores:
        last = business_date(now, store.timezone, cutoff) - timedelta(days=1)
        first = last - timedelta(weeks=WEEKS) + timedelta(days=1)
        truth = truth_for(store, rng)
        evidence = simulate(truth, first, last, seed, noise=DEMO_NOISE, store_id=store.id)
        for start in range(0, len(evidence.rows), batch):
            result = ingest_signals(store, evidence.rows[start : start + batch], now)
            rows += result.accepted
    learned = recompute(now)
    return {"evidence rows": rows, "stores with learned hours": learned["stores"]}
