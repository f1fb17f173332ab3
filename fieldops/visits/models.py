"""Visits: an engineer's planned, then checked-in and completed, trip to a store."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.clock import utcnow
from fieldops.database import enum_type
from fieldops.extensions import db

if TYPE_CHECKING:
    from fieldops.auth import User
    from fieldops.stores import Store


class VisitStatus(StrEnum):
    PLANNED = "planned"
    CHECKED_IN = "checked_in"
    COMPLETED = "completed"
    MISSED = "missed"
    CANCELLED = "cancelled"


class Department(StrEnum):
    SALES = "sales"
    SERVICE = "service"
    PARTS = "parts"
    ACCOUNTING = "accounting"
    FINANCE = "finance"
    MANAGEMENT = "management"


class Visit(db.Model):
    __tablename__ = "visits"
    __table_args__ = (
        sa.Index("ix_visits_engineer_day", "engineer_id", "local_date"),
        sa.Index("ix_visits_store_day", "store_id", "local_date"),
    )
    scope_column: ClassVar[str] = "store_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id"))
    engineer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    planned_start: Mapped[datetime]
    planned_end: Mapped[datetime]
    # The store-local date of planned_start, kept so "visits on a day" is one indexed lookup.
    local_date: Mapped[dt.date]
    status: Mapped[VisitStatus] = mapped_column(
        enum_type(VisitStatus), default=VisitStatus.PLANNED, index=True
    )
    purpose: Mapped[str | None] = mapped_column(sa.String(200))
    checked_in_at: Mapped[datetime | None]
    check_in_latitude: Mapped[float | None]
    check_in_longitude: Mapped[float | None]
    check_in_accuracy_m: Mapped[float | None]
    distance_m: Mapped[float | None]
    far_from_store: Mapped[bool | None]
    # Checked in more than OFF_SCHEDULE (visits/services.py) before or after the planned start.
    off_schedule: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Started on the spot (POST /api/visits/start) rather than planned ahead.
    unplanned: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    checked_out_at: Mapped[datetime | None]
    summary: Mapped[str | None] = mapped_column(sa.Text)
    departments_met: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(200))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    store: Mapped[Store] = relationship()
    engineer: Mapped[User] = relationship(foreign_keys=[engineer_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
