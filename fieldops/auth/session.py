"""How a request is authenticated: session cookie, remember cookie or Bearer token; CSRF.

A request carrying `Authorization: Bearer …` is authenticated by its token alone (any
session cookie is ignored), and only such requests skip the CSRF check: a browser cannot
add that header to a cross-site request.
"""

from __future__ import annotations

from flask import Flask, g, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from fieldops.auth import services
from fieldops.clock import utcnow
from fieldops.core.errors import ApiError, is_api_request
from fieldops.database import write_intent
from fieldops.extensions import csrf, login_manager
from fieldops.users.models import User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def token_user() -> User | None:
    """The owner of the request's Bearer token, looked up once per request.

    The token's scope goes to `g.token_scope`, for the policy to narrow what it may do.
    """
    if "token_scope" not in g:
        token = bearer_token()
        grant = services.user_for_token(token, utcnow()) if token else None
        g.token_user = grant.user if grant else None
        g.token_scope = grant.scope if grant else None
    return g.token_user


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session or remember cookie, unless the request carries a token.

    Flask-Login tries the session, then the remember cookie, and only without a remember
    cookie the request loader; so with `Authorization` the token must decide here too, or a
    remember cookie would hide a valid token (and a bad token must not fall back to cookies).
    """
    if "Authorization" in request.headers:
        return token_user()
    return services.load_session_user(session_id)


@login_manager.request_loader
def load_user_from_request(_request: object) -> User | None:
    return token_user()


@login_manager.unauthorized_handler
def unauthorized() -> Response:
    if is_api_request():
        raise ApiError(401, "Sign in or send an API token.")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def before_request() -> None:
    """Mark read-only requests, check CSRF, and authenticate before any view touches the DB."""
    write_intent.set(request.method not in SAFE_METHODS)
    if request.method not in SAFE_METHODS:
        if "Authorization" in request.headers:
            if bearer_token() is None:
                raise ApiError(401, "Malformed Authorization header; use 'Bearer <token>'.")
        else:
            csrf.protect()
    if "Authorization" in request.headers and not current_user.is_authenticated:
        raise ApiError(401, "The API token is not valid or has been revoked.")


def init_auth(app: Flask) -> None:
    login_manager.session_protection = app.config["SESSION_PROTECTION"]
    login_manager.login_view = "auth.login"
    app.before_request(before_request)
