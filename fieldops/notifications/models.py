"""Notifications: what a person is told, the issues they follow, and how they want to hear."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fieldops.clock import utcnow
from fieldops.extensions import db


class NotificationKind(StrEnum):
    ASSIGNED = "assigned"  # an issue was assigned to you
    ISSUE_COMMENT = "issue_comment"  # a comment on an issue you follow
    ISSUE_STATUS = "issue_status"  # a status change of an issue you follow
    VISIT_PLANNED = "visit_planned"  # a visit planned for you (the engineer)
    VISIT_CHANGED = "visit_changed"  # your visit rescheduled, reassigned or cancelled
    VISIT_MISSED = "visit_missed"  # a planned visit nobody checked in to (the admins)
    SLA_WARNING = "sla_warning"  # 75 % of a service-level target spent
    SLA_BREACH = "sla_breach"  # a service-level target missed


class Channel(StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"
    PUSH = "push"


class Notification(db.Model):
    """One thing told to one person. `shown` is false when the person turned the in-app
    channel off for its kind: the row still exists for the push channel, but the inbox and
    the bell leave it out."""

    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_recipient_read", "recipient_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    link: Mapped[str] = mapped_column(sa.String(500))
    issue_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("issues.id", ondelete="CASCADE"), index=True
    )
    visit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("visits.id", ondelete="CASCADE"), index=True
    )
    critical: Mapped[bool] = mapped_column(default=False)
    shown: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]


class IssueFollower(db.Model):
    """A person told of an issue's comments and status changes."""

    __tablename__ = "issue_followers"

    issue_id: Mapped[int] = mapped_column(
        sa.ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationPreference(db.Model):
    """A person's choice for one channel and kind; without a row the channel is on."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    enabled: Mapped[bool]


class NotificationSettings(db.Model):
    """Settings of a person that are not per kind: quiet hours for push outside their own
    support shifts (critical ones still come)."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    quiet_outside_shifts: Mapped[bool] = mapped_column(default=False)
