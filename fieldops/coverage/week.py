"""A store's coming week as a strip: geometry for a server-drawn SVG (stores/_support.html).

One row per day of the seven days from the first day of a store's coverage: a thin bar for
the hours support covers, a thick one for the real customer hours, its uncovered parts
marked, and each value written out, so nothing needs hovering. Everything is read from the
store's computed coverage (`StoreCoverage`), on the store's wall clock: a support shift in
another zone, or a day across a daylight-saving change, shows as the store's people see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from fieldops.clock import MINUTES_A_DAY, instant_of, minute_of, wall_clock
from fieldops.coverage.intervals import Interval, length, subtract
from fieldops.coverage.services import StoreCoverage

WIDTH = 320  # drawn a little larger than life on a 390 px phone
PAD = 16  # room for the first and last hour labels
ROW_HEIGHT = 56
TOP = 18  # room for the hour labels
DAYS = 7
DEFAULT_RANGE = (8 * 60, 22 * 60)


@dataclass(frozen=True)
class Segment:
    x: float
    width: float


@dataclass(frozen=True)
class DayRow:
    y: int
    day: str  # "Fri 6"
    real: Segment | None  # None: closed that day
    supported: list[Segment]
    uncovered: list[Segment]
    real_text: str  # "real 09:00–21:30", "closed"
    support_text: str  # "supported 09:00–20:00", "no support"
    uncovered_minutes: int

    @property
    def uncovered_text(self) -> str:
        if self.real is None:
            return ""
        if not self.uncovered_minutes:
            return "all covered"
        return f"{duration(self.uncovered_minutes)} uncovered"

    @property
    def sentence(self) -> str:
        """The row in words: "Fri 6: real 09:00–21:30 · supported 09:00–20:00 · 1 h 30 min
        uncovered"."""
        parts = [self.real_text, self.support_text, self.uncovered_text]
        return f"{self.day}: " + " · ".join(p for p in parts if p)


@dataclass(frozen=True)
class WeekStrip:
    width: int
    height: int
    first: date
    ticks: list[tuple[float, str]]
    rows: list[DayRow]


def duration(minutes: int) -> str:
    """90 -> "1 h 30 min", 45 -> "45 min", 180 -> "3 h"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def _clock(minute: int) -> str:
    """A wall-clock minute of the strip's day; the end of the day is 24:00, not 00:00."""
    return "24:00" if minute == MINUTES_A_DAY else wall_clock(minute)


def _span_text(spans: list[tuple[int, int]]) -> str:
    return ", ".join(f"{_clock(a)}–{_clock(b)}" for a, b in spans)


def _seconds(day: date, minute: int, tz_name: str) -> int:
    return int(instant_of(day, minute, tz_name).timestamp())


def _minutes(interval: Interval, day: date, tz_name: str) -> tuple[int, int]:
    """A window of POSIX seconds as wall-clock minutes from the local midnight of `day`."""
    start, end = (datetime.fromtimestamp(s, UTC) for s in interval)
    return minute_of(start, tz_name, day), minute_of(end, tz_name, day)


def _axis(customer: dict[date, tuple[int, int]]) -> tuple[int, int]:
    """From an hour before the earliest opening to an hour after the latest closing."""
    if not customer:
        return DEFAULT_RANGE
    latest = max(b for _, b in customer.values())
    start = min(a for a, _ in customer.values()) // 60 * 60 - 60
    end = -(-latest // 60) * 60 + 60
    return max(start, 0), min(end, MINUTES_A_DAY if latest <= MINUTES_A_DAY else 2 * MINUTES_A_DAY)


def week_strip(row: StoreCoverage) -> WeekStrip:
    """The seven days from `row.first` (the store's coverage must span them)."""
    tz_name = row.store.timezone
    days = [row.first + timedelta(days=offset) for offset in range(DAYS)]
    windows = {day: window for day, window in row.real.windows if day in days}
    customer = {day: _minutes(window, day, tz_name) for day, window in windows.items()}
    start, end = _axis(customer)
    scale = (WIDTH - 2 * PAD) / (end - start)

    def x(minute: int) -> float:
        return round(PAD + (minute - start) * scale, 1)

    def segment(a: int, b: int) -> Segment:
        return Segment(x(a), round((b - a) * scale, 1))

    rows = []
    for index, day in enumerate(days):
        frame = [(_seconds(day, start, tz_name), _seconds(day, end, tz_name))]
        supported = [
            _minutes(piece, day, tz_name) for piece in subtract(frame, subtract(frame, row.support))
        ]
        window = windows.get(day)
        gaps = subtract([window], row.support) if window else []
        rows.append(
            DayRow(
                y=TOP + index * ROW_HEIGHT,
                day=f"{day:%a} {day.day}",
                real=segment(*customer[day]) if window else None,
                supported=[segment(a, b) for a, b in supported],
                uncovered=[segment(*_minutes(gap, day, tz_name)) for gap in gaps],
                real_text=f"real {_span_text([customer[day]])}" if window else "closed",
                support_text=f"supported {_span_text(supported)}" if supported else "no support",
                uncovered_minutes=length(gaps) // 60,
            )
        )
    step = 180 if end - start > 12 * 60 else 120
    ticks = [
        (x(m), _clock(m % MINUTES_A_DAY or m))
        for m in range(-(-start // step) * step, end + 1, step)
    ]
    return WeekStrip(WIDTH, TOP + DAYS * ROW_HEIGHT, row.first, ticks, rows)
