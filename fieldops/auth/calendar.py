"""The secret address of a user's calendar feed (`/calendar/<token>.ics`, read by calendar
apps that cannot sign in): the token is the key.

A token is the user id, the address's version and an HMAC of both under the app's
SECRET_KEY, so nothing secret is stored and `GET /api/me` can show the address again;
replacing the address counts the version up and the old token stops working. Changing
SECRET_KEY replaces every address (docs/configuration.md).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime

from flask import current_app

from fieldops.audit import record
from fieldops.auth.models import User
from fieldops.extensions import db

TOKEN = re.compile(r"^(\d{1,12})-(\d{1,9})-([0-9a-f]{40})$")


def _mac(user_id: int, version: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"calendar:{user_id}:{version}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]


def calendar_token(user: User) -> str:
    return f"{user.id}-{user.calendar_version}-{_mac(user.id, user.calendar_version)}"


def user_for_calendar(token: str) -> User | None:
    """The active user whose live calendar address this is, else None."""
    found = TOKEN.match(token)
    if not found:
        return None
    user_id, version, mac = int(found[1]), int(found[2]), found[3]
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.calendar_version != version:
        return None
    return user if hmac.compare_digest(mac, _mac(user_id, version)) else None


def replace_calendar(user: User, now: datetime) -> None:
    """A new address for the user's calendar; the old one answers 404 from now on."""
    user.calendar_version += 1
    record(user, "auth.calendar_replaced", "user", user.id, now=now)
