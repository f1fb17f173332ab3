"""Evidence of customer presence simulated from known true hours, with real-world noise.

Used by the accuracy tests (learn hours from this evidence, compare with the truth) and by
the demo; fieldops/demo/truths.py holds the varied stores the tests simulate. Plain
Python, no Flask: give a store's truth (`StoreTruth`), a range of business days and a
seed, get back what the store's integrations, its manager and visiting engineers would
have sent (`Evidence`), in the exact payload formats of the API:

- `signals`: rows for POST /api/stores/<id>/signals (Wi-Fi sessions, door-counter bins,
  transactions), times ISO 8601 with the store's local offset of that instant;
- `closeouts`: close-out rows for the same endpoint (local "HH:MM"; 00:20 = after midnight);
- `observations`: bodies for POST /api/observations (category "hours").

The noise: staff devices on the guest Wi-Fi all day, passers-by connecting for a few
minutes at any hour, Wi-Fi session ends lagging the real leave (controller idle timeouts),
the last customer leaving within minutes either side of the true close, about one day in
ten without an export from each source, close-outs on about half the days, holidays.

A business day runs from 04:00 local to 04:00 the next morning; times inside it are kept
as wall-clock minutes from the local midnight that starts it (00:30 next day = 1470) and
turned into instants with zoneinfo, so every row is right across daylight-saving changes.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fieldops.clock import MINUTES_A_DAY, minute_of_day, wall_clock, zone

Hours = tuple[time, time]  # opens, closes; a close at or before the open is after midnight
Row = dict[str, Any]

WIFI, DOOR, TRANSACTION, CLOSEOUT, OBSERVATION = (
    "wifi_session",
    "door_count",
    "transaction",
    "closeout",
    "observation",
)
ALL_SOURCES = frozenset({WIFI, DOOR, TRANSACTION, CLOSEOUT, OBSERVATION})
EXPORTED_SOURCES = (WIFI, DOOR, TRANSACTION)  # pushed daily by integrations; may be missing
CUTOFF_MINUTE = 4 * 60  # a business day runs from 04:00 to 04:00 the next morning


@dataclass(frozen=True)
class StoreTruth:
    """What really happens at a store: when customers are in it, per weekday.

    `hours` maps weekday (Monday = 0) to the true customer hours; a missing weekday or None
    is a closed day. `posted` is what the store posts, which may differ (that is the point).
    On `holidays` nobody comes (the store should carry a matching dated exception).
    `evidence_days`: only the last N days of a simulated range have any evidence.
    """

    key: str
    timezone: str
    hours: Mapping[int, Hours | None]
    posted: Mapping[int, Hours | None] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()
    sources: frozenset[str] = ALL_SOURCES
    evidence_days: int | None = None

    def hours_on(self, day: date) -> Hours | None:
        """True customer hours of business day `day`, or None when nobody comes."""
        if day in self.holidays:
            return None
        return self.hours.get(day.weekday())


@dataclass(frozen=True)
class Noise:
    """How messy the evidence is. The defaults are the real world as the tests assume it."""

    missing_export_share: float = 0.1  # per source and day: the export never arrived
    closeout_share: float = 0.5  # days on which the manager sends a close-out
    closeout_first_share: float = 0.3  # close-outs that also give the first customer
    observation_share: float = 0.04  # open days with an engineer's hours observation
    customers_per_hour: tuple[float, float] = (2.0, 4.0)
    dwell_minutes: tuple[float, float] = (10, 90)
    first_arrival_minutes: tuple[float, float] = (0, 10)  # after the true opening
    last_leave_minutes: tuple[float, float] = (-10, 10)  # around the true close
    wifi_share: float = 0.35  # customers whose phone joins the guest Wi-Fi
    wifi_end_lag_minutes: tuple[float, float] = (0, 5)  # controller idle timeout
    transaction_share: float = 0.3  # customers who pay or sign something
    last_customer_transaction_share: float = 0.5  # the last one is often closing a deal
    staff_devices: tuple[int, int] = (3, 8)
    staff_before_open_minutes: tuple[float, float] = (20, 60)
    staff_after_close_minutes: tuple[float, float] = (10, 45)
    staff_sessions: tuple[int, int] = (1, 3)  # split by lunch and breaks
    passers_by: tuple[int, int] = (3, 12)  # a day, from 06:00 to 23:30, open or not
    passer_by_minutes: tuple[float, float] = (1, 4)
    door_interval_minutes: int = 15  # bins cover the whole business day


NOISE = Noise()


@dataclass(frozen=True)
class Visit:
    """One customer (or party) in the store, wall-clock minutes of the business day."""

    arrive: float
    leave: float
    party: int = 1


@dataclass
class Evidence:
    """What one store sent over a range of days, and what really happened on each."""

    signals: list[Row] = field(default_factory=list)
    closeouts: list[Row] = field(default_factory=list)
    observations: list[Row] = field(default_factory=list)
    # business day -> (first arrival, last leave) as local wall minutes; None when closed
    truth: dict[date, tuple[float, float] | None] = field(default_factory=dict)

    @property
    def rows(self) -> list[Row]:
        """Everything POST /api/stores/<id>/signals takes: signals then close-outs."""
        return self.signals + self.closeouts


# --- time helpers -------------------------------------------------------------------


def window(hours: Hours) -> tuple[int, int]:
    """(opens, closes) as wall minutes of the business day; a close after midnight > 1440."""
    opens, closes = minute_of_day(hours[0]), minute_of_day(hours[1])
    return opens, closes + MINUTES_A_DAY if closes <= opens else closes


class DayClock:
    """Wall-clock minutes of one business day as instants and ISO 8601 strings.

    Minute 600 is 10:00 on the business date, 1470 is 00:30 the next morning. On a day
    whose UTC offset holds from cutoff to cutoff the offset is applied directly (fast, the
    demo makes half a million rows); on a daylight-saving day zoneinfo does the work.
    """

    def __init__(self, day: date, tz: ZoneInfo) -> None:
        self.day, self.tz = day, tz
        self.midnight = datetime.combine(day, time())
        self.start = self.at(CUTOFF_MINUTE).astimezone(UTC)  # the business day, in UTC
        self.end = self.at(MINUTES_A_DAY + CUTOFF_MINUTE).astimezone(UTC)
        start_offset, end_offset = self.start.astimezone(tz), self.end.astimezone(tz)
        steady = start_offset.utcoffset() == end_offset.utcoffset()
        self.offset = start_offset.isoformat()[-6:] if steady else None  # "-06:00"

    def at(self, minute: float) -> datetime:
        """The instant of `minute`, an aware datetime in the store's zone."""
        wall = self.midnight + timedelta(seconds=round(minute * 60))
        return wall.replace(tzinfo=self.tz).astimezone(UTC).astimezone(self.tz)

    def iso(self, minute: float) -> str:
        """`minute` as ISO 8601 with the local offset of that instant."""
        if self.offset is None:
            return self.at(minute).isoformat(timespec="seconds")
        wall = self.midnight + timedelta(seconds=round(minute * 60))
        return wall.isoformat(timespec="seconds") + self.offset

    def elapsed(self, minute: float) -> float:
        """Real minutes from the start of the business day to `minute` (23 h on spring-forward)."""
        if self.offset is not None:
            return minute - CUTOFF_MINUTE
        return (self.at(minute) - self.start).total_seconds() / 60


