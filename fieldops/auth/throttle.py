"""Failed sign-ins are throttled per account and per address (Flask-Limiter).

Only failures count: a view marks one with `note_failed_login()`. Both the sign-in page
and the JSON login share the same counters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from fieldops.auth.services import normalize_email
from fieldops.extensions import limiter

MESSAGE = "Too many failed sign-in attempts. Wait 15 minutes, then try again."


def note_failed_login() -> None:
    g.login_failed = True


def _failed(_response: Any) -> bool:
    return bool(g.get("login_failed"))


def _account_key() -> str:
    data = request.get_json(silent=True) if request.is_json else request.form
    email = data.get("email", "") if isinstance(data, dict) or hasattr(data, "get") else ""
    return "account:" + normalize_email(str(email or ""))


def throttled(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator for a sign-in view: 429 after too many failures for the account or address."""
    per_account = limiter.shared_limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
        scope="login-account",
        key_func=_account_key,
        deduct_when=_failed,
        error_message=MESSAGE,
    )
    per_address = limiter.shared_limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
        scope="login-address",
        key_func=get_remote_address,
        deduct_when=_failed,
        error_message=MESSAGE,
    )
    return per_account(per_address(view))
