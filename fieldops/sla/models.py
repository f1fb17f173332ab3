"""Service-level policies: per issue severity, the minutes to respond and to resolve, and
the clock that counts them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fieldops.clock import utcnow
from fieldops.database import enum_type
from fieldops.extensions import db


class Clock(StrEnum):
    """Which hours count: the store's real customer hours (learned where evidence is enough,
    posted otherwise), its posted hours, or every hour of the week."""

    CUSTOMER_HOURS = "customer_hours"
    POSTED_HOURS = "posted_hours"
    ALWAYS = "always"


class SlaPolicy(db.Model):
    """The policy of one issue severity (the severities are the issues' own; this feature
    sits below issues and keys its rows by the severity's value)."""

    __tablename__ = "sla_policies"

    severity: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    response_minutes: Mapped[int]
    resolve_minutes: Mapped[int]
    clock: Mapped[Clock] = mapped_column(enum_type(Clock))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SlaEscalation(db.Model):
    """An escalation sent: a warning at 75 % of a target, or its breach. One per issue,
    target, kind and due time (the unique key), so a repeated run or a restarted scheduler
    sends none twice, and a due time moved later (a pause) arms both again. The issue is a
    record of the feature above (issues): named by its table, not imported."""

    __tablename__ = "sla_escalations"
    __table_args__ = (sa.UniqueConstraint("issue_id", "target", "kind", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(sa.ForeignKey("issues.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(sa.String(16))  # response, resolve
    kind: Mapped[str] = mapped_column(sa.String(16))  # sla_warning, sla_breach
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipient_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
