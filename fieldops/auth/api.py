"""JSON routes for signing in and out: /api/auth/* and /api/me."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from fieldops.auth import services, sessions
from fieldops.auth.calendar import replace_calendar
from fieldops.auth.device import remember_device
from fieldops.auth.models import User, UserSession
from fieldops.auth.policy import Action, requires
from fieldops.auth.schemas import (
    CsrfSchema,
    LoginSchema,
    MeSchema,
    PasswordChangeSchema,
    SessionSchema,
    StatusSchema,
    TimezoneSchema,
    UserSchema,
)
from fieldops.auth.session import (
    current_session,
    end_one_session,
    keep_signed_in,
    sign_in,
    sign_out,
)
from fieldops.auth.sessions import LiveSession
from fieldops.auth.throttle import (
    failures_counted,
    note_failed_login,
    password_change_throttled,
    throttled,
)
from fieldops.clock import utcnow
from fieldops.core.arguments import Blueprint
from fieldops.core.errors import ApiError
from fieldops.core.pagination import ListArgsSchema, page_schema

blp = Blueprint("Auth", __name__, url_prefix="/api", description="Signing in and out")


@blp.route("/auth/csrf", methods=["GET"])
@blp.response(200, CsrfSchema)
def csrf_token() -> dict[str, str]:
    """A CSRF token to send as `X-CSRFToken` on every unsafe request made with the session.

    Signing in or out renews it: fetch it again afterwards.
    """
    return {"csrf_token": generate_csrf()}


@blp.route("/auth/login", methods=["POST"])
@throttled
@blp.arguments(LoginSchema)
@blp.response(200, UserSchema)
def login(data: dict[str, Any]) -> User:
    """Sign in with email and password; 401 when they do not match, 429 after too many
    failures (docs/api.md). Success marks this device as known to the account."""
    user = services.authenticate(data["email"], data["password"], utcnow())
    if user is None:
        note_failed_login()
        current_app.logger.info("failed sign-in for %s", services.normalize_email(data["email"]))
        raise ApiError(401, "The email or password is not correct.")
    sign_in(user, remember=data["remember"])
    remember_device(user)
    return user


@blp.route("/auth/logout", methods=["POST"])
@blp.response(200, StatusSchema)
def logout() -> dict[str, str]:
    """End this session only (other devices stay signed in); its cookies stop working."""
    sign_out()
    return {"status": "signed_out"}


@blp.route("/auth/logout-all", methods=["POST"])
@requires(Action.READ_RECORDS)
@blp.response(200, StatusSchema)
def logout_everywhere() -> dict[str, str]:
    """End every session and remember cookie of the current user, on every device."""
    sessions.end_all_sessions(current_user, utcnow())
    sign_out()
    return {"status": "signed_out_everywhere"}


@blp.route("/auth/password", methods=["POST"])
@requires(Action.READ_RECORDS)
@password_change_throttled
@blp.arguments(PasswordChangeSchema)
@blp.response(200, StatusSchema)
def change_password(data: dict[str, Any]) -> dict[str, str]:
    """Change the password; every other session of the user ends, this one continues.
    A wrong `current_password` counts as a failed sign-in (429 after too many)."""
    with failures_counted():
        services.change_password(
            current_user, data["current_password"], data["new_password"], utcnow()
        )
    keep_signed_in(current_user._get_current_object())
    return {"status": "password_changed"}


SESSION_FIELDS = tuple(name for name in SessionSchema().fields if name != "current")


def _shown(row: UserSession, here: LiveSession | None) -> dict[str, Any]:
    """A session as answered: its fields, and whether it is the one making this request."""
    return {
        **{name: getattr(row, name) for name in SESSION_FIELDS},
        "current": here is not None and here.id == row.id,
    }


@blp.route("/auth/sessions", methods=["GET"])
@requires(Action.READ_RECORDS)
@blp.arguments(ListArgsSchema(), location="query")
@blp.response(200, page_schema(SessionSchema))
def list_sessions(args: dict[str, Any]) -> dict[str, Any]:
    """Your sessions that have not ended: one per signed-in browser or phone."""
    here = current_session()
    page = sessions.sessions_page(current_user, utcnow(), args)
    return {**page, "items": [_shown(row, here) for row in page["items"]]}


@blp.route("/auth/sessions/<int:session_id>", methods=["DELETE"])
@requires(Action.READ_RECORDS)
@blp.response(200, SessionSchema)
def end_session(session_id: int) -> dict[str, Any]:
    """End one of your sessions: that device is signed out. Ending this one signs you out
    (the answer then says `current: true`)."""
    here = current_session()
    return _shown(end_one_session(session_id), here)


@blp.route("/me", methods=["GET"])
@requires(Action.READ_RECORDS)
@blp.response(200, MeSchema)
def me() -> User:
    """The signed-in user, with `role`, for a manager `store_ids`, and `calendar_url`."""
    return current_user


@blp.route("/me/calendar", methods=["POST"])
@requires(Action.READ_RECORDS)
@blp.response(200, MeSchema)
def new_calendar() -> User:
    """A new secret address for your calendar feed (`calendar_url`); the old one answers
    404 from now on."""
    user = current_user._get_current_object()
    replace_calendar(user, utcnow())
    return user


@blp.route("/me", methods=["PATCH"])
@requires(Action.READ_RECORDS)
@blp.arguments(TimezoneSchema)
@blp.response(200, MeSchema)
def update_me(data: dict[str, Any]) -> User:
    """Set the zone you read times in: `{"timezone": "America/Denver"}`, or null for the
    app's default."""
    user = current_user._get_current_object()
    services.change_timezone(user, data["timezone"], utcnow())
    return user
