"""Keeping a user's push subscriptions: one row per browser endpoint."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from fieldops.auth import User
from fieldops.core.errors import NotFound
from fieldops.extensions import db
from fieldops.push.models import PushSubscription


def subscribe(user: User, data: dict[str, Any], now: datetime) -> tuple[PushSubscription, bool]:
    """The subscription of `data["endpoint"]`, now `user`'s with the keys given, and whether it
    is new. Idempotent on the endpoint: the browser sending the same subscription again
    changes nothing, and a browser another person subscribed before becomes this user's
    (the phone notifies whoever uses the app on it now)."""
    subscription = db.session.scalar(
        sa.select(PushSubscription).where(PushSubscription.endpoint == data["endpoint"])
    )
    created = subscription is None
    if subscription is None:
        subscription = PushSubscription(endpoint=data["endpoint"], created_at=now)
        db.session.add(subscription)
    subscription.user_id = user.id
    subscription.p256dh = data["keys"]["p256dh"]
    subscription.auth = data["keys"]["auth"]
    db.session.flush()
    return subscription, created


def unsubscribe(user: User, endpoint: str) -> PushSubscription:
    """Forget `user`'s subscription of `endpoint` and answer it; someone else's is not theirs
    to remove (404, as for none)."""
    subscription = db.session.scalar(
        sa.select(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.user_id == user.id
        )
    )
    if subscription is None:
        raise NotFound("No push subscription of yours has this endpoint.")
    db.session.delete(subscription)
    db.session.flush()
    return subscription
