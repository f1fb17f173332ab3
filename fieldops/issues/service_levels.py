"""An issue's service levels: its history read as the clock's steps, and the cache of its
due times (Issue.sla, response_due_at, resolve_due_at) derived again after every event.

Response is the first of: an admin or engineer moves the status off `open`, an assignee
is set, or an admin or engineer other than the reporter comments. Waiting on the store
pauses; resolved or closed resolves, and reopening resumes. A change of the store's hours,
of the policy or of the severity writes an `sla_checkpoint` event that keeps the minutes
already elapsed (fieldops.sla.timeline).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from fieldops.auth import Role
from fieldops.extensions import db
from fieldops.issues.models import Issue, IssueEvent, IssueStatus
from fieldops.sla import (
    Checkpoint,
    Clock,
    ClockHours,
    Rules,
    Step,
    Verdict,
    clock_book,
    derive,
    reading,
    rules_for,
    store_clock_hours,
)

RESPONDERS = frozenset({Role.ADMIN, Role.ENGINEER})
RESOLVED = frozenset({IssueStatus.RESOLVED, IssueStatus.CLOSED})
CHECKPOINT = "sla_checkpoint"


def counted_at(event: IssueEvent, reported_at: datetime) -> datetime:
    """When an event counts: an offline change at the phone's time, no earlier than the
    report and no later than its receipt."""
    phone = (event.detail or {}).get("counted_at")
    if phone is None:
        return event.at
    return min(max(datetime.fromisoformat(phone), reported_at), event.at)


def _responds(issue: Issue, event: IssueEvent) -> bool:
    actor = event.actor
    if actor is None or actor.role not in RESPONDERS:
        return event.field == "assignee" and event.new_value is not None
    if event.field == "status":
        return event.old_value == IssueStatus.OPEN and event.new_value != IssueStatus.OPEN
    if event.field == "assignee":
        return event.new_value is not None
    return event.field == "comment" and actor.id != issue.reporter_id


def history(issue: Issue) -> tuple[Rules, list[Step]]:
    """The rules the issue was filed under and its history as the clock's steps."""
    rules: Rules | None = None
    steps = []
    for event in issue.events:
        at = counted_at(event, issue.reported_at)
        if event.field == "created" and event.detail and "rules" in event.detail:
            rules = Rules.from_json(event.detail["rules"])
        elif event.field == CHECKPOINT and event.detail:
            steps.append(Step(at, checkpoint=Checkpoint.from_json(event.detail)))
        elif event.field == "status" and event.new_value:
            status = IssueStatus(event.new_value)
            steps.append(
                Step(
                    at,
                    paused=status == IssueStatus.WAITING_ON_STORE,
                    resolved=status in RESOLVED,
                    responded=_responds(issue, event),
                )
            )
        elif _responds(issue, event):
            steps.append(Step(at, responded=True))
    return rules or rules_for(issue.severity.value), steps


def hours_of(issue: Issue) -> dict[Clock, ClockHours]:
    return store_clock_hours(issue.store, issue.reported_at)


def derive_issue(
    issue: Issue,
    now: datetime,
    hours: dict[Clock, ClockHours] | None = None,
    *,
    clock: Clock | None = None,
) -> Verdict:
    """The issue's service levels from scratch, from its history and today's hours (with
    `clock`, the whole history counted on that clock instead: what it would have said)."""
    hours = hours or hours_of(issue)
    rules, steps = history(issue)
    if clock is None:
        return derive(issue.reported_at, rules, steps, hours.__getitem__, now)
    return derive(
        issue.reported_at,
        _on(rules, clock),
        [
            Step(
                s.at,
                s.paused,
                s.resolved,
                s.responded,
                s.checkpoint and Checkpoint(_on(s.checkpoint.rules, clock), 0, 0),
            )
            for s in steps
        ],
        hours.__getitem__,
        now,
        keep_checkpoints=False,
    )


def _on(rules: Rules, clock: Clock) -> Rules:
    return Rules(rules.policy, clock, rules.response_minutes, rules.resolve_minutes)


def _store(issue: Issue, verdict: Verdict, hours: dict[Clock, ClockHours]) -> None:
    """Write the cache beside the ORM: it is not a change of the issue (no new version, no
    new updated_at, so a comment leaves a reader's version current)."""
    cache = verdict.as_json()
    cache["rules_hours"] = hours[verdict.rules.clock].snapshot()
    values = {
        "sla": cache,
        "response_due_at": verdict.response.due_at,
        "resolve_due_at": verdict.resolve.due_at,
    }
    db.session.flush()
    db.session.execute(
        sa.update(Issue)
        .where(Issue.id == issue.id)
        .values(**values, updated_at=Issue.updated_at)
        .execution_options(synchronize_session=False)
    )
    for name, value in values.items():
        set_committed_value(issue, name, value)


