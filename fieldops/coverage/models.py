"""Coverage snapshots (for the trend and a fast dashboard) and alerts for admins."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.clock import utcnow
from fieldops.database import enum_type
from fieldops.extensions import db

if TYPE_CHECKING:
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


class AlertKind(StrEnum):
    LOW_COVERAGE = "low_coverage"
    OVERDUE_VISIT = "overdue_visit"


class Alert(db.Model):
    """A condition an admin should act on; one open alert per store and kind."""

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

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id", ondelete="CASCADE"))
    kind: Mapped[AlertKind] = mapped_column(enum_type(AlertKind))
    message: Mapped[str] = mapped_column(sa.String(300))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    store: Mapped[Store] = relationship()
