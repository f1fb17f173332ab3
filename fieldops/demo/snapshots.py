"""The demo's coverage history: a snapshot a week for the past 12 weeks, then today's.

Each past snapshot is what the nightly job would have stored that day (every store's
next 28 days from its local date then, visit cadence as of then), computed with today's
shifts, their dated exceptions and the hours learned now. Today's run is the job's own,
so it also opens the alerts.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from fieldops.coverage import coverage_of, run_date, save_snapshots, take_snapshot
from fieldops.extensions import db
from fieldops.stores import Store

WEEKS = 12


def backfill(now: datetime, weeks: int = WEEKS) -> dict[str, Any]:
    """Weekly snapshots for the `weeks` weeks before `now`, then the job's run for today."""
    stores = list(db.session.scalars(sa.select(Store).where(Store.active.is_(True))))
    saved = 0
    for back in range(weeks, 0, -1):
        then = now - timedelta(weeks=back)
        saved += save_snapshots(coverage_of(stores, then), run_date(then), then)
    today = take_snapshot(now)
    return {
        "coverage snapshots": saved + today["stores"],
        "open alerts": today["alerts_opened"],
    }
