"""Known devices: a successful sign-in leaves a signed cookie naming the account.

A device holding a valid cookie for an account is not counted in that account's
across-addresses limit of failed sign-ins (fieldops/auth/throttle.py), so strangers
guessing the password from many addresses cannot lock the owner out of their own phone.
The cookie only says "this device signed in as user N once"; it grants no access.
"""

from __future__ import annotations

from flask import Response, after_this_request, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from fieldops.auth.models import User

SALT = "fieldops.known-device"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _max_age() -> int:
    return int(current_app.config["DEVICE_COOKIE_DURATION"].total_seconds())


def remember_device(user: User) -> None:
    """Mark this device as known for `user` (the cookie is set on this request's answer)."""
    value = _serializer().dumps(user.id)
    config = current_app.config

    @after_this_request
    def set_cookie(response: Response) -> Response:
        response.set_cookie(
            config["DEVICE_COOKIE_NAME"],
            value,
            max_age=_max_age(),
            secure=config["DEVICE_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
        return response


def known_device_user_id() -> int | None:
    """The user this device signed in as, from a valid, unexpired cookie; else None."""
    raw = request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"])
    if not raw:
        return None
    try:
        user_id = _serializer().loads(raw, max_age=_max_age())
    except BadSignature:  # also SignatureExpired
        return None
    return user_id if isinstance(user_id, int) else None
