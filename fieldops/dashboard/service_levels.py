"""Service levels on the CIO dashboard: attainment over the last 4 weeks (by severity and
region, with the same targets counted on posted hours beside it) and the open issues
nearest to a breach.

A target counts in the weeks it was decided: a met target at its `met_at`, a breached one
at its due time (the moment its minutes ran out, met late or not at all). Running and
paused targets are not decided yet. The posted-hours verdict of the same target comes
from the same history counted on the store's posted hours by the clock of fieldops.sla
(`issues.sla_view`, as on the issue page); an issue whose policy counts every hour or
posted hours already has it as its own verdict.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from fieldops.extensions import db
from fieldops.issues import OPEN_STATUSES, Issue, IssueEvent, Severity, sla_payload, sla_views
from fieldops.stores import Store

ATTAINMENT_DAYS = 28
NEAREST_SHOWN = 8
TARGETS = ("response", "resolve")
NO_REGION = "No region"


@dataclass
class Tally:
    """Decided targets: met and breached on the issue's clock, and how the same targets
    read on posted hours (`saved`: breached, yet met on posted hours; `lost`: met, yet
    breached on posted hours)."""

    met: int = 0
    breached: int = 0
    saved: int = 0
    lost: int = 0

    @property
    def decided(self) -> int:
        return self.met + self.breached

    @property
    def percent(self) -> float | None:
        return round(100 * self.met / self.decided, 1) if self.decided else None

    @property
    def posted_met(self) -> int:
        return self.met - self.lost + self.saved

    @property
    def posted_percent(self) -> float | None:
        return round(100 * self.posted_met / self.decided, 1) if self.decided else None


@dataclass
class Attainment:
    since: datetime
    total: Tally = field(default_factory=Tally)
    by_severity: dict[str, Tally] = field(default_factory=dict)
    by_region: dict[str, Tally] = field(default_factory=dict)


@dataclass(frozen=True)
class NearBreach:
    """A running target of an open issue, with what the `sla` block says of it."""

    issue: Issue
    target: str
    due_at: datetime
    remaining_minutes: int


def _decided_at(block: dict[str, Any]) -> datetime | None:
    if block["state"] == "met":
        return block["met_at"]
    if block["state"] == "breached":
        return block["due_at"]
    return None


def _issues(region: str | None, since: datetime | None = None) -> list[Issue]:
    """Open issues, and those resolved or closed since `since` (an issue resolved before
    had every target decided before), with the history their clocks read."""
    wanted = Issue.status.in_(OPEN_STATUSES)
    if since is not None:
        wanted = sa.or_(wanted, Issue.resolved_at >= since)
    history = selectinload(Issue.events).joinedload(IssueEvent.actor)
    stmt = sa.select(Issue).options(joinedload(Issue.store), history).where(wanted)
    stmt = stmt.order_by(Issue.id)
    if region:
        stmt = stmt.where(Issue.store_id.in_(sa.select(Store.id).where(Store.region == region)))
    return list(db.session.scalars(stmt))


def attainment(region: str | None, now: datetime) -> Attainment:
    """Targets decided in the last ATTAINMENT_DAYS days, met or breached, overall, by
    severity (most urgent first) and by region (by name)."""
    since = now - timedelta(days=ATTAINMENT_DAYS)
    result = Attainment(since, by_severity={s.value: Tally() for s in reversed(Severity)})
    regions: dict[str, Tally] = defaultdict(Tally)
    issues = _issues(region, since)
    for issue, view in zip(issues, sla_views(issues, now), strict=True):
        posted = view.posted or view.sla
        for target in TARGETS:
            block = view.sla[target]
            decided = _decided_at(block)
            if decided is None or decided < since:
                continue
            met = block["state"] == "met"
            on_posted = posted[target]["state"]
            tallies = (
                result.total,
                result.by_severity[issue.severity.value],
                regions[issue.store.region or NO_REGION],
            )
            for tally in tallies:
                if met:
                    tally.met += 1
                    tally.lost += on_posted == "breached"
                else:
                    tally.breached += 1
                    tally.saved += on_posted == "met"
    result.by_region = dict(sorted(regions.items()))
    return result


def nearest_to_breach(
    region: str | None, now: datetime, limit: int = NEAREST_SHOWN
) -> list[NearBreach]:
    """The running targets of open issues that fall due soonest (not yet breached, not
    paused), one line per issue: its nearest target."""
    nearest = []
    for issue in _issues(region):
        block = sla_payload(issue, now)
        running = [
            NearBreach(issue, t, block[t]["due_at"], block[t]["remaining_minutes"])
            for t in TARGETS
            if block[t]["state"] == "running" and block[t]["due_at"] is not None
        ]
        if running:
            nearest.append(min(running, key=lambda n: n.due_at))
    nearest.sort(key=lambda n: (n.due_at, n.issue.id))
    return nearest[:limit]
