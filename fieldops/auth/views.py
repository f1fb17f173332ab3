"""HTML pages for signing in and out, and the account page."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fieldops.auth import services, sessions
from fieldops.auth.calendar import calendar_token, replace_calendar
from fieldops.auth.device import remember_device
from fieldops.auth.models import Role
from fieldops.auth.policy import requires
from fieldops.auth.schemas import LoginSchema, PasswordChangeSchema, TimezoneSchema
from fieldops.auth.session import (
    current_session,
    end_one_session,
    keep_signed_in,
    sign_in,
    sign_out,
)
from fieldops.auth.throttle import (
    failures_counted,
    note_failed_login,
    password_change_throttled,
    throttled,
)
from fieldops.clock import utcnow, zone_label
from fieldops.core.forms import FORM_ERROR, form_values, submit

blp = Blueprint("auth", __name__)

HOME = {
    Role.ENGINEER: "visit_pages.today",
    Role.MANAGER: "store_pages.my_store",
    Role.CIO: "overview.index",
    Role.ADMIN: "overview.index",
}


@blp.get("/")
@requires()
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

        def check(data: dict) -> bool:
            user = services.authenticate(data["email"], data["password"], utcnow())
            if user is None:
                return False
            sign_in(user, remember=data["remember"])
            remember_device(user)
            return True

        signed_in, errors = submit(
            LoginSchema(), {k: v for k, v in values.items() if k != "next"}, check
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
    """End this session only; its cookies stop working, wherever they were copied."""
    sign_out()
    flash("You are signed out.")
    return redirect(url_for("auth.login"))


@blp.route("/account", methods=["GET", "POST"])
@requires()
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
            keep_signed_in(user)  # in a new session: the old one ended with all the others
            return True

        changed, errors = submit(PasswordChangeSchema(), form_values(), change)
        if changed:
            flash("Password changed. Your other devices are signed out.")
            return redirect(url_for("auth.account"))
    return _account_page(errors)


def _account_page(
    errors: dict[str, list[str]], zone_errors: dict[str, list[str]] | None = None
) -> ResponseReturnValue:
    here = current_session()
    return render_template(
        "auth/account.html",
        errors=errors,
        zone_errors=zone_errors or {},
        sessions=sessions.live_sessions(current_user, utcnow()),
        calendar_url=url_for("calendars.feed", token=calendar_token(current_user), _external=True),
        current_session_id=here.id if here else None,
    ), 422 if errors or zone_errors else 200


@blp.post("/account/timezone")
@requires()
def change_timezone() -> ResponseReturnValue:
    """The zone you read times in; the empty choice is the app's default."""
    user = current_user._get_current_object()
    values = {"timezone": form_values().get("timezone")}

    def change(data: dict) -> bool:
        services.change_timezone(user, data["timezone"], utcnow())
        return True

    changed, errors = submit(TimezoneSchema(), values, change)
    if not changed:
        return _account_page({}, errors)
    flash("Time zone saved: times now read in " + zone_label(services.user_zone(user)) + ".")
    return redirect(url_for("auth.account"))


@blp.post("/account/calendar")
@requires()
def new_calendar() -> ResponseReturnValue:
    """A new calendar address; subscriptions to the old one stop updating."""
    replace_calendar(current_user._get_current_object(), utcnow())
    flash("Calendar address replaced: subscribe to the new one.")
    return redirect(url_for("auth.account") + "#calendar")


@blp.post("/account/sessions/<int:session_id>/end")
@requires()
def end_session(session_id: int) -> ResponseReturnValue:
    """Sign out one device from the account page (this one: like signing out)."""
    end_one_session(session_id)
    if not current_user.is_authenticated:
        flash("You are signed out.")
        return redirect(url_for("auth.login"))
    flash("That device is signed out.")
    return redirect(url_for("auth.account"))


@blp.post("/account/sign-out-everywhere")
@requires()
def sign_out_everywhere() -> ResponseReturnValue:
    sessions.end_all_sessions(current_user, utcnow())
    sign_out()
    flash("You are signed out on every device.")
    return redirect(url_for("auth.login"))
