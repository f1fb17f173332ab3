"""Support shifts: recurring weekly windows of IT support, in a time zone of their own."""

from __future__ import annotations

import datetime as dt
from datetime import datetime, time
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.clock import utcnow
from fieldops.database import enum_type
from fieldops.extensions import db

if TYPE_CHECKING:
    from fieldops.auth import User
    from fieldops.stores import Store


class ShiftKind(StrEnum):
    ONSITE = "onsite"
    REMOTE = "remote"


shift_stores = sa.Table(
    "shift_stores",
    db.metadata,
    sa.Column("shift_id", sa.ForeignKey("support_shifts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("store_id", sa.ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_shift_stores_store_id", "store_id"),
)

shift_engineers = sa.Table(
    "shift_engineers",
    db.metadata,
    sa.Column("shift_id", sa.ForeignKey("support_shifts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class SupportShift(db.Model):
    """A weekly window, e.g. Mon-Sat 08:00-22:00 America/Chicago, covering a region or stores.

    A weekday is the day the window starts, in the shift's own zone; an end at or before
    the start means the next day.
    """

    __tablename__ = "support_shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    timezone: Mapped[str] = mapped_column(sa.String(64))
    weekdays: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    start_time: Mapped[time]
    end_time: Mapped[time]
    # Covers every store of this region, or else the stores listed in shift_stores.
    region: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    kind: Mapped[ShiftKind] = mapped_column(enum_type(ShiftKind), default=ShiftKind.ONSITE)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    stores: Mapped[list[Store]] = relationship(secondary=shift_stores, order_by="Store.name")
    engineers: Mapped[list[User]] = relationship(secondary=shift_engineers, order_by="User.name")
    exceptions: Mapped[list[ShiftException]] = relationship(
        back_populates="shift", cascade="all, delete-orphan", order_by="ShiftException.date"
    )


class ShiftException(db.Model):
    """A dated exception: the window starting that date is off, or a one-off extra window."""

    __tablename__ = "shift_exceptions"
    __table_args__ = (
        sa.CheckConstraint(
            "off OR (start_time IS NOT NULL AND end_time IS NOT NULL)", name="off_or_window"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(
        sa.ForeignKey("support_shifts.id", ondelete="CASCADE"), index=True
    )
    date: Mapped[dt.date]
    off: Mapped[bool] = mapped_column(default=False)
    start_time: Mapped[time | None]
    end_time: Mapped[time | None]
    note: Mapped[str | None] = mapped_column(sa.String(200))

    shift: Mapped[SupportShift] = relationship(back_populates="exceptions")
