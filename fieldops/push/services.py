"""Keeping a user's push subscriptions (one row per browser endpoint), and pushing to them.

Pushing goes over the network to each browser's push service, so it happens only after the
commit and outside any transaction (docs/push.md): `push_notification` hears of each
committed notification through `notification_created`; `send_to_user` reads the
subscriptions, ends that read, posts, then records and commits what the push services said.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import Flask, current_app
from py_vapid import Vapid, b64urlencode
from pywebpush import WebPushException, webpush

from fieldops.auth import User
from fieldops.clock import utcnow
from fieldops.core.errors import NotFound
from fieldops.extensions import db
from fieldops.notifications import Channel, Notification, wants
from fieldops.push.models import PushSubscription

log = logging.getLogger(__name__)

# How long one push service may take to answer; past it the message is given up (logged).
TIMEOUT_SECONDS = 10
# How long a push service keeps a message for a phone that is off or out of reach.
TTL_SECONDS = 24 * 60 * 60
# A push service's answers for a subscription that is gone for good (RFC 8030, 8.1 and 8.3).
GONE_STATUSES = frozenset({404, 410})
# The most plaintext one push message carries: 4096 bytes less encryption's 103 (RFC 8291, 4).
MAX_PAYLOAD_BYTES = 3993


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


def new_vapid_keys() -> tuple[str, str]:
    """A new VAPID key pair (P-256), base64url: the public key as browsers take it (the
    uncompressed point, 65 bytes) and the private key as py-vapid reads it back (its
    32-byte scalar)."""
    vapid = Vapid()
    vapid.generate_keys()
    public = vapid.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    return b64urlencode(public), b64urlencode(private)


class Outcome(Enum):
    ACCEPTED = "accepted"
    GONE = "gone"  # the push service no longer knows the subscription: it is deleted
    FAILED = "failed"  # logged; the subscription is kept for the next message


def _encoded(payload: dict[str, str]) -> str:
    """The payload as JSON, its body shortened (ending in "…") to fit one push message: a
    push service refuses a larger one, and a comment can be long."""
    text = json.dumps(payload, ensure_ascii=False)
    body = payload.get("body", "")
    while (excess := len(text.encode()) - MAX_PAYLOAD_BYTES) > 0 and body:
        body = body[: max(0, len(body) - excess - 1)]
        text = json.dumps({**payload, "body": body + "…"}, ensure_ascii=False)
    return text


def _origin(endpoint: str) -> str:
    """What the log names of an endpoint: its push service, not the browser's secret path."""
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def _post(
    subscription: dict[str, Any], data: str, vapid: Vapid, subject: str, http: requests.Session
) -> Outcome:
    endpoint = subscription["endpoint"]
    try:
        webpush(
            subscription,
            data,
            vapid_private_key=vapid,
            # A fresh dict for each message: pywebpush writes the push service's origin
            # (`aud`) and the expiry into the one it is given.
            vapid_claims={"sub": subject},
            timeout=TIMEOUT_SECONDS,
            ttl=TTL_SECONDS,
            requests_session=http,
        )
    except WebPushException as error:
        if error.status_code in GONE_STATUSES:
            log.info("Push subscription at %s is gone (%s)", _origin(endpoint), error.status_code)
            return Outcome.GONE
        log.error("Push to %s was refused: %s", _origin(endpoint), error)
        return Outcome.FAILED
    except Exception:
        # A push service down or slow, keys it cannot encrypt for, a VAPID subject it
        # refuses: logged and never raised, since this runs after the request's commit and
        # the notification is in the inbox either way.
        log.exception("Push to %s failed", _origin(endpoint))
        return Outcome.FAILED
    return Outcome.ACCEPTED


def _signer(private_key: str) -> Vapid | None:
    try:
        return Vapid.from_string(private_key)
    except ValueError:
        log.exception("VAPID_PRIVATE_KEY is not a VAPID private key: nothing is pushed")
        return None


def send_to_user(user_id: int, payload: dict[str, str]) -> int:
    """Push `payload` ({title, body, url, tag}) to each browser `user_id` subscribed (none
    for a deactivated user, none without VAPID keys); the number of push services that
    accepted it. A subscription answered 404 or 410 is deleted, an accepted one gets its
    `last_used`; any other failure is logged, never raised.

    Call it outside any transaction (after the commit): it reads the subscriptions and
    ends that read before posting, so no transaction stays open over the network, then
    commits what it learnt."""
    config = current_app.config
    if not config["VAPID_PRIVATE_KEY"]:
        return 0
    if db.session().in_transaction():
        raise RuntimeError("send_to_user posts over the network: call it after the commit")
    rows = db.session.scalars(
        sa.select(PushSubscription)
        .join(User, User.id == PushSubscription.user_id)
        .where(PushSubscription.user_id == user_id, User.active.is_(True))
        .order_by(PushSubscription.id)
    )
    targets = {
        row.id: {"endpoint": row.endpoint, "keys": {"p256dh": row.p256dh, "auth": row.auth}}
        for row in rows
    }
    db.session.commit()  # the read ends here: nothing is held open while posting
    vapid = _signer(config["VAPID_PRIVATE_KEY"]) if targets else None
    if vapid is None:
        return 0
    data = _encoded(payload)
    with requests.Session() as http:
        outcomes = {
            id_: _post(subscription, data, vapid, config["VAPID_SUBJECT"], http)
            for id_, subscription in targets.items()
        }
    accepted = [id_ for id_, outcome in outcomes.items() if outcome is Outcome.ACCEPTED]
    gone = [id_ for id_, outcome in outcomes.items() if outcome is Outcome.GONE]
    if accepted:
        db.session.execute(
            sa.update(PushSubscription)
            .where(PushSubscription.id.in_(accepted))
            .values(last_used=utcnow())
        )
    if gone:
        db.session.execute(sa.delete(PushSubscription).where(PushSubscription.id.in_(gone)))
    db.session.commit()
    return len(accepted)


def _tag(notification: Notification) -> str:
    """A later message with the same tag replaces the one shown: one per issue or visit."""
    if notification.issue_id is not None:
        return f"issue-{notification.issue_id}"
    if notification.visit_id is not None:
        return f"visit-{notification.visit_id}"
    return f"notification-{notification.id}"


def _message_of(notification_id: int) -> tuple[int, dict[str, str]] | None:
    """The recipient and payload of the notification, if they want it by push now (their
    choice for its kind, their quiet hours)."""
    notification = db.session.get(Notification, notification_id)
    if notification is None:
        return None
    recipient = db.session.get(User, notification.recipient_id)
    if recipient is None or not wants(
        recipient, Channel.PUSH, notification.kind, notification.critical, utcnow()
    ):
        return None
    return recipient.id, {
        "title": notification.title,
        "body": notification.body,
        "url": notification.link,  # a path of the app: the service worker opens it there
        "tag": _tag(notification),
    }


def push_notification(sender: Flask, notification_id: int) -> None:
    """`notification_created`'s receiver (connected by `create_app`): push the committed
    notification to its recipient's browsers if they want it. Runs after the commit,
    outside any transaction."""
    if not sender.config["VAPID_PRIVATE_KEY"]:
        return
    message = _message_of(notification_id)
    db.session.commit()  # the read ends before any posting
    if message is not None:
        send_to_user(*message)
