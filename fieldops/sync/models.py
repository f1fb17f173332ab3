"""Receipts of applied offline operations: a replayed client id is answered, not redone."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fieldops.clock import utcnow
from fieldops.extensions import db


class SyncReceipt(db.Model):
    """One applied operation of a user's outbox. The unique key decides racing replays."""

    __tablename__ = "sync_receipts"
    __table_args__ = (sa.UniqueConstraint("user_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[uuid.UUID]
    op_type: Mapped[str] = mapped_column(sa.String(24))
    record_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
