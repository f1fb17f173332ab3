"""Posted opening hours as real time windows, correct across daylight-saving changes.

Hours are times of day in the store's own zone. A close at or before the open means the
store closes after midnight (on the next calendar day). A dated exception replaces the
weekday's hours for that date (closed, or special hours).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from fieldops.stores.models import Store

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_date(at: datetime, tz_name: str) -> date:
    """The calendar date at instant `at` in zone `tz_name`."""
    return at.astimezone(zone(tz_name)).date()


def local_midnight(day: date, tz_name: str) -> datetime:
    """The UTC instant at which `day` starts in zone `tz_name`."""
    return datetime.combine(day, time(0), tzinfo=zone(tz_name)).astimezone(UTC)


def to_utc(day: date, at: time, tz_name: str) -> datetime:
    """Local wall-clock `day` `at` in `tz_name` as a UTC instant.

    A time skipped by a spring-forward change is read with the offset before the change
    (02:30 on that night becomes 03:30 daylight time); a repeated autumn time is its first
    occurrence.
    """
    return datetime.combine(day, at, tzinfo=zone(tz_name)).astimezone(UTC)


def crosses_midnight(opens: time, closes: time) -> bool:
    return closes <= opens


def local_window(day: date, opens: time, closes: time, tz_name: str) -> tuple[datetime, datetime]:
    """The UTC span of a window opening on local `day` (closing the next day if need be)."""
    end_day = day + timedelta(days=1) if crosses_midnight(opens, closes) else day
    return to_utc(day, opens, tz_name), to_utc(end_day, closes, tz_name)


@dataclass(frozen=True)
class Window:
    """Opening hours on one business day: local times and the UTC instants they fall at."""

    day: date
    opens: time
    closes: time
    start: datetime
    end: datetime
    exception: bool = False

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


def hours_for_day(store: Store, day: date) -> tuple[time, time, bool] | None:
    """(opens, closes, is_exception) for the business day `day`, or None when closed."""
    for exc in store.exceptions:
        if exc.date == day:
            if exc.closed or exc.opens is None or exc.closes is None:
                return None
            return exc.opens, exc.closes, True
    for posted in store.posted_hours:
        if posted.weekday == day.weekday():
            return posted.opens, posted.closes, False
    return None


def window_on(store: Store, day: date) -> Window | None:
    """The store's posted window for business day `day` (it may end the next morning)."""
    hours = hours_for_day(store, day)
    if hours is None:
        return None
    opens, closes, is_exception = hours
    start, end = local_window(day, opens, closes, store.timezone)
    return Window(day=day, opens=opens, closes=closes, start=start, end=end, exception=is_exception)


def windows_between(store: Store, first: date, last: date) -> list[Window]:
    """Posted windows for the business days first..last inclusive."""
    days = (last - first).days + 1
    found = (window_on(store, first + timedelta(days=i)) for i in range(max(days, 0)))
    return [w for w in found if w is not None]


def is_open_at(store: Store, at: datetime) -> bool:
    """Whether `at` falls inside posted hours, counting yesterday's after-midnight close."""
    today = local_date(at, store.timezone)
    return any(
        w.start <= at < w.end for w in windows_between(store, today - timedelta(days=1), today)
    )
