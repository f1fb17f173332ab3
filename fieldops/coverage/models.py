"""Coverage snapshots (for the trend and a fast dashboard) and alerts for admins."""

from __future__ import annotations

import datetime as dt
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


class CoverageSnapshot(db.Model):
    """One store's coverage over the coming weeks, as computed on `taken_on`."""

    __tablename__ = "coverage_snapshots"
    __table_args__ = (
        sa.UniqueConstraint("store_id", "taken_on"),
        sa.Index("ix_coverage_snapshots_taken_on", "taken_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id", ondelete="CASCADE"))
    taken_on: Mapped[dt.date]
    days: Mapped[int]
    real_customer_minutes: Mapped[int]
    real_covered_minutes: Mapped[int]
    posted_customer_minutes: Mapped[int]
    posted_covered_minutes: Mapped[int]
    # Uncovered real-customer minutes per weekday, Monday first (7 numbers).
    uncovered_by_weekday: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    completed_12m: Mapped[int]
    cadence: Mapped[int]
    overdue: Mapped[bool]
    due_on: Mapped[dt.date | None]  # when the store becomes overdue unless visited
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    store: Mapped[Store] = relationship()


class CoverageCache(db.Model):
    """A store's coverage over its default period (COVERAGE_DEFAULT_DAYS days from its local
    today) as GET /api/coverage answers it, kept until something it depends on changes
    (fieldops.coverage.cache). A row without `expires_at` is stale: its figures are null.
    `generation` counts the changes that made it stale, so a computation that read the data
    before a change cannot store its result after it."""

    __tablename__ = "coverage_cache"

    store_id: Mapped[int] = mapped_column(
        sa.ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True
    )
    generation: Mapped[int] = mapped_column(default=1, server_default="1")
    # Drawn at random by each computation that fills the row: the key under which a worker
    # keeps the row it built from it (fieldops.coverage.cache).
    fill: Mapped[int | None] = mapped_column(sa.BigInteger)
    expires_at: Mapped[datetime | None]  # the store's next local midnight, or sooner
    first: Mapped[dt.date | None]
    days: Mapped[int | None]
    real_customer_minutes: Mapped[int | None]
    real_covered_minutes: Mapped[int | None]
    posted_customer_minutes: Mapped[int | None]
    posted_covered_minutes: Mapped[int | None]
    # Uncovered windows as [start, end] POSIX seconds (read for the page's stores only).
    real_gaps: Mapped[list[list[int]] | None] = mapped_column(sa.JSON)
    posted_gaps: Mapped[list[list[int]] | None] = mapped_column(sa.JSON)
    completed_12m: Mapped[int | None]
    cadence: Mapped[int | None]
    due_on: Mapped[dt.date | None]
    last_visit: Mapped[datetime | None]
    next_planned: Mapped[datetime | None]


def without_store(message: str, code: str, name: str) -> str:
    """An alert's message without the store it starts with (shown beside it)."""
    text = message.removeprefix(f"{code} {name}: ")
    return text[:1].upper() + text[1:]


class AlertKind(StrEnum):
    LOW_COVERAGE = "low_coverage"
    OVERDUE_VISIT = "overdue_visit"


class Alert(db.Model):
    """A condition an admin should act on; one open alert per store and kind.

    A person can own it: acknowledge it, assign it to someone, note what is being done.
    The snapshot job opens it and closes it when its condition clears; every change,
    the system's included, is kept in its history (`events`).
    """

    __tablename__ = "alerts"
    __table_args__ = (
        sa.Index(
            "uq_alerts_open_store_kind",
            "store_id",
            "kind",
            unique=True,
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        ),
    )

    scope_column: ClassVar[str] = "store_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id", ondelete="CASCADE"))
    kind: Mapped[AlertKind] = mapped_column(enum_type(AlertKind))
    message: Mapped[str] = mapped_column(sa.String(300))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    note: Mapped[str | None] = mapped_column(sa.String(500))

    store: Mapped[Store] = relationship()
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    events: Mapped[list[AlertEvent]] = relationship(
        back_populates="alert", cascade="all, delete-orphan", order_by="AlertEvent.id"
    )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def text(self) -> str:
        return without_store(self.message, self.store.code, self.store.name)


class AlertEvent(db.Model):
    """One change to an alert: who (None: the snapshot job), when, and what changed,
    e.g. {"assignee_id": {"from": null, "to": 7}} or {"open": {"from": false, "to": true}}."""

    __tablename__ = "alert_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(
        sa.ForeignKey("alerts.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    change: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    alert: Mapped[Alert] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
