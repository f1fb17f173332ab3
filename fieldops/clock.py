"""Time, in one place: the current instant, zones, local and business days, wall-clock minutes.

The ground floor of the package: it imports no feature. Rules take `now` as an argument and
routes pass `utcnow()`, so tests set the time instead of waiting for it.

Vocabulary:
- an *instant* is an aware UTC `datetime`; a *local day* is a calendar `date` in a zone;
- a *business day* starts at a cutoff time of day (say 05:00), so a bar's 01:30 customers
  belong to the evening before;
- a *wall-clock minute* counts minutes from the local midnight that starts a day, and goes
  past 1440 for times after midnight (00:20 the next day is 1460).

Local times are turned into instants by `zoneinfo`, so daylight-saving changes are exact:
a day can have 23 or 25 hours, and arithmetic on instants never assumes 24.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MINUTES_A_DAY = 1440


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


# The US zones by the names people use for them; a city tells which of a region's zones.
SPOKEN_ZONES = {
    "America/New_York": "Eastern",
    "America/Chicago": "Central",
    "America/Denver": "Mountain",
    "America/Phoenix": "Arizona",
    "America/Los_Angeles": "Pacific",
    "America/Anchorage": "Alaska",
    "Pacific/Honolulu": "Hawaii",
}


def zone_label(name: str) -> str:
    """A zone as people say it: America/Chicago -> "Central (Chicago)", Europe/Berlin ->
    "Berlin (Europe)", America/Argentina/Buenos_Aires -> "Buenos Aires (America, Argentina)",
    UTC -> "UTC"."""
    area, _, rest = name.partition("/")
    if not rest:
        return name
    *regions, city = rest.replace("_", " ").split("/")
    if name in SPOKEN_ZONES:
        return f"{SPOKEN_ZONES[name]} ({city})"
    return f"{city} ({', '.join([area, *regions])})"


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
    """Whether a window from `opens` to `closes` ends on the next day (a close at or before
    the open)."""
    return closes <= opens


def local_window(day: date, opens: time, closes: time, tz_name: str) -> tuple[datetime, datetime]:
    """The UTC span of a window opening on local `day` (closing the next day if need be)."""
    end_day = day + timedelta(days=1) if crosses_midnight(opens, closes) else day
    return to_utc(day, opens, tz_name), to_utc(end_day, closes, tz_name)


def business_date(at: datetime, tz_name: str, cutoff: time) -> date:
    """The local business day that instant `at` belongs to."""
    local = at.astimezone(zone(tz_name)).replace(tzinfo=None)
    return (local - timedelta(hours=cutoff.hour, minutes=cutoff.minute)).date()


class DayOf:
    """`business_date` for many instants of one zone, remembered per quarter hour.

    UTC offsets and their daylight-saving changes fall on quarter hours, and the cutoff is
    a whole hour, so every instant of a quarter hour lies in the same business day.
    """

    def __init__(self, tz_name: str, cutoff: time) -> None:
        self.tz_name, self.cutoff = tz_name, cutoff
        self._days: dict[int, date] = {}

    def __call__(self, at: datetime) -> date:
        key = int(at.timestamp()) // 900
        day = self._days.get(key)
        if day is None:
            day = self._days[key] = business_date(at, self.tz_name, self.cutoff)
        return day


def business_bounds(day: date, tz_name: str, cutoff: time) -> tuple[datetime, datetime]:
    """The UTC instants at which business day `day` starts and ends."""
    return to_utc(day, cutoff, tz_name), to_utc(day + timedelta(days=1), cutoff, tz_name)


def minute_of(at: datetime, tz_name: str, day: date) -> int:
    """Wall-clock minutes from the local midnight that starts `day` (00:20 next day = 1460)."""
    local = at.astimezone(zone(tz_name)).replace(tzinfo=None)
    return (local.date() - day).days * MINUTES_A_DAY + local.hour * 60 + local.minute


def minute_of_day(at: time) -> int:
    """Minutes from midnight of a time of day (21:40 -> 1300)."""
    return at.hour * 60 + at.minute


def clock_minute(at: time, cutoff: time) -> int:
    """A local time of day reported for a business day: before the cutoff means after midnight."""
    minute = minute_of_day(at)
    return minute + MINUTES_A_DAY if at < cutoff else minute


def instant_of(day: date, minute: int, tz_name: str) -> datetime:
    """The UTC instant of wall-clock `minute` of business day `day`."""
    days, rest = divmod(minute, MINUTES_A_DAY)
    return to_utc(day + timedelta(days=days), time(rest // 60, rest % 60), tz_name)


def wall_clock(minute: float) -> str:
    """A wall-clock minute as the local "HH:MM" a person would write (1460 -> "00:20")."""
    m = round(minute) % MINUTES_A_DAY
    return f"{m // 60:02d}:{m % 60:02d}"
