"""Writing and reading the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa

from fieldops.audit.models import AuditEvent
from fieldops.extensions import db


class Actor(Protocol):
    """Who did it: a user (the log names no model above it)."""

    id: int


def _plain(value: Any) -> Any:
    """JSON-safe form of a detail value (dates, enums and the like become strings)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def record(
    actor: Actor | None,
    action: str,
    target_type: str,
    target_id: int | None,
    now: datetime,
    **details: Any,
) -> AuditEvent:
    event = AuditEvent(
        at=now,
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=_plain(details),
    )
    db.session.add(event)
    return event


def recent_events(limit: int = 200, action_prefix: str | None = None) -> list[AuditEvent]:
    stmt = sa.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if action_prefix:
        stmt = stmt.where(AuditEvent.action.startswith(action_prefix))
    return list(db.session.scalars(stmt))
