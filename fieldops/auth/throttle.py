"""Failed sign-ins are throttled so that strangers cannot lock the owner out (Flask-Limiter).

Three limits, all counting failures only (a view marks one with `note_failed_login()`):

- per account and address (10 per 15 minutes): a guesser at one address is stopped
  without stopping the owner anywhere else;
- per address (50 per 15 minutes): one address guessing across many accounts;
- per account across addresses (100 per hour): guessing spread over many addresses. A
  device that signed in to the account before (its signed cookie, fieldops/auth/device.py)
  is not counted here, so the owner's own devices still get in.

The sign-in page, the JSON login and both password-change forms share the counters: a
wrong current password counts like a failed sign-in. The address is the socket's unless
TRUSTED_PROXIES is set (see `register_proxies` in fieldops/__init__.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial, wraps
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from fieldops.auth.device import known_device_user_id
from fieldops.auth.services import WrongPassword, normalize_email, user_by_email
from fieldops.extensions import limiter

LIMITED_METHODS = ["POST"]

MESSAGE = "Too many failed sign-in attempts. Wait 15 minutes, then try again."
ACCOUNT_MESSAGE = (
    "Too many failed sign-in attempts for this account. Sign in from a device you have "
    "signed in on before, or wait an hour."
)
View = TypeVar("View", bound=Callable[..., Any])


def note_failed_login() -> None:
    g.login_failed = True


@contextmanager
def failures_counted() -> Iterator[None]:
    """A wrong current password raised inside counts as a failed sign-in."""
    try:
        yield
    except WrongPassword:
        note_failed_login()
        raise


def limit_posts_only(app: Flask) -> None:
    """Let the hooks `limiter.init_app` installs run for POSTs only.

    Every limit counts POSTs (LIMITED_METHODS), so on any other request the limiter's
    three hooks (its check before the request, its headers after, its cleanup at teardown)
    find nothing to do, yet cost some 40 µs: an eighth of /healthz's own work.
    """
    for hooks, skipped in (
        (app.before_request_funcs, _before_skipped),
        (app.after_request_funcs, _after_skipped),
        (app.teardown_request_funcs, _before_skipped),
    ):
        funcs = hooks.get(None, [])
        funcs[:] = [_posts_only(hook, skipped) if _of_limiter(hook) else hook for hook in funcs]


def _of_limiter(hook: Callable[..., Any]) -> bool:
    """A bound method of the limiter, or a partial of one of its methods (its after hook)."""
    if isinstance(hook, partial):
        return hook.args[:1] == (limiter,)
    return getattr(hook, "__self__", None) is limiter


def _before_skipped(*_: Any) -> None:
    return None


def _after_skipped(response: Response) -> Response:
    return response


def _posts_only(hook: Callable[..., Any], skipped: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(hook)
    def run(*args: Any) -> Any:
        return hook(*args) if request.method in LIMITED_METHODS else skipped(*args)

    return run


def _failed(_response: Any) -> bool:
    return bool(g.get("login_failed"))


def _posted_account() -> str:
    """The account a sign-in names: the posted email, normalized."""
    data = request.get_json(silent=True) if request.is_json else request.form
    email = data.get("email", "") if hasattr(data, "get") else ""
    return normalize_email(str(email or ""))


def _signed_in_account() -> str:
    """The account of a password change: the signed-in user's email."""
    return normalize_email(current_user.email) if current_user.is_authenticated else ""


def _failures(
    setting: str,
    scope: str,
    key: Callable[[], str],
    message: str = MESSAGE,
    exempt_when: Callable[[], bool] | None = None,
) -> Any:
    """A limit on failed sign-ins, shared by every view it decorates: the limit is the
    setting's, only POSTs that failed (`note_failed_login`) are counted."""
    return limiter.shared_limit(
        lambda: current_app.config[setting],
        scope=scope,
        key_func=key,
        methods=LIMITED_METHODS,
        exempt_when=exempt_when,
        deduct_when=_failed,
        error_message=message,
    )


def _throttle(account: Callable[[], str]) -> Callable[[View], View]:
    """Decorator for a view that counts failures against the email `account()` gives."""

    def per_account() -> str:  # never empty: Flask-Limiter skips a limit with an empty key
        return "account:" + account()

    def per_account_and_address() -> str:
        return f"{per_account()}|{get_remote_address()}"

    def known_device() -> bool:
        device_user_id = known_device_user_id()
        if device_user_id is None:
            return False
        user = user_by_email(account())
        return user is not None and user.id == device_user_id

    def decorate(view: View) -> View:
        limits = (
            _failures(
                "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS", "login-account-address", per_account_and_address
            ),
            _failures("LOGIN_LIMIT_PER_ADDRESS", "login-address", get_remote_address),
            _failures(
                "LOGIN_LIMIT_PER_ACCOUNT",
                "login-account",
                per_account,
                message=ACCOUNT_MESSAGE,
                exempt_when=known_device,
            ),
        )
        for limit in limits:
            view = limit(view)
        return view

    return decorate


# For the sign-in views (the account is the posted email).
throttled = _throttle(_posted_account)
# For the password-change views, after the sign-in check (the account is the user's).
password_change_throttled = _throttle(_signed_in_account)
