"""Evidence of customer presence: the cached signals and daily presence, and new batches.

One model of a store's business day serves both: a store has true hours per weekday and
a few staff devices; an export of one day holds door-counter bins (entries only while
open), Wi-Fi sessions (staff connected all day, passers-by for a few minutes at any
hour, customers while open) and transactions. The cache writes these as `signals` rows
(dedupe keys computed exactly as fieldops/hours/ingest.py does); the ingestion benchmark
sends them as API rows. Times are whole seconds since the epoch, UTC, until formatted.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from bench.dataset import StoreInfo, _zone

DAY = 86400
EPOCH = date(1970, 1, 1)
SIGNAL_DAYS = 360  # the cache's signals cover this many days before it was built
EXPORT_DAYS = 40  # days with an export, per store (the others sent nothing)
PRESENCE_DAYS = 180  # business days of daily presence per store, up to yesterday
CUTOFF = 240  # a business day starts at 04:00 local (HOURS_BUSINESS_DAY_CUTOFF)


@dataclass(frozen=True)
class Mix:
    """What one day's export holds."""

    bin_minutes: int
    first_bin: int  # minute of the day
    bins: int
    staff: int
    passers: int
    customers: int
    transactions: int
    anonymous: float = 0.0  # share of transactions sent without the source's own id

    @property
    def size(self) -> int:
        return self.bins + self.staff + self.passers + self.customers + self.transactions


# A cached export: 30-minute bins 06:00-23:00, 12 Wi-Fi sessions, 4 transactions.
CACHED_DAY = Mix(30, 360, 34, 2, 2, 8, 4)


