"""Coverage as CSV, one line a store (cells written by fieldops.core.exports)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fieldops.clock import local_date
from fieldops.core.exports import csv_text
from fieldops.coverage.services import StoreCoverage

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


def coverage_csv(rows: list[StoreCoverage], now: datetime, horizon_days: int) -> str:
    return csv_text(HEADER, (_line(row, now, horizon_days) for row in rows))


def _line(row: StoreCoverage, now: datetime, horizon_days: int) -> tuple[Any, ...]:
    real, posted, visits, store = row.real, row.posted, row.visits, row.store
    today = local_date(now, store.timezone)
    return (
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