# --- one day ------------------------------------------------------------------------


def customer_visits(opens: int, closes: int, rng: random.Random, noise: Noise) -> list[Visit]:
    """Customers from the opening to the close; the first and last ones pinned near them."""
    first = opens + rng.uniform(*noise.first_arrival_minutes)
    last = closes + rng.uniform(*noise.last_leave_minutes)
    low, high = noise.dwell_minutes
    visits = [
        Visit(first, min(first + rng.uniform(low, high), last), rng.randint(1, 3)),
        Visit(max(first, last - rng.uniform(low, high)), last, rng.randint(1, 3)),
    ]
    count = round((last - first) / 60 * rng.uniform(*noise.customers_per_hour))
    for _ in range(max(count - 2, 0)):
        arrive = rng.uniform(first, last - low)
        leave = min(arrive + rng.uniform(low, high), last - rng.uniform(0, 5))
        visits.append(Visit(arrive, max(leave, arrive + low / 2), rng.randint(1, 3)))
    return sorted(visits, key=lambda v: v.arrive)


def wifi_sessions(
    clock: DayClock,
    visits: list[Visit],
    staff: list[str],
    open_window: tuple[int, int] | None,
    rng: random.Random,
    noise: Noise,
) -> list[Row]:
    """Guest Wi-Fi: some customers' phones, every staff device, passers-by."""
    spans: list[tuple[str, float, float]] = []
    for v in visits:
        if rng.random() < noise.wifi_share:
            start = v.arrive + rng.uniform(0, 2)
            spans.append(
                (device_id(rng), start, v.leave + rng.uniform(*noise.wifi_end_lag_minutes))
            )
    if open_window is not None:
        for device in staff:
            spans += [(device, a, b) for a, b in staff_day(*open_window, rng, noise)]
    for _ in range(rng.randint(*noise.passers_by)):
        start = rng.uniform(6 * 60, 23.5 * 60)
        spans.append((device_id(rng), start, start + rng.uniform(*noise.passer_by_minutes)))
    return [
        {
            "source": WIFI,
            "device": d,
            "start": clock.iso(a),
            "end": clock.iso(b),
        }
        for d, a, b in sorted(spans, key=lambda s: s[1])
    ]


