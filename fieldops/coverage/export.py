"""Coverage as CSV, one line a store."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from fieldops.coverage.services import StoreCoverage
from fieldops.stores.hours import local_date

HEADER = [
    "code",
    "name",
    "region",
    "timezone",
    "from",
    "days",
    "real_customer_minutes",
    "real_covered_minutes",
    "real_percent",
    "real_uncovered_windows",
    "posted_customer_minutes",
    "posted_covered_minutes",
    "posted_percent",
    "completed_12m",
    "cadence",
    "overdue",
    "due_on",
    "due_soon",
    "last_visit",
    "next_planned",
]


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value.isoformat() if hasattr(value, "isoformat") else value


def coverage_csv(rows: list[StoreCoverage], now: datetime, horizon_days: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in rows:
        real, posted, visits, store = row.real, row.posted, row.visits, row.store
        today = local_date(now, store.timezone)
        writer.writerow(
            _text(v)
            for v in (
                store.code,
                store.name,
                store.region,
                store.timezone,
                row.first,
                row.days,
                real.customer_minutes,
                real.covered_minutes,
                real.percent,
                len(real.uncovered),
                posted.customer_minutes,
                posted.covered_minutes,
                posted.percent,
                visits.completed_12m,
                visits.cadence,
                visits.overdue,
                visits.due_on,
                visits.due_soon(today, horizon_days),
                visits.last_visit,
                visits.next_planned,
            )
        )
    return out.getvalue()