def export_mix(size: int) -> Mix:
    """A big store's export of `size` signals: 5-minute bins round the clock, the rest
    mostly Wi-Fi sessions (a sixth of them passers-by) and one transaction in twelve."""
    bins, staff, transactions = 288, 6, size // 12
    wifi = size - bins - staff - transactions
    return Mix(5, CUTOFF, bins, staff, wifi // 6, wifi - wifi // 6, transactions, 0.1)


@dataclass(frozen=True)
class Profile:
    """A store's true hours (minutes from local midnight, None = closed) and staff devices."""

    opens: tuple[int | None, ...]
    closes: tuple[int | None, ...]
    staff: tuple[str, ...]


def profile(rng: random.Random, store_id: int) -> Profile:
    """Opening about 09:00 (11:00 on Sundays, when open), closing about 20:00 (18:00 on
    Saturdays); some stores' customers routinely stay an hour or more past the close."""
    open_shift = rng.choice((-30, 0, 0, 0, 15, 30))
    close_shift = rng.choice((-30, 0, 0, 15, 30, 60, 90))
    sunday = rng.random() < 0.4
    opens = [540 + open_shift] * 6 + [660 + open_shift if sunday else None]
    closes = [1200 + close_shift] * 5 + [1080 + close_shift, 1020 + close_shift if sunday else None]
    staff = tuple(f"staff-{store_id}-{k}" for k in range(6))
    return Profile(tuple(opens), tuple(closes), staff)


@cache
def midnight(day: date, tz: str) -> int:
    """Epoch seconds of local midnight starting `day` (offset taken at noon: DST-safe
    for the daytime, where the evidence is)."""
    offset = datetime.combine(day, time(12), tzinfo=_zone(tz)).utcoffset()
    return (day - EPOCH).days * DAY - int(offset.total_seconds())  # type: ignore[union-attr]


@cache
def _utc_day(days: int) -> str:
    return (EPOCH + timedelta(days=days)).isoformat()


def stamps(at: int) -> tuple[str, str]:
    """(as SQLAlchemy stores it on SQLite, as ingest.py writes it in dedupe keys)."""
    days, rest = divmod(at, DAY)
    hh, rest = divmod(rest, 3600)
    mm, ss = divmod(rest, 60)
    day = _utc_day(days)
    return f"{day} {hh:02d}:{mm:02d}:{ss:02d}.000000", f"{day}T{hh:02d}:{mm:02d}:{ss:02d}+00:00"


# One signal: (source, start, end, device, entries, exits, transaction id), times in epoch s.
Event = tuple[str, int, int | None, str | None, int | None, int | None, str | None]


def day_events(
    rng: random.Random,
    mix: Mix,
    base: int,
    opens: int,
    closes: int,
    staff: tuple[str, ...],
    ids: Iterator[str],
) -> list[Event]:
    """The export of one open business day starting at local midnight `base`, by start."""
    rand, randrange = rng.random, rng.randrange
    events: list[Event] = []
    step = mix.bin_minutes * 60
    for k in range(mix.bins):
        start = base + mix.first_bin * 60 + k * step
        minute = (start - base) // 60 + mix.bin_minutes // 2
        entries, exits = (randrange(8), randrange(8)) if opens <= minute < closes else (0, 0)
        events.append(("door_count", start, start + step, None, entries, exits, None))
    for k in range(mix.staff):
        start = base + (opens - 30 - randrange(45)) * 60 + randrange(60)
        end = base + (closes + 20 + randrange(40)) * 60 + randrange(60)
        events.append(("wifi_session", start, end, staff[k % len(staff)], None, None, None))
    for _ in range(mix.passers):
        start = base + randrange(CUTOFF * 60, 26 * 3600)  # 04:00 to 02:00 (DST-safe)
        events.append(("wifi_session", start, start + 20 + randrange(220),
                       f"{rng.getrandbits(48):012x}", None, None, None))  # fmt: skip
    for _ in range(mix.customers):
        start = base + randrange(opens * 60, (closes - 5) * 60)
        events.append(("wifi_session", start, start + randrange(300, 4500),
                       f"{rng.getrandbits(48):012x}", None, None, None))  # fmt: skip
    taken: set[int] = set()
    for _ in range(mix.transactions):
        at = base + randrange((opens + 10) * 60, closes * 60)
        if rand() < mix.anonymous:
            while at in taken:  # the key of a transaction without id is its second
                at += 1
            taken.add(at)
            events.append(("transaction", at, None, None, None, None, None))
        else:
            events.append(("transaction", at, None, None, None, None, next(ids)))
    events.sort(key=lambda e: e[1])
    return events


def dedupe_key(event: Event, iso_start: str) -> str:
    """The key fieldops.hours.ingest.signal_row gives the row."""
    source, device, ident = event[0], event[3], event[6]
    if source == "wifi_session":
        return f"{device}|{iso_start}"
    if source == "door_count":
        return iso_start
    return f"id:{ident}" if ident else f"at:{iso_start}"


def business_today(now: datetime, tz: str) -> date:
    return (now.astimezone(_zone(tz)) - timedelta(minutes=CUTOFF)).date()


def signal_rows(
    rng: random.Random, infos: list[StoreInfo], profiles: list[Profile], now: datetime
) -> Iterator[tuple]:
    """`signals` rows: each store's exports on EXPORT_DAYS open days of the last
    SIGNAL_DAYS, store by store, by start (the order the unique index keeps)."""
    for info, prof in zip(infos, profiles, strict=True):
        tz = info.city.timezone
        today = business_today(now, tz)
        ids = (f"T{info.id}-{n}" for n in range(1, 10**9))
        days = [today - timedelta(days=n) for n in range(2, SIGNAL_DAYS + 2)]
        days = sorted(rng.sample([d for d in days if prof.opens[d.weekday()] is not None],
                                 EXPORT_DAYS))  # fmt: skip
        for day in days:
            base = midnight(day, tz)
            received = stamps(base + DAY + 5 * 3600)[0]
            opens, closes = prof.opens[day.weekday()] or 0, prof.closes[day.weekday()] or 0
            for e in day_events(rng, CACHED_DAY, base, opens, closes, prof.staff, ids):
                start, iso = stamps(e[1])
                end = None if e[2] is None else stamps(e[2])[0]
                yield (info.id, e[0], dedupe_key(e, iso), start, end, e[3], e[4], e[5], received)


def presence_rows(
    rng: random.Random, infos: list[StoreInfo], profiles: list[Profile], now: datetime
) -> Iterator[tuple]:
    """`daily_presence` rows: PRESENCE_DAYS business days per store up to yesterday, in
    key order. First presence a few minutes after the true opening, last a little after
    the true closing; closed weekdays and about one day in a hundred are closed samples."""
    computed = stamps(int(now.timestamp()))[0]
    sources = "door_count,transaction,wifi_session"
    gauss, rand = rng.gauss, rng.random
    for info, prof in zip(infos, profiles, strict=True):
        tz = info.city.timezone
        yesterday = business_today(now, tz) - timedelta(days=1)
        for n in range(PRESENCE_DAYS - 1, -1, -1):
            day = yesterday - timedelta(days=n)
            opens, closes = prof.opens[day.weekday()], prof.closes[day.weekday()]
            if opens is None or closes is None or rand() < 0.01:
                closed = (1, None, None, None, None, "door_count,wifi_session", 30)
                yield (info.id, day.isoformat(), *closed, computed)
                continue
            first = max(CUTOFF, opens + round(gauss(6, 8)))
            last = max(first + 60, closes + round(gauss(12, 15)))
            base = midnight(day, tz)
            first_at, last_at = stamps(base + first * 60)[0], stamps(base + last * 60)[0]
            count = 40 + int(rand() * 30)
            yield (info.id, day.isoformat(), 0, first, last, first_at, last_at, sources, count,
                   computed)  # fmt: skip
