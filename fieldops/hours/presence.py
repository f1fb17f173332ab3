"""Daily presence: when customers were first and last in a store on each local business day.

A business day runs from the cutoff (04:00 local by default) to the cutoff the next
morning, so a customer leaving at 00:20 belongs to the evening before. Each source says
what it can:

- Wi-Fi sessions: a device connected for the whole day (its sessions spanning 6 h or
  more) is staff; a session shorter than 5 minutes is a passer-by; neither counts.
- door-counter bins: a bin with entries (or exits) is presence, dated at its midpoint.
- transactions: presence at their time.
- the manager's close-out: its first/last customer times; `closed` marks a closed day.
- an engineer's `hours` observation: customers present at its time, or the last
  customer's time it reports.

The day's first presence is the earliest of all, its last the latest. A day on which
some source reported but no customer appeared is a closed sample.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import current_app

from fieldops.clock import (
    DayOf,
    business_bounds,
    business_date,
    clock_minute,
    instant_of,
    minute_of,
)
from fieldops.extensions import db
from fieldops.hours.models import Closeout, DailyPresence, HoursStatus, Signal, SignalSource
from fieldops.observations import Observation, ObservationCategory
from fieldops.stores import Store


@dataclass(frozen=True)
class DayRules:
    cutoff: time
    min_session: timedelta
    staff_span: timedelta

    @classmethod
    def from_config(cls) -> DayRules:
        config = current_app.config
        return cls(
            cutoff=config["HOURS_BUSINESS_DAY_CUTOFF"],
            min_session=timedelta(minutes=config["HOURS_WIFI_MIN_SESSION_MINUTES"]),
            staff_span=timedelta(hours=config["HOURS_WIFI_STAFF_SPAN_HOURS"]),
        )


@dataclass
class DayEvidence:
    """Everything known about one business day, gathered from every source."""

    signals: list[Any] = field(default_factory=list)
    closeout: Closeout | None = None
    observations: list[tuple[datetime, dict[str, Any]]] = field(default_factory=list)


@dataclass(frozen=True)
class Presence:
    closed: bool
    first_minute: int | None
    last_minute: int | None
    sources: tuple[str, ...]
    evidence: int


def _wifi_customer_sessions(sessions: list[Any], rules: DayRules) -> list[Any]:
    """Sessions of customers: not staff (a device spanning the day), not passers-by."""
    span: dict[str, list[datetime]] = {}
    for s in sessions:
        first_last = span.setdefault(s.device, [s.start_at, s.end_at])
        first_last[0] = min(first_last[0], s.start_at)
        first_last[1] = max(first_last[1], s.end_at)
    staff = {device for device, (a, b) in span.items() if b - a >= rules.staff_span}
    return [
        s for s in sessions if s.device not in staff and s.end_at - s.start_at >= rules.min_session
    ]


def _bin_midpoint(s: Any) -> datetime:
    return s.start_at + (s.end_at - s.start_at) / 2


def day_presence(
    day: date, evidence: DayEvidence, tz_name: str, rules: DayRules
) -> Presence | None:
    """What the evidence of one business day says: closed, first and last presence, or
    nothing (an observation of an empty store at one moment does not make a closed day)."""
    by_source: dict[str, list[Any]] = defaultdict(list)
    for s in evidence.signals:
        by_source[s.source].append(s)
    instants: list[datetime] = []
    minutes: list[int] = []

    sessions = _wifi_customer_sessions(by_source[SignalSource.WIFI_SESSION], rules)
    instants += [s.start_at for s in sessions] + [s.end_at for s in sessions]
    bins = by_source[SignalSource.DOOR_COUNT]
    entered = [_bin_midpoint(b) for b in bins if b.entries]
    left = [_bin_midpoint(b) for b in bins if b.exits] or entered
    if entered:
        instants += [min(entered), max(left)]
    instants += [t.start_at for t in by_source[SignalSource.TRANSACTION]]

    closeout = evidence.closeout
    if closeout is not None and not closeout.closed:
        for at in (closeout.first_customer_at, closeout.last_customer_at):
            if at is not None:
                minutes.append(clock_minute(at, rules.cutoff))
    for observed_at, fields in evidence.observations:
        if fields.get("customers_present"):
            instants.append(observed_at)
        if fields.get("last_customer_at"):
            hh, mm = (int(x) for x in fields["last_customer_at"].split(":"))
            minutes.append(clock_minute(time(hh, mm), rules.cutoff))

    if instants:  # the earliest and latest instants are the day's first and last presence
        minutes += [minute_of(min(instants), tz_name, day), minute_of(max(instants), tz_name, day)]
    sources = sorted(
        {str(source) for source, rows in by_source.items() if rows}
        | ({SignalSource.CLOSEOUT.value} if closeout is not None else set())
        | ({SignalSource.OBSERVATION.value} if evidence.observations else set())
    )
    count = len(evidence.signals) + (closeout is not None) + len(evidence.observations)
    if not minutes:
        if not evidence.signals and closeout is None:
            return None
        return Presence(True, None, None, tuple(sources), count)
    return Presence(False, min(minutes), max(minutes), tuple(sources), count)


class SignalRow(NamedTuple):
    source: str
    start_at: datetime
    end_at: datetime | None
    device: str | None
    entries: int | None
    exits: int | None


def as_utc(value: datetime | str | None) -> datetime | None:
    """A timestamp read without type processing: SQLite gives naive UTC text, psycopg an
    aware datetime."""
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def read_signals(store_id: int, start: datetime, end: datetime) -> Iterator[SignalRow]:
    """The store's signals starting in [start, end).

    Read as plain values and parsed here: SQLAlchemy's per-value result processing was
    most of the time of a large batch's presence refresh.
    """
    raw = sa.String()
    rows = db.session.execute(
        sa.select(
            sa.type_coerce(Signal.source, raw),
            sa.type_coerce(Signal.start_at, raw),
            sa.type_coerce(Signal.end_at, raw),
            Signal.device,
            Signal.entries,
            Signal.exits,
        ).where(Signal.store_id == store_id, Signal.start_at >= start, Signal.start_at < end)
    )
    for source, start_at, end_at, device, entries, exits in rows:
        yield SignalRow(source, as_utc(start_at), as_utc(end_at), device, entries, exits)


def gather(store: Store, days: list[date], rules: DayRules) -> dict[date, DayEvidence]:
    """Every piece of evidence of `store` for the business days `days`, by day."""
    start = business_bounds(days[0], store.timezone, rules.cutoff)[0]
    end = business_bounds(days[-1], store.timezone, rules.cutoff)[1]
    wanted = set(days)
    day_of = DayOf(store.timezone, rules.cutoff)
    found: dict[date, DayEvidence] = defaultdict(DayEvidence)
    for row in read_signals(store.id, start, end):
        day = day_of(row.start_at)
        if day in wanted:
            found[day].signals.append(row)
    for closeout in db.session.scalars(
        sa.select(Closeout).where(Closeout.store_id == store.id, Closeout.business_date.in_(wanted))
    ):
        found[closeout.business_date].closeout = closeout
    observations = db.session.execute(
        sa.select(Observation.observed_at, Observation.fields).where(
            Observation.store_id == store.id,
            Observation.category == ObservationCategory.HOURS,
            Observation.observed_at >= start,
            Observation.observed_at < end,
        )
    )
    for observed_at, fields in observations:
        day = business_date(observed_at, store.timezone, rules.cutoff)
        if day in wanted:
            found[day].observations.append((observed_at, fields))
    return found


def refresh_presence(store: Store, days: Iterable[date], now: datetime) -> int:
    """Recompute the daily presence of `store` on `days` from its evidence; rows written."""
    wanted = sorted(set(days))
    if not wanted:
        return 0
    rules = DayRules.from_config()
    evidence = gather(store, wanted, rules)
    rows = []
    for day in wanted:
        p = day_presence(day, evidence[day], store.timezone, rules) if day in evidence else None
        if p is None:
            continue
        rows.append(
            {
                "store_id": store.id,
                "business_date": day,
                "closed": p.closed,
                "first_minute": p.first_minute,
                "last_minute": p.last_minute,
                "first_at": None if p.closed else instant_of(day, p.first_minute, store.timezone),
                "last_at": None if p.closed else instant_of(day, p.last_minute, store.timezone),
                "sources": ",".join(p.sources),
                "evidence": p.evidence,
                "computed_at": now,
            }
        )
    db.session.execute(
        sa.delete(DailyPresence).where(
            DailyPresence.store_id == store.id, DailyPresence.business_date.in_(wanted)
        )
    )
    if rows:
        db.session.execute(sa.insert(DailyPresence), rows)
    note_new_evidence(store.id, now)
    return len(rows)


def note_new_evidence(store_id: int, now: datetime) -> None:
    """Mark the store's learned hours as due for a recompute."""
    status = db.session.get(HoursStatus, store_id)
    if status is None:
        db.session.add(HoursStatus(store_id=store_id, evidence_changed_at=now))
    else:
        status.evidence_changed_at = now
    db.session.flush()


def refresh_day(store: Store, day: date, now: datetime) -> int:
    """Recompute `store`'s presence on one business `day` (connected to
    `observations.services.hours_evidence` by the app factory)."""
    return refresh_presence(store, [day], now)
