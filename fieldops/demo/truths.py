"""Store truths for the simulator: the special cases every accuracy run covers, and
random stores whose customers keep hours of their own (some stay well past the close).

Used by the accuracy tests; the demo builds its truths from its stores' posted hours.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from fieldops.demo.simulation import ALL_SOURCES, DOOR, WIFI, Hours, StoreTruth

ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
)
PRESIDENTS_DAY_2026 = date(2026, 2, 16)  # a Monday; some stores close for it


def us_holidays(years: range = range(2025, 2028)) -> frozenset[date]:
    """The holidays on which every simulated store closes."""
    days: set[date] = set()
    for year in years:
        days |= {date(year, 1, 1), date(year, 7, 4), date(year, 12, 25)}
        november = date(year, 11, 1)
        days.add(november + timedelta(days=(3 - november.weekday()) % 7 + 21))  # Thanksgiving
    return frozenset(days)


def t(text: str) -> time:
    return time.fromisoformat(text)


def shifted(at: time, minutes_: int) -> time:
    return (datetime.combine(date(2000, 1, 1), at) + timedelta(minutes=minutes_)).time()


def week(
    weekdays: str, saturday: str | None = None, sunday: str | None = None, **days: str
) -> dict[int, Hours]:
    """Hours per weekday from "HH:MM-HH:MM": Monday to Friday, Saturday, Sunday (None:
    closed), then single days by name (friday="09:00-21:45")."""
    names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    texts = dict.fromkeys(range(5), weekdays) | {5: saturday, 6: sunday}
    texts |= {names.index(name): text for name, text in days.items()}
    return {d: (t(text[:5]), t(text[6:])) for d, text in texts.items() if text}


def special_truths() -> list[StoreTruth]:
    """The cases every accuracy run must cover, one store each."""
    holidays = us_holidays()
    return [
        StoreTruth(  # daylight saving, a holiday Monday, closed Sundays, customers stay late
            "dst-late-chicago",
            "America/Chicago",
            hours=week("09:00-20:40", "09:00-18:10"),
            posted=week("09:00-20:00", "09:00-18:00"),
            holidays=holidays | {PRESIDENTS_DAY_2026},
        ),
        StoreTruth(  # no daylight saving
            "no-dst-phoenix",
            "America/Phoenix",
            hours=week("08:30-19:05", "08:30-19:05", "11:00-17:00"),
            posted=week("08:30-19:00", "08:30-19:00", "11:00-17:00"),
            holidays=holidays,
        ),
        StoreTruth(  # Saturday customers stay past midnight; late Fridays
            "midnight-saturday-new-york",
            "America/New_York",
            hours=week("09:00-20:00", "10:00-00:30", "12:00-18:00", friday="09:00-21:45"),
            posted=week("09:00-20:00", "10:00-23:00", "12:00-18:00", friday="09:00-21:00"),
            holidays=holidays,
        ),
        StoreTruth(  # posts Sunday hours but never really opens; opens late on Mondays
            "sunday-never-denver",
            "America/Denver",
            hours=week("09:00-20:00", "09:00-17:00", monday="10:00-20:00"),
            posted=week("09:00-20:00", "09:00-17:00", "11:00-17:00"),
            holidays=holidays,
        ),
        StoreTruth(  # just connected: two days of evidence, posted hours must stand
            "two-days-los-angeles",
            "America/Los_Angeles",
            hours=week("09:00-20:00", "09:00-18:00"),
            posted=week("08:00-18:00", "09:00-17:00"),
            holidays=holidays,
            evidence_days=2,
        ),
    ]


def random_truth(key: str, rng: random.Random, holidays: frozenset[date]) -> StoreTruth:
    """A store with posted hours of the usual kinds and customers who may stay later."""
    opens = rng.choice((t("08:00"), t("08:30"), t("09:00"), t("09:00"), t("09:30"), t("10:00")))
    closes = rng.choice((t("18:00"), t("19:00"), t("20:00"), t("20:00"), t("21:00")))
    late = rng.random() < 0.4
    posted: dict[int, Hours | None] = dict.fromkeys(range(5), (opens, closes))
    posted[5] = (opens, rng.choice((t("17:00"), t("18:00"), t("19:00"))))
    if rng.random() < 0.5:
        posted[6] = (rng.choice((t("11:00"), t("12:00"))), t("18:00"))
    hours: dict[int, Hours | None] = {}
    for weekday, (o, c) in ((d, h) for d, h in posted.items() if h):
        stay = rng.randint(15, 95) if late and weekday in (3, 4, 5) else rng.randint(-8, 12)
        hours[weekday] = (shifted(o, rng.choice((0, 0, 0, 10, 20))), shifted(c, stay))
    sources = ALL_SOURCES
    if rng.random() < 0.25:
        sources = ALL_SOURCES - {rng.choice((WIFI, DOOR))}
    if rng.random() < 0.3:
        holidays = holidays | {PRESIDENTS_DAY_2026}
    return StoreTruth(key, rng.choice(ZONES), hours, posted, holidays, sources)


def varied_truths(count: int, seed: int | str = 0) -> list[StoreTruth]:
    """`count` stores: the special cases first (DST, no DST, after midnight, a posted day
    that never opens, two days of evidence), then random ones."""
    rng = random.Random(f"truths:{seed}")
    specials = special_truths()[:count]
    holidays = us_holidays()
    extra = [random_truth(f"store-{n:03d}", rng, holidays) for n in range(len(specials), count)]
    return specials + extra
