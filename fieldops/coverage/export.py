"""Coverage as CSV, one line a store."""

from __future__ import annotations

import csv
import io
from typing import Any

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


def coverage_csv(items: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for item in items:
        real, posted, visits = item["real"], item["posted"], item["visits"]
        writer.writerow(
            _text(v)
            for v in (
                item["code"],
                item["name"],
                item["region"],
                item["timezone"],
                item["from_"],
                item["days"],
                real["customer_minutes"],
                real["covered_minutes"],
                real["percent"],
                len(real["gaps"]),
                posted["customer_minutes"],
                posted["covered_minutes"],
                posted["percent"],
                visits["completed_12m"],
                visits["cadence"],
                visits["overdue"],
                visits["due_on"],
                visits["due_soon"],
                visits["last_visit"],
                visits["next_planned"],
            )
        )
    return out.getvalue()
