"""Escalation of service levels: which targets call for a warning or a breach notice, and
who receives it (docs/sla.md). The issues feature finds its open issues, records what was
sent and sends `sla_escalated`; this module holds the rules.

- A warning when a running target has used 75 % of its clock minutes: to the assignee;
  nobody assigned, to the engineers on the support shifts covering the store at that
  moment; nobody on shift, to the admins.
- A breach notice when a target's minutes are used up before it is met: to the admins and
  the CIO.
- Nothing while the issue is paused (waiting on the store), nothing for a met target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from blinker import Signal

from fieldops.auth import Role, User
from fieldops.coverage import on_shift
from fieldops.extensions import db
from fieldops.sla.timeline import Verdict
from fieldops.stores import Store

WARNING = "sla_warning"
BREACH = "sla_breach"
# A warning when this share of a target's clock minutes has elapsed (3/4: 75 %).
WARN_NUMERATOR, WARN_DENOMINATOR = 3, 4

# Sent, with the issue as sender, once an escalation is recorded (inside the job's
# transaction): `issue_id`, `kind` (WARNING or BREACH), `target` ("response" or
# "resolve"), `due_at` (UTC), `user_ids` (the recipients) and `now`. Notifications connect
# to it in create_app.
sla_escalated = Signal("sla-escalated")


@dataclass(frozen=True)
class Escalation:
    """An escalation a verdict calls for: its kind, the target and that target's due time
    (with the issue, the key it is sent once under)."""

    kind: str
    target: str
    due_at: datetime


def escalations_due(verdict: Verdict, now: datetime) -> list[Escalation]:
    """What the service levels of an issue call for at `now` (the verdict is read then):
    the breach of a target past its minutes, else a warning for one past 75 % of them."""
    current = verdict.later(now)
    if current.paused:
        return []
    found = []
    for name, target in current.targets.items():
        if target.met_at is not None or target.due_at is None:
            continue
        if target.elapsed >= target.target:
            found.append(Escalation(BREACH, name, target.due_at))
        elif target.elapsed * WARN_DENOMINATOR >= target.target * WARN_NUMERATOR:
            found.append(Escalation(WARNING, name, target.due_at))
    return found


def _staff(*roles: Role) -> list[User]:
    stmt = sa.select(User).where(User.role.in_(roles), User.active.is_(True))
    return list(db.session.scalars(stmt.order_by(User.name, User.id)))


def recipients(kind: str, store: Store, assignee: User | None, at: datetime) -> list[User]:
    """Who receives an escalation of `kind` sent at `at` about an issue of `store`."""
    if kind == BREACH:
        return _staff(Role.ADMIN, Role.CIO)
    if assignee is not None and assignee.active:
        return [assignee]
    return on_shift(store, at) or _staff(Role.ADMIN)
