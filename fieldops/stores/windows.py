"""A store's posted opening hours as real time windows, correct across daylight-saving changes.

Hours are times of day in the store's own zone. A close at or before the open means the
store closes after midnight (on the next calendar day). A dated exception replaces the
weekday's hours for that date (closed, or special hours).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from fieldops.clock import local_date, local_window
from fieldops.stores.models import Store


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
