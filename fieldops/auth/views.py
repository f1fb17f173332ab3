"""HTML pages for signing in and out, and the account page."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user

from fieldops.auth import services
from fieldops.auth.device import remember_device
from fieldops.auth.schemas import LoginSchema, PasswordChangeSchema
from fieldops.auth.throttle import (
    failures_counted,
    note_failed_login,
    password_change_throttled,
    throttled,
)
from fieldops.clock import utcnow
from fieldops.core.forms import FORM_ERROR, form_values, submit
from fieldops.users.models import Role

blp = Blueprint("auth", __name__)

HOME = {
    Role.ENGINEER: "visits.today",
    Role.MANAGER: "stores.my_store",
    Role.CIO: "overview.index",
    Role.ADMIN: "overview.index",
}


@blp.get("/")
@login_required
def home() -> ResponseReturnValue:
    """Each role starts on its own page."""
    return redirect(url_for(HOME[current_user.role]))


@blp.route("/login", methods=["GET", "POST"])
@throttled
def login() -> ResponseReturnValue:
    next_url = services.safe_next(request.values.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_url or url_for("auth.home"))
    errors: dict[str, list[str]] = {}
    values = form_values() if request.method == "POST" else {}
    if request.method == "POST":

        def sign_in(data: dict) -> bool:
            user = services.authenticate(data["email"], data["password"], utcnow())
            if user is None:
                return False
            login_user(user, remember=data["remember"])
            remember_device(user)
            return True

        signed_in, errors = submit(
            LoginSchema(), {k: v for k, v in values.items() if k != "next"}, sign_in
        )
        if signed_in:
            return redirect(next_url or url_for("auth.home"))
        if not errors:
            note_failed_login()
            current_app.logger.info("failed sign-in for %s", values.get("email", ""))
            errors = {FORM_ERROR: ["The email or password is not correct."]}
    status = 401 if errors else 200
    return render_template(
        "auth/login.html", errors=errors, values=values, next_url=next_url
    ), status


@blp.post("/logout")
def logout() -> ResponseReturnValue:
    """End this session only."""
    logout_user()
    flash("You are signed out.")
    return redirect(url_for("auth.login"))


@blp.route("/account", methods=["GET", "POST"])
@login_required
@password_change_throttled
def account() -> ResponseReturnValue:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        user = current_user._get_current_object()

        def change(data: dict) -> bool:
            with failures_counted():
                services.change_password(
                    user, data["current_password"], data["new_password"], utcnow()
                )
            login_user(user)  # this session continues with the new nonce
            return True

        changed, errors = submit(PasswordChangeSchema(), form_values(), change)
        if changed:
            flash("Password changed. Your other devices are signed out.")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", errors=errors), 422 if errors else 200


@blp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere() -> ResponseReturnValue:
    services.end_all_sessions(current_user)
    logout_user()
    flash("You are signed out on every device.")
    return redirect(url_for("auth.login"))
