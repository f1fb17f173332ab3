"""Issues filed against a store, their comments and their history."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.clock import utcnow
from fieldops.database import enum_type
from fieldops.extensions import db

if TYPE_CHECKING:
    from fieldops.auth import User
    from fieldops.stores import Store


class IssueCategory(StrEnum):
    WIFI = "wifi"
    PAPERWORK = "paperwork"
    HARDWARE = "hardware"
    NETWORK = "network"
    SOFTWARE = "software"
    OTHER = "other"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class IssueStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    # Waiting on the store (an answer, access, a part): the service-level clocks pause.
    WAITING_ON_STORE = "waiting_on_store"


class Issue(db.Model):
    __tablename__ = "issues"
    __table_args__ = (
        sa.UniqueConstraint("reporter_id", "client_id"),
        sa.Index("ix_issues_store_status", "store_id", "status"),
    )
    scope_column: ClassVar[str] = "store_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id"))
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    category: Mapped[IssueCategory] = mapped_column(enum_type(IssueCategory))
    severity: Mapped[Severity] = mapped_column(enum_type(Severity))
    status: Mapped[IssueStatus] = mapped_column(
        enum_type(IssueStatus), default=IssueStatus.OPEN, index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    client_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # When the store met the problem (the phone's time when filed offline): the service-
    # level clock starts here.
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The service levels derived from the history (sla.Verdict as JSON), and its two due
    # instants as columns to query: a cache, derived again on every event.
    sla: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    response_due_at: Mapped[datetime | None] = mapped_column(index=True)
    resolve_due_at: Mapped[datetime | None] = mapped_column(index=True)
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    store: Mapped[Store] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    comments: Mapped[list[IssueComment]] = relationship(
        back_populates="issue", order_by="IssueComment.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[IssueEvent]] = relationship(
        back_populates="issue", order_by="IssueEvent.id", cascade="all, delete-orphan"
    )
    # Its photos (photos.Photo, above this feature: resolved by name).
    photos: Mapped[list[Any]] = relationship("Photo", back_populates="issue", order_by="Photo.id")


class IssueComment(db.Model):
    __tablename__ = "issue_comments"
    __table_args__ = (sa.UniqueConstraint("author_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(
        sa.ForeignKey("issues.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    client_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    issue: Mapped[Issue] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()


class IssueEvent(db.Model):
    """One line of an issue's history: who changed what, when, from what to what."""

    __tablename__ = "issue_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(
        sa.ForeignKey("issues.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # created, status, assignee, severity, comment, photo, sla_checkpoint
    field: Mapped[str] = mapped_column(sa.String(32))
    old_value: Mapped[str | None] = mapped_column(sa.String(200))
    new_value: Mapped[str | None] = mapped_column(sa.String(200))
    # What the service-level clock needs beyond the values: the rules an issue was filed
    # under, a checkpoint's elapsed seconds, the phone's time of an offline change.
    detail: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    issue: Mapped[Issue] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
