"""Observations an engineer (or a manager) logs about a store."""

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
    from fieldops.visits import Visit


class ObservationCategory(StrEnum):
    WIFI = "wifi"
    PAPERWORK = "paperwork"
    HOURS = "hours"
    HARDWARE = "hardware"
    GENERAL = "general"


class Observation(db.Model):
    __tablename__ = "observations"
    __table_args__ = (
        sa.UniqueConstraint("author_id", "client_id"),
        sa.Index("ix_observations_store_observed", "store_id", "observed_at"),
    )
    scope_column: ClassVar[str] = "store_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id"))
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visits.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    category: Mapped[ObservationCategory] = mapped_column(enum_type(ObservationCategory))
    fields: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    note: Mapped[str | None] = mapped_column(sa.Text)
    observed_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    client_id: Mapped[uuid.UUID | None]

    store: Mapped[Store] = relationship()
    visit: Mapped[Visit | None] = relationship()
    author: Mapped[User] = relationship()
    # Its photos (photos.Photo, above this feature: resolved by name).
    photos: Mapped[list[Any]] = relationship(
        "Photo", back_populates="observation", order_by="Photo.id"
    )
