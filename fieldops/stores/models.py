"""Stores, their posted opening hours and dated exceptions to them."""

from __future__ import annotations

import datetime as dt
from datetime import datetime, time
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.clock import utcnow
from fieldops.database import enum_type
from fieldops.extensions import db

if TYPE_CHECKING:
    from fieldops.auth import User


class StoreKind(StrEnum):
    DEALERSHIP = "dealership"
    STORE = "store"


store_managers = sa.Table(
    "store_managers",
    db.metadata,
    sa.Column("store_id", sa.ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_store_managers_user_id", "user_id"),
)


class Store(db.Model):
    __tablename__ = "stores"
    scope_column: ClassVar[str] = "id"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160), index=True)
    kind: Mapped[StoreKind] = mapped_column(enum_type(StoreKind), default=StoreKind.DEALERSHIP)
    brand: Mapped[str | None] = mapped_column(sa.String(80))
    address: Mapped[str | None] = mapped_column(sa.String(255))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    timezone: Mapped[str] = mapped_column(sa.String(64))
    region: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    cadence_per_year: Mapped[int] = mapped_column(default=2)
    # Visits a year the CIO himself pays (his visits count only toward this one).
    leadership_cadence_per_year: Mapped[int] = mapped_column(default=0, server_default="0")
    # How long a visit to the store takes, for the visit planner.
    visit_minutes: Mapped[int] = mapped_column(default=120, server_default="120")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    posted_hours: Mapped[list[PostedHours]] = relationship(
        back_populates="store", cascade="all, delete-orphan", order_by="PostedHours.weekday"
    )
    exceptions: Mapped[list[HoursException]] = relationship(
        back_populates="store", cascade="all, delete-orphan", order_by="HoursException.date"
    )
    managers: Mapped[list[User]] = relationship(
        secondary=store_managers, back_populates="stores", order_by="User.name"
    )

    def __repr__(self) -> str:
        return f"<Store {self.code}>"


class PostedHours(db.Model):
    """One posted window a weekday (Monday = 0). A close at or before the open is after midnight."""

    __tablename__ = "posted_hours"
    __table_args__ = (sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),)

    store_id: Mapped[int] = mapped_column(
        sa.ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True
    )
    weekday: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    opens: Mapped[time]
    closes: Mapped[time]

    store: Mapped[Store] = relationship(back_populates="posted_hours")


class HoursException(db.Model):
    """A dated exception: closed all day, or special hours for that date."""

    __tablename__ = "hours_exceptions"
    __table_args__ = (
        sa.UniqueConstraint("store_id", "date"),
        sa.CheckConstraint(
            "closed OR (opens IS NOT NULL AND closes IS NOT NULL)", name="closed_or_hours"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id", ondelete="CASCADE"))
    date: Mapped[dt.date]
    closed: Mapped[bool] = mapped_column(default=False)
    opens: Mapped[time | None]
    closes: Mapped[time | None]
    note: Mapped[str | None] = mapped_column(sa.String(200))

    store: Mapped[Store] = relationship(back_populates="exceptions")
