"""Escalating open issues whose service levels call for it (the `sla_escalation` job):
a warning at 75 % of a target, a notice at its breach (the rules: fieldops.sla.escalation).

Each escalation is sent once per issue, target, kind and due time: a row of
`sla_escalations` (unique on that key) records it in the run's transaction, with a line of
the issue's history, and `sla_escalated` is sent. A repeated run, or a new scheduler after
a restart, finds the row and sends nothing; a due time moved later (a pause) is a new key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from fieldops.database import chunks
from fieldops.extensions import db
from fieldops.issues.models import Issue, IssueEvent
from fieldops.issues.service_levels import derive_issue, open_issues_of
from fieldops.sla import (
    WARNING,
    Escalation,
    SlaEscalation,
    Verdict,
    escalations_due,
    recipients,
    sla_escalated,
)

Key = tuple[int, str, str, datetime]


def _sent(issue_ids: list[int]) -> set[Key]:
    """The keys of the escalations already sent about these issues."""
    keys: set[Key] = set()
    for part in chunks(issue_ids):
        rows = db.session.execute(
            sa.select(
                SlaEscalation.issue_id,
                SlaEscalation.target,
                SlaEscalation.kind,
                SlaEscalation.due_at,
            ).where(SlaEscalation.issue_id.in_(part))
        )
        keys.update((i, t, k, d) for i, t, k, d in rows)
    return keys


def _send(issue: Issue, escalation: Escalation, now: datetime) -> None:
    """Record one escalation (its row and a line of history) and send the signal."""
    users = recipients(escalation.kind, issue.store, issue.assignee, now)
    ids = [user.id for user in users]
    db.session.add(
        SlaEscalation(
            issue_id=issue.id,
            target=escalation.target,
            kind=escalation.kind,
            due_at=escalation.due_at,
            sent_at=now,
            recipient_ids=ids,
        )
    )
    issue.events.append(
        IssueEvent(
            at=now,
            field=escalation.kind,
            old_value=escalation.target,
            new_value=(", ".join(user.name for user in users) or "nobody")[:200],
            detail={"due_at": escalation.due_at.isoformat(), "recipient_ids": ids},
        )
    )
    db.session.flush()
    sla_escalated.send(
        issue,
        issue_id=issue.id,
        kind=escalation.kind,
        target=escalation.target,
        due_at=escalation.due_at,
        user_ids=ids,
        now=now,
    )


def escalate(now: datetime) -> dict[str, Any]:
    """Send the escalations the open issues call for at `now` and not sent yet; the figures
    of what was sent (empty when nothing was: an idle run)."""
    issues = open_issues_of()
    sent = _sent([issue.id for issue in issues])
    warnings = breaches = 0
    for issue in issues:
        verdict = Verdict.from_json(issue.sla) if issue.sla else derive_issue(issue, now)
        for escalation in escalations_due(verdict, now):
            key = (issue.id, escalation.target, escalation.kind, escalation.due_at)
            if key in sent:
                continue
            _send(issue, escalation, now)
            sent.add(key)
            if escalation.kind == WARNING:
                warnings += 1
            else:
                breaches += 1
    if not warnings and not breaches:
        return {}
    return {"warnings": warnings, "breaches": breaches}
