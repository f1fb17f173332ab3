"""Service-level policies (reading, changing) and a store's clock hours from the database."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from blinker import Signal

from fieldops.audit import record
from fieldops.auth import User
from fieldops.clock import local_date
from fieldops.core.errors import NotFound
from fieldops.coverage import HoursBook
from fieldops.extensions import db
from fieldops.sla.hours import ClockHours
from fieldops.sla.models import Clock, SlaPolicy
from fieldops.sla.timeline import Rules
from fieldops.stores import Store

# The documented defaults (docs/sla.md), also seeded by migration 0011: a severity whose
# row is missing counts by these.
DEFAULTS: dict[str, tuple[int, int, Clock]] = {
    "critical": (30, 240, Clock.ALWAYS),
    "high": (60, 480, Clock.CUSTOMER_HOURS),
    "medium": (240, 1440, Clock.CUSTOMER_HOURS),
    "low": (1440, 4800, Clock.CUSTOMER_HOURS),
}
# Most urgent first, as the policies are listed.
SEVERITIES = tuple(DEFAULTS)
# Exceptions are read this far ahead of the clock's start (a due time looks no further).
HOURS_AHEAD = timedelta(days=400)

# A severity's policy changed (`severity`, `now`): its open issues' due times follow.
policy_changed = Signal("sla-policy-changed")


def _policy(severity: str) -> SlaPolicy:
    if severity not in DEFAULTS:
        raise NotFound(f"No service-level policy for severity {severity!r}.")
    row = db.session.get(SlaPolicy, severity)
    if row is None:
        response, resolve, clock = DEFAULTS[severity]
        row = SlaPolicy(
            severity=severity, response_minutes=response, resolve_minutes=resolve, clock=clock
        )
    return row


def policies() -> list[SlaPolicy]:
    """Every severity's policy, most urgent first."""
    return [_policy(severity) for severity in SEVERITIES]


def get_policy(severity: str) -> SlaPolicy:
    """One severity's policy (404 for an unknown severity)."""
    return _policy(severity)


def rules_for(severity: str) -> Rules:
    """The rules an issue of `severity` is counted by now."""
    policy = _policy(severity)
    return Rules(severity, policy.clock, policy.response_minutes, policy.resolve_minutes)


def update_policy(severity: str, data: dict[str, Any], actor: User, now: datetime) -> SlaPolicy:
    """Change a severity's policy (audited); its open issues follow (`policy_changed`)."""
    policy = _policy(severity)
    before = {
        "response_minutes": policy.response_minutes,
        "resolve_minutes": policy.resolve_minutes,
        "clock": policy.clock,
    }
    for name, value in data.items():
        setattr(policy, name, value)
    after = {
        "response_minutes": policy.response_minutes,
        "resolve_minutes": policy.resolve_minutes,
        "clock": policy.clock,
    }
    changes = {k: {"from": before[k], "to": after[k]} for k in before if before[k] != after[k]}
    if policy not in db.session:
        db.session.add(policy)
    if changes:
        policy.updated_at = now
        record(
            actor,
            "sla_policy.updated",
            "sla_policy",
            None,
            now=now,
            severity=severity,
            changes=changes,
        )
        db.session.flush()
        policy_changed.send(severity=severity, now=now)
    db.session.flush()
    return policy


def clock_hours(
    store: Store, since: date, book: HoursBook | None = None
) -> dict[Clock, ClockHours]:
    """A store's hours for each clock, with its dated exceptions from `since` on: real
    customer hours (learned where learned, posted otherwise) and posted hours, built by
    the same code as support coverage (`coverage.customer_hours`). `book`: hours already
    read for many clocks (`clock_book`)."""
    last = since + HOURS_AHEAD
    hours = (book or HoursBook([store], since, last)).of(store.id, since, last)
    return {
        Clock.CUSTOMER_HOURS: ClockHours(hours.real),
        Clock.POSTED_HOURS: ClockHours(hours.posted),
        Clock.ALWAYS: ClockHours(),
    }


def _first_day(store: Store, since: datetime) -> date:
    """The store's local date of `since`, less a day (a window of the evening before may
    still be open)."""
    return local_date(since, store.timezone) - timedelta(days=1)


def store_clock_hours(
    store: Store, since: datetime, book: HoursBook | None = None
) -> dict[Clock, ClockHours]:
    """`clock_hours` of a clock that starts at `since`."""
    return clock_hours(store, _first_day(store, since), book)


def clock_book(starts: list[tuple[Store, datetime]]) -> HoursBook | None:
    """The hours of every clock that starts at these (store, moment)s, read at once; None
    when there are none."""
    if not starts:
        return None
    days = [_first_day(store, since) for store, since in starts]
    stores = list({store.id: store for store, _ in starts}.values())
    return HoursBook(stores, min(days), max(days) + HOURS_AHEAD)
