"""The posted-vs-real hours chart: geometry for a server-drawn SVG (templates/hours/_chart.html).

One row per weekday on a time axis that starts before the earliest opening and ends after
the latest closing (past midnight when customers stay that late): a thin bar for the
posted hours, a thick one for the real hours, pale where evidence is thin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from fieldops.clock import WEEKDAY_NAMES, wall_clock
from fieldops.hours.models import HoursBasis
from fieldops.hours.services import span

WIDTH = 360
LABEL_WIDTH = 34
ROW_HEIGHT = 30
TOP = 20  # room for the hour labels
DEFAULT_RANGE = (8 * 60, 22 * 60)


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    text: str


@dataclass(frozen=True)
class Row:
    y: float
    day: str
    posted: Bar | None
    real: Bar | None
    observed: bool
    note: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    ticks: list[tuple[float, str]]
    rows: list[Row]


def _minutes(opens: time | None, closes: time | None) -> tuple[int, int] | None:
    return span(opens, closes) if opens is not None and closes is not None else None


def hours_chart(hours: dict[str, Any]) -> Chart:
    """The chart of `hours` (the shape services.hours_for answers)."""
    posted = {p.weekday: _minutes(p.opens, p.closes) for p in hours["posted"]}
    real = {r["weekday"]: r for r in hours["real"]}
    spans = [s for s in posted.values() if s] + [
        s for r in real.values() if (s := _minutes(r["opens"], r["closes"]))
    ]
    start = min([s[0] for s in spans], default=DEFAULT_RANGE[0]) // 60 * 60 - 60
    end = -(-max([s[1] for s in spans], default=DEFAULT_RANGE[1]) // 60) * 60 + 60
    scale = (WIDTH - LABEL_WIDTH - 8) / (end - start)

    def bar(minutes: tuple[int, int] | None, what: str) -> Bar | None:
        if minutes is None:
            return None
        x = LABEL_WIDTH + (minutes[0] - start) * scale
        return Bar(
            round(x, 1),
            round((minutes[1] - minutes[0]) * scale, 1),
            f"{what} {wall_clock(minutes[0])}–{wall_clock(minutes[1])}",
        )

    rows = []
    for weekday in range(7):
        entry = real[weekday]
        observed = entry["basis"] == HoursBasis.OBSERVED
        note = (
            f"{entry['sample_days']} days of evidence, confidence {entry['confidence']:.2f}"
            if observed
            else "too little evidence: posted hours"
        )
        rows.append(
            Row(
                y=TOP + weekday * ROW_HEIGHT,
                day=WEEKDAY_NAMES[weekday][:3],
                posted=bar(posted.get(weekday), "posted"),
                real=bar(_minutes(entry["opens"], entry["closes"]), "real"),
                observed=observed,
                note=note,
            )
        )
    step = 180 if end - start > 12 * 60 else 120
    first_tick = -(-start // step) * step
    ticks = [
        (round(LABEL_WIDTH + (m - start) * scale, 1), wall_clock(m))
        for m in range(first_tick, end + 1, step)
    ]
    return Chart(WIDTH, TOP + 7 * ROW_HEIGHT + 4, LABEL_WIDTH, ticks, rows)
