"""Photos attached to an observation or an issue. The image files live outside static/."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.clock import utcnow
from fieldops.extensions import db

if TYPE_CHECKING:
    from fieldops.issues import Issue
    from fieldops.observations import Observation


class Photo(db.Model):
    __tablename__ = "photos"
    __table_args__ = (
        sa.UniqueConstraint("uploader_id", "client_id"),
        sa.CheckConstraint("(observation_id IS NULL) <> (issue_id IS NULL)", name="one_parent"),
    )
    scope_column: ClassVar[str] = "store_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The parent record's store, copied so access checks need no join.
    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id"), index=True)
    observation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("observations.id"), index=True)
    issue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("issues.id"), index=True)
    uploader_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    client_id: Mapped[uuid.UUID]
    content_type: Mapped[str] = mapped_column(sa.String(32))
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    # Server-generated file name (random hex); the thumbnail is stored beside it.
    storage_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    observation: Mapped[Observation | None] = relationship(back_populates="photos")
    issue: Mapped[Issue | None] = relationship(back_populates="photos")