def staff_day(
    opens: int, closes: int, rng: random.Random, noise: Noise
) -> list[tuple[float, float]]:
    """One staff device's sessions: from before the opening to after the close, with breaks."""
    start = opens - rng.uniform(*noise.staff_before_open_minutes)
    end = closes + rng.uniform(*noise.staff_after_close_minutes)
    cuts = sorted(
        rng.uniform(start + 120, end - 120) for _ in range(rng.randint(*noise.staff_sessions) - 1)
    )
    sessions, at = [], start
    for cut in cuts:
        if cut - at < 60:  # breaks are at least an hour apart
            continue
        sessions.append((at, cut))
        at = cut + rng.uniform(15, 45)
    return [*sessions, (at, end)]


def door_bins(clock: DayClock, visits: list[Visit], interval: int) -> list[Row]:
    """Door-counter bins over the whole business day (zeros too), in real elapsed time."""
    count = int((clock.end - clock.start) / timedelta(minutes=interval))  # 23, 24 or 25 h
    entries, exits = [0] * count, [0] * count
    for v in visits:
        entries[min(int(clock.elapsed(v.arrive) // interval), count - 1)] += v.party
        exits[min(int(clock.elapsed(v.leave) // interval), count - 1)] += v.party
    if clock.offset is not None:
        starts = [clock.iso(CUTOFF_MINUTE + i * interval) for i in range(count)]
    else:
        step = timedelta(minutes=interval)
        starts = [
            (clock.start + i * step).astimezone(clock.tz).isoformat(timespec="seconds")
            for i in range(count)
        ]
    return [
        {
            "source": DOOR,
            "start": starts[i],
            "interval_minutes": interval,
            "entries": entries[i],
            "exits": exits[i],
        }
        for i in range(count)
    ]


def transactions(
    clock: DayClock, visits: list[Visit], rng: random.Random, noise: Noise
) -> list[Row]:
    """Sales and sign-offs at some point of a customer's visit, with the source's own id."""
    times = []
    last_leave = max((v.leave for v in visits), default=None)
    for v in visits:
        if v.leave == last_leave:
            if rng.random() < noise.last_customer_transaction_share:
                times.append(v.leave - rng.uniform(0, min(10, v.leave - v.arrive)))
        elif rng.random() < noise.transaction_share:
            times.append(rng.uniform(v.arrive, v.leave))
    return [
        {"source": TRANSACTION, "at": clock.iso(t), "id": f"T{clock.day:%Y%m%d}-{n:03d}"}
        for n, t in enumerate(sorted(times), 1)
    ]


def closeout(day: date, visits: list[Visit], rng: random.Random, noise: Noise) -> Row:
    """The manager's close-out: the real last leave give or take 3 minutes, or closed."""
    if not visits:
        return {"source": CLOSEOUT, "date": day.isoformat(), "closed": True}
    row = {
        "source": CLOSEOUT,
        "date": day.isoformat(),
        "last_customer_at": wall_clock(max(v.leave for v in visits) + rng.uniform(-3, 3)),
    }
    if rng.random() < noise.closeout_first_share:
        row["first_customer_at"] = wall_clock(visits[0].arrive + rng.uniform(-3, 3))
    return row


def observation(
    clock: DayClock, visits: list[Visit], rng: random.Random, store_id: int | None
) -> Row:
    """An engineer's hours observation: customers present at some moment, or, staying to
    the end, when the last one left."""
    last = max(v.leave for v in visits)
    if rng.random() < 0.3:
        at = last + rng.uniform(2, 15)
        fields = {"customers_present": 0, "last_customer_at": wall_clock(last + rng.uniform(-2, 2))}
    else:
        at = rng.choice(visits).arrive + 1
        fields = {"customers_present": sum(v.party for v in visits if v.arrive <= at < v.leave)}
    return {
        "store_id": store_id,
        "category": "hours",
        "fields": fields,
        "observed_at": clock.iso(at),
    }


def device_id(rng: random.Random) -> str:
    """An opaque (hashed) device id, as Wi-Fi controllers export them."""
    return f"{rng.getrandbits(64):016x}"


# --- a store over a range of days ---------------------------------------------------


def simulate(
    truth: StoreTruth,
    first_day: date,
    last_day: date,
    seed: int | str,
    noise: Noise = NOISE,
    store_id: int | None = None,
) -> Evidence:
    """The evidence `truth`'s store sends for business days `first_day`..`last_day`.

    Deterministic for a seed; each store draws from its own stream (seed and key), so
    adding a store does not change the others' evidence.
    """
    rng = random.Random(f"{seed}:{truth.key}")
    tz = zone(truth.timezone)
    staff = [device_id(rng) for _ in range(rng.randint(*noise.staff_devices))]
    if truth.evidence_days is not None:
        first_day = max(first_day, last_day - timedelta(days=truth.evidence_days - 1))
    evidence = Evidence()
    day = first_day
    while day <= last_day:
        add_day(evidence, truth, day, tz, staff, rng, noise, store_id)
        day += timedelta(days=1)
    return evidence


def add_day(
    evidence: Evidence,
    truth: StoreTruth,
    day: date,
    tz: ZoneInfo,
    staff: list[str],
    rng: random.Random,
    noise: Noise,
    store_id: int | None,
) -> None:
    """Append one business day's evidence from every source the store has."""
    hours = truth.hours_on(day)
    win = window(hours) if hours else None
    visits = customer_visits(*win, rng, noise) if win else []
    evidence.truth[day] = (visits[0].arrive, max(v.leave for v in visits)) if visits else None
    clock = DayClock(day, tz)
    exported = {s for s in EXPORTED_SOURCES if rng.random() >= noise.missing_export_share}
    sources = truth.sources
    if WIFI in sources and WIFI in exported:
        evidence.signals += wifi_sessions(clock, visits, staff, win, rng, noise)
    if DOOR in sources and DOOR in exported:
        evidence.signals += door_bins(clock, visits, noise.door_interval_minutes)
    if TRANSACTION in sources and TRANSACTION in exported:
        evidence.signals += transactions(clock, visits, rng, noise)
    if CLOSEOUT in sources and rng.random() < noise.closeout_share:
        evidence.closeouts.append(closeout(day, visits, rng, noise))
    if OBSERVATION in sources and visits and rng.random() < noise.observation_share:
        evidence.observations.append(observation(clock, visits, rng, store_id))
