"""A browser's push subscription: where the push service takes messages for one user's
browser, and the keys that encrypt them for it (RFC 8291)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fieldops.clock import utcnow
from fieldops.extensions import db

# Push services' endpoints are URLs of a few hundred characters; this leaves room.
ENDPOINT_LENGTH = 2048


class PushSubscription(db.Model):
    """One browser of one user. The endpoint is the browser's own: the same browser
    subscribing again (or for the next person signed in on that phone) replaces the row."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(sa.String(ENDPOINT_LENGTH), unique=True)
    # The browser's ECDH P-256 public key (65 bytes) and auth secret (16 bytes), base64url.
    p256dh: Mapped[str] = mapped_column(sa.String(128))
    auth: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The last time the push service accepted a message for it; null: never sent to.
    last_used: Mapped[datetime | None]
