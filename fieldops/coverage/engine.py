"""Support coverage of customer hours, computed on real dates (plain Python, no database).

For each of a store's local dates, its customer window comes from the hours of that
weekday (real or posted), unless a dated exception closes the store or changes its hours.
Shift windows are laid on their own zone's dates. Both become UTC instants, so daylight-
saving changes and shifts in another zone come out right; overlapping shifts are merged
before they are counted, so no minute counts twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property, lru_cache

from fieldops.clock import local_window, zone
from fieldops.coverage.intervals import Interval, length, overlap, subtract, union

Hours = tuple[time, time]  # opens, closes; a close at or before the open is the next day


@lru_cache(maxsize=65536)
def span(day: date, start: time, end: time, tz_name: str) -> Interval:
    """A window opening on local `day` as POSIX seconds (stores share hours and zones, so
    the same spans come up again and again)."""
    begin, finish = local_window(day, start, end, tz_name)
    return int(begin.timestamp()), int(finish.timestamp())


@dataclass(frozen=True)
class ShiftPlan:
    """A support shift as the engine needs it."""

    id: int
    timezone: str
    weekdays: frozenset[int]
    start: time
    end: time
    off: frozenset[date] = frozenset()
    extra: tuple[tuple[date, time, time], ...] = ()

    def windows(self, first: date, last: date) -> list[Interval]:
        """Its windows starting on its local dates first..last."""
        found = []
        day = first
        while day <= last:
            if day.weekday() in self.weekdays and day not in self.off:
                found.append(span(day, self.start, self.end, self.timezone))
            day += timedelta(days=1)
        found += [
            span(day, start, end, self.timezone)
            for day, start, end in self.extra
            if first <= day <= last
        ]
        return found


@dataclass(frozen=True)
class StoreHours:
    """A store's hours on its own dates: per weekday, and dated exceptions (None = closed)."""

    timezone: str
    weekly: Mapping[int, Hours | None]
    exceptions: Mapping[date, Hours | None] = field(default_factory=dict)

    def hours_on(self, day: date) -> Hours | None:
        if day in self.exceptions:
            return self.exceptions[day]
        return self.weekly.get(day.weekday())

    def windows(self, first: date, days: int) -> list[tuple[date, Interval]]:
        found = []
        for offset in range(days):
            day = first + timedelta(days=offset)
            hours = self.hours_on(day)
            if hours is not None:
                found.append((day, span(day, hours[0], hours[1], self.timezone)))
        return found


@dataclass(frozen=True)
class Gap:
    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class Coverage:
    timezone: str
    customer_minutes: int
    covered_minutes: int
    uncovered: list[Interval]  # POSIX seconds; `gaps` gives them as local datetimes
    uncovered_by_weekday: list[int]  # minutes, Monday first, by the customer window's date
    windows: list[tuple[date, Interval]] = field(default_factory=list)  # customers, by date

    @cached_property  # a page sorts and sums thousands of stores by it
    def percent(self) -> float | None:
        if not self.customer_minutes:
            return None
        return round(100 * self.covered_minutes / self.customer_minutes, 2)

    @property
    def uncovered_minutes(self) -> int:
        return self.customer_minutes - self.covered_minutes

    @property
    def gaps(self) -> list[Gap]:
        tz = zone(self.timezone)
        return [
            Gap(
                datetime.fromtimestamp(a, UTC).astimezone(tz),
                datetime.fromtimestamp(b, UTC).astimezone(tz),
            )
            for a, b in self.uncovered
        ]


def _by_weekday(customer: list[tuple[date, Interval]], gaps: list[Interval]) -> list[int]:
    """Uncovered minutes per weekday: each gap lies within one customer window (one pass)."""
    minutes = [0] * 7
    i = 0
    for start, end in gaps:
        while i + 1 < len(customer) and customer[i][1][1] <= start:
            i += 1
        minutes[customer[i][0].weekday()] += (end - start) // 60
    return minutes


def coverage(hours: StoreHours, first: date, days: int, support: list[Interval]) -> Coverage:
    """How much of the store's customer time over local dates [first, first + days) is
    covered by `support` (merged windows), and the uncovered windows."""
    customer = hours.windows(first, days)
    spans = union(window for _, window in customer)
    gaps = subtract(spans, support)
    return Coverage(
        timezone=hours.timezone,
        customer_minutes=length(spans) // 60,
        covered_minutes=overlap(spans, support) // 60,
        uncovered=gaps,
        uncovered_by_weekday=_by_weekday(customer, gaps),
        windows=customer,
    )