def checkpoint(
    issue: Issue, rules: Rules, now: datetime, reason: str, actor_id: int | None = None
) -> None:
    """Keep what has elapsed until `now` and count by `rules` from then on."""
    elapsed = derive_issue(issue, now).checkpoint(rules)
    detail = {**elapsed.as_json(), "reason": reason}
    issue.events.append(
        IssueEvent(
            actor_id=actor_id,
            at=now,
            field=CHECKPOINT,
            old_value=reason,
            new_value=(
                f"{rules.policy}: {rules.response_minutes}/{rules.resolve_minutes} min on "
                f"{rules.clock.value}; elapsed {elapsed.response_elapsed // 60}/"
                f"{elapsed.resolve_elapsed // 60} min"
            ),
            detail=detail,
        )
    )


def refresh(issue: Issue, now: datetime) -> Verdict:
    """Derive the issue's service levels again and cache them. When the store's hours for
    its clock changed since the cache was made, a checkpoint first keeps the minutes that
    elapsed under the old hours (counted with the hours the cache kept)."""
    hours = hours_of(issue)
    cached = issue.sla
    if cached is not None:
        rules = Rules.from_json(cached["rules"])
        if cached.get("rules_hours") != hours[rules.clock].snapshot():
            before = Verdict.from_json(cached).later(now)
            elapsed = before.checkpoint(rules)
            issue.events.append(
                IssueEvent(
                    at=now,
                    field=CHECKPOINT,
                    old_value="hours",
                    new_value=(
                        f"the store's hours changed; elapsed {elapsed.response_elapsed // 60}/"
                        f"{elapsed.resolve_elapsed // 60} min"
                    ),
                    detail={**elapsed.as_json(), "reason": "hours"},
                )
            )
    verdict = derive_issue(issue, now, hours)
    _store(issue, verdict, hours)
    db.session.flush()
    return verdict


def sla_payload(issue: Issue, now: datetime) -> dict[str, Any]:
    """The `sla` block of the issue's payload at `now`, from the cache (derived when there
    is none, as for issues from before the clock)."""
    verdict = Verdict.from_json(issue.sla) if issue.sla else derive_issue(issue, now)
    return reading(verdict, now)


@dataclass(frozen=True)
class SlaView:
    """What the issue page shows: the `sla` block, what the posted-hours clock would have
    said (only when the issue counts real customer hours), and whether the clock fell back
    to every hour for want of customer hours in the next 14 days."""

    sla: dict[str, Any]
    posted: dict[str, Any] | None
    fallback: bool


def sla_view(issue: Issue, now: datetime, hours: dict[Clock, ClockHours] | None = None) -> SlaView:
    """`hours`: the issue's clock hours when already read (`sla_views`)."""
    verdict = Verdict.from_json(issue.sla) if issue.sla else derive_issue(issue, now, hours)
    posted = None
    if verdict.clock == Clock.CUSTOMER_HOURS:
        posted = reading(derive_issue(issue, now, hours, clock=Clock.POSTED_HOURS), now)
    return SlaView(reading(verdict, now), posted, verdict.fallback)


def sla_views(issues: list[Issue], now: datetime) -> list[SlaView]:
    """`sla_view` of each issue, their stores' hours read at once rather than per issue."""
    book = clock_book([(issue.store, issue.reported_at) for issue in issues])
    return [
        sla_view(issue, now, store_clock_hours(issue.store, issue.reported_at, book))
        for issue in issues
    ]


def open_issues_of(
    *, store_ids: Collection[int] | None = None, severity: str | None = None
) -> list[Issue]:
    """Issues not resolved nor closed, of these stores or this severity."""
    stmt = sa.select(Issue).where(Issue.status.not_in(RESOLVED))
    if store_ids is not None:
        stmt = stmt.where(Issue.store_id.in_(store_ids))
    if severity is not None:
        stmt = stmt.where(Issue.severity == severity)
    return list(db.session.scalars(stmt.order_by(Issue.id)))


def cache_missing(now: datetime) -> int:
    """Derive and cache the service levels of the issues that have none (filed before the
    clock existed, or loaded in bulk like the demo's); how many."""
    issues = list(db.session.scalars(sa.select(Issue).where(Issue.sla.is_(None))))
    for issue in issues:
        refresh(issue, now)
    return len(issues)


def follow_policy(sender: Any = None, *, severity: str, now: datetime, **_: Any) -> None:
    """A severity's policy changed: its open issues count by it from `now` on."""
    rules = rules_for(severity)
    for issue in open_issues_of(severity=severity):
        refresh(issue, now)
        checkpoint(issue, rules, now, "policy")
        refresh(issue, now)


def follow_hours(
    sender: Any = None, *, store_ids: Collection[int], now: datetime, **_: Any
) -> None:
    """Hours of these stores may have changed (learned again, posted hours or exceptions
    edited): their open issues checkpoint what elapsed and follow the new hours."""
    for issue in open_issues_of(store_ids=list(store_ids)):
        refresh(issue, now)
