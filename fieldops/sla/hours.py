"""The hours a service-level clock counts, as UTC instants (plain Python, no database).

A store's hours are laid on its own local dates (`coverage.StoreHours`: weekday hours,
dated exceptions, closes after midnight), turned into UTC instants by `zoneinfo`, so a
daylight-saving night is 23 or 25 hours long and a window that ends after midnight counts
to its real end. The `always` clock has no hours: every second counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fieldops.clock import local_date
from fieldops.coverage import Interval, StoreHours, union

CHUNK = timedelta(days=7)
# How far ahead a due time is looked for: a store open an hour a week still gets one.
HORIZON = timedelta(days=400)


def seconds(at: datetime) -> int:
    """An instant as whole POSIX seconds (the clock counts whole seconds)."""
    return int(at.timestamp())


def instant(posix: int) -> datetime:
    return datetime.fromtimestamp(posix, UTC)


@dataclass(frozen=True)
class ClockHours:
    """The hours a clock counts: a store's (`hours`) or every hour (`hours` None)."""

    hours: StoreHours | None = None

    @property
    def always(self) -> bool:
        return self.hours is None

    def windows(self, start: datetime, end: datetime) -> list[Interval]:
        """The counted spans within [start, end), as sorted disjoint POSIX-second pairs."""
        a, b = seconds(start), seconds(end)
        if b <= a:
            return []
        if self.hours is None:
            return [(a, b)]
        tz = self.hours.timezone
        first = local_date(start, tz) - timedelta(
            days=1
        )  # yesterday's window may run past midnight
        days = (local_date(end, tz) - first).days + 1
        spans = union(window for _, window in self.hours.windows(first, days))
        return [(max(s, a), min(e, b)) for s, e in spans if e > a and s < b]

    def seconds_between(self, start: datetime, end: datetime) -> int:
        """Counted seconds in [start, end)."""
        return sum(e - s for s, e in self.windows(start, end))

    def advance(self, start: datetime, amount: int) -> datetime | None:
        """The instant at which `amount` counted seconds have passed after `start` (`start`
        itself for none); None if the hours hold too few seconds within `HORIZON`."""
        if amount <= 0:
            return start
        cursor = start
        while cursor < start + HORIZON:
            for s, e in self.windows(cursor, cursor + CHUNK):
                if e - s >= amount:
                    return instant(s + amount)
                amount -= e - s
            cursor += CHUNK
        return None

    def any_between(self, start: datetime, end: datetime) -> bool:
        return bool(self.windows(start, end))

    def snapshot(self) -> dict[str, Any] | None:
        """The hours as JSON, kept with an issue's cached due times (None: always)."""
        if self.hours is None:
            return None

        def pair(hours: tuple[time, time] | None) -> list[str] | None:
            return None if hours is None else [hours[0].isoformat(), hours[1].isoformat()]

        return {
            "timezone": self.hours.timezone,
            "weekly": {str(d): pair(h) for d, h in sorted(self.hours.weekly.items())},
            "exceptions": {
                day.isoformat(): pair(h) for day, h in sorted(self.hours.exceptions.items())
            },
        }

    @classmethod
    def from_snapshot(cls, data: dict[str, Any] | None) -> ClockHours:
        if data is None:
            return cls()

        def pair(value: list[str] | None) -> tuple[time, time] | None:
            return (
                None
                if value is None
                else (time.fromisoformat(value[0]), time.fromisoformat(value[1]))
            )

        return cls(
            StoreHours(
                data["timezone"],
                {int(d): pair(h) for d, h in data["weekly"].items()},
                {date.fromisoformat(d): pair(h) for d, h in data["exceptions"].items()},
            )
        )
