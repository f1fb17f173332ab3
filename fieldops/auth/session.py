"""How a request is authenticated: session cookie, remember cookie or Bearer token; CSRF.

A signed-in session is a database row (auth/sessions.py); its session and remember cookies
carry the row's secret, so ending the row (sign-out) makes every copy of them worthless.
A request carrying `Authorization: Bearer …` is authenticated by its token alone (any
session cookie is ignored), and only such requests skip the CSRF check: a browser cannot
add that header to a cross-site request. So tokens work under /api only (pages and form
posts need the session and its CSRF token), and a narrow-scope token reaches only the
routes its scope grants; both rules are enforced here, before any view runs.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, login_user, logout_user
from itsdangerous import URLSafeTimedSerializer
from werkzeug.wrappers import Response

from fieldops.auth import services, sessions
from fieldops.auth.models import User, UserSession
from fieldops.auth.policy import token_may_reach
from fieldops.auth.sessions import LiveSession
from fieldops.clock import utcnow
from fieldops.connections import end_autocommit
from fieldops.core.errors import ApiError, is_api_request
from fieldops.database import declare_write_intent
from fieldops.extensions import csrf, login_manager

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Routes that answer alike to anyone and read no user: no session or user is loaded for them.
ANONYMOUS_ENDPOINTS = frozenset({"static", "health.healthz"})


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def token_user() -> User | None:
    """The owner of the request's Bearer token, looked up once per request.

    The token's scope goes to `g.token_scope` (None for a session or no token): read by
    `authenticate_token` (a narrow scope reaches only its routes) and by `policy.requires`,
    which hands it to `can`.
    """
    if "token_scope" not in g:
        token = bearer_token()
        grant = services.user_for_token(token, utcnow()) if token else None
        g.token_user = grant.user if grant else None
        g.token_scope = grant.scope if grant else None
    return g.token_user


@login_manager.user_loader
def load_user(secret: str) -> User | None:
    """The user of a live session whose secret a session or remember cookie carries,
    unless the request carries a token.

    Flask-Login tries the session, then the remember cookie, and only without a remember
    cookie the request loader; so with `Authorization` the token must decide here too, or a
    remember cookie would hide a valid token (and a bad token must not fall back to cookies).
    """
    if "Authorization" in request.headers:
        return token_user()
    live = sessions.load_session(secret, utcnow())
    if live is None:
        return None
    g.live_session = live
    live.user.session_secret = secret
    return live.user


@login_manager.request_loader
def load_user_from_request(_request: object) -> User | None:
    return token_user()


@login_manager.unauthorized_handler
def unauthorized() -> Response:
    if is_api_request():
        raise ApiError(401, "Sign in or send an API token.")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def current_session() -> LiveSession | None:
    """The session this request was made in (None when made with a token, or signed out)."""
    return g.get("live_session") if current_user.is_authenticated else None


def renew_csrf() -> None:
    """Forget this browser's CSRF token: the next page (or GET /api/auth/csrf) gets a new
    one, and one taken before, by a page loaded before sign-in say, is refused."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field, None)
    g.pop(field, None)


def sign_in(user: User, remember: bool) -> None:
    """Start a new session of `user` on this device (replacing the one it had, if any)."""
    now = utcnow()
    previous = current_session()
    if previous is not None:
        sessions.end_session(previous.user, previous.id, now)
    device = sessions.device_label(request.headers.get("User-Agent", ""))
    user.session_secret = sessions.start_session(user, remember, device, now)
    login_user(user, remember=remember)
    if not remember and current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies:
        session["_remember"] = "clear"  # an older remember cookie must not outlive this sign-in
    renew_csrf()


def sign_out() -> None:
    """End this device's session: its cookies stop working, wherever they were copied."""
    live = current_session()
    if live is not None:
        sessions.end_session(live.user, live.id, utcnow())
    logout_user()
    renew_csrf()


def end_one_session(session_id: int) -> UserSession:
    """End one of the signed-in user's sessions; ending this device's own signs it out."""
    here = current_session()
    row = sessions.end_session(current_user, session_id, utcnow())
    if here is not None and here.id == session_id:
        sign_out()
    return row


def keep_signed_in(user: User) -> None:
    """After a password change ended every session of the user, this device continues in
    a new one (remembered if it was); a request made with a token has none to keep."""
    live = current_session()
    if live is not None:
        sign_in(user, remember=live.remembered)


def authenticate_token() -> None:
    """A request with `Authorization`: refused off the API, then 401 unless the token is
    valid, then 403 unless its scope reaches this route."""
    if not is_api_request():
        raise ApiError(
            403, "Pages and forms need a signed-in session; API tokens work under /api only."
        )
    if bearer_token() is None:
        raise ApiError(401, "Malformed Authorization header; use 'Bearer <token>'.")
    user = token_user()
    if user is None:
        raise ApiError(401, "The API token is not valid or has been revoked.")
    # current_user is the token's owner: set as Flask-Login's own loading would, which
    # would first open the cookie session and run its checks (~30 µs) for the same answer.
    g._login_user = user
    view = current_app.view_functions.get(request.endpoint or "")
    if not token_may_reach(g.token_scope, view):
        raise ApiError(403, f"A '{g.token_scope}' token may not use this route.")


def before_request() -> None:
    """Mark read-only requests, then authenticate (and check CSRF) before any view runs.

    The session is loaded here, before the request's own transaction begins: its row is
    read, and now and then its `last_seen_at` written, on a connection of its own.
    """
    view = current_app.view_functions.get(request.endpoint or "")
    declare_write_intent(request.method not in SAFE_METHODS or getattr(view, "writes", False))
    if "Authorization" in request.headers:
        authenticate_token()
        return
    if request.method not in SAFE_METHODS:
        csrf.protect()
    if request.endpoint not in ANONYMOUS_ENDPOINTS:
        _ = current_user.is_authenticated


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, the signing serializer made once per set of keys.

    Flask makes one on every request that touches `session` (Flask-Login's after-request
    hook does, on every request), testing it with a dump as it is made: ~15 µs.
    """

    _made: tuple[tuple[Any, ...], URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if self._made is None or self._made[0] != keys:
            self._made = (keys, super().get_signing_serializer(app))
        return self._made[1]


def init_auth(app: Flask) -> None:
    app.session_interface = CookieSessions()
    app.teardown_request(end_autocommit)
    login_manager.session_protection = app.config["SESSION_PROTECTION"]
    login_manager.login_view = "auth.login"
    app.before_request(before_request)
