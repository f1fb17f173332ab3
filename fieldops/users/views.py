"""Admin pages: user accounts and API tokens."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fieldops.audit import recent_events
from fieldops.auth import (
    Action,
    Role,
    TokenSchema,
    TokenScope,
    User,
    UserSchema,
    active_users,
    all_tokens,
    create_token,
    get_user,
    requires,
)
from fieldops.auth import revoke_token as revoke_api_token
from fieldops.clock import WEEKDAY_NAMES, utcnow
from fieldops.core.fields import partial_schema
from fieldops.core.forms import form_values, submit
from fieldops.core.pagination import list_args
from fieldops.stores import regions, stores_to_pick
from fieldops.users import services
from fieldops.users.audit_log import audit_lines
from fieldops.users.pattern_form import PATTERN_INPUTS, grouped, pattern_payload, pattern_values
from fieldops.users.schemas import UserListArgsSchema

blp = Blueprint("users", __name__, url_prefix="/admin")

SCOPE_LABELS = {
    TokenScope.FULL: "Everything its user may do",
    TokenScope.SIGNALS: "Only push evidence (integrations)",
}


@blp.get("/users")
@requires(Action.READ_USERS)
def index() -> ResponseReturnValue:
    args, errors = list_args(UserListArgsSchema())
    page = services.users_page(args)
    return render_template(
        "users/index.html", page=page, args=args, errors=errors, roles=list(Role)
    ), 422 if errors else 200


def _user_form(user: User | None) -> ResponseReturnValue:
    errors: dict[str, list[str]] = {}
    stores = stores_to_pick(current_user)
    if request.method == "POST":
        values = form_values(lists=("store_ids",))
        values["active"] = "active" in request.form
        values.setdefault("store_ids", [])
        values.setdefault("timezone", None)  # the empty choice: the app's default
        values = {k: v for k, v in values.items() if k not in PATTERN_INPUTS}
        pattern, errors = pattern_payload(request.form, stores)
        values |= pattern

        def save(data: dict[str, Any]) -> User:
            if user is None:
                return services.create_user(data, current_user, utcnow())
            return services.update_user(user, data, current_user, utcnow())

        saved = None
        if not errors:
            saved, errors = submit(partial_schema(UserSchema, user is not None), values, save)
        if saved is not None:
            flash(f"{saved.name} saved.")
            return redirect(url_for("users.index"))
    posted = request.method == "POST"
    return render_template(
        "users/form.html",
        user=user,
        form=request.form if posted else None,
        errors=grouped(errors),
        roles=[(r.value, r.value.upper() if r == Role.CIO else r.value.title()) for r in Role],
        stores=stores,
        base_stores=[(s.id, f"{s.name} ({s.code})") for s in stores],
        region_names=regions(),
        weekday_names=list(enumerate(WEEKDAY_NAMES)),
        p=_posted_pattern() if posted else pattern_values(user, stores),
    ), 422 if errors else 200


def _posted_pattern() -> dict[str, Any]:
    """The pattern fields as posted, to show them again with their errors."""
    form = request.form
    return {key: form.get(key, "") for key in PATTERN_INPUTS} | {
        "work_weekdays": form.getlist("work_weekdays"),
        "regions": form.getlist("regions"),
    }


@blp.route("/users/new", methods=["GET", "POST"])
@requires(Action.MANAGE_USERS)
def new() -> ResponseReturnValue:
    return _user_form(None)


@blp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@requires(Action.MANAGE_USERS)
def edit(user_id: int) -> ResponseReturnValue:
    return _user_form(get_user(user_id))


@blp.route("/tokens", methods=["GET", "POST"])
@requires(Action.MANAGE_TOKENS)
def tokens() -> ResponseReturnValue:
    """API tokens for integrations: create (shown once), list, revoke."""
    errors: dict[str, list[str]] = {}
    new_token = None
    if request.method == "POST":

        def create(data: dict[str, Any]) -> str:
            owner = get_user(data["user_id"])
            return create_token(owner, data["name"], current_user, utcnow(), data["scope"])[1]

        new_token, errors = submit(TokenSchema(), form_values(), create)
    tokens = all_tokens()
    users = active_users()
    return render_template(
        "users/tokens.html",
        tokens=tokens,
        users=users,
        errors=errors,
        new_token=new_token,
        scopes=[(scope.value, SCOPE_LABELS[scope]) for scope in TokenScope],
    ), 422 if errors else 200


@blp.post("/tokens/<int:token_id>/revoke")
@requires(Action.MANAGE_TOKENS)
def revoke_token(token_id: int) -> ResponseReturnValue:
    token = revoke_api_token(token_id, current_user, utcnow())
    flash(f"Token {token.prefix}… revoked.")
    return redirect(url_for("users.tokens"))


@blp.get("/audit")
@requires(Action.READ_AUDIT)
def audit() -> ResponseReturnValue:
    """The latest entries of the audit log (admin)."""
    prefix = request.args.get("action") or None
    return render_template(
        "users/audit.html",
        lines=audit_lines(recent_events(limit=200, action_prefix=prefix)),
        prefix=prefix,
    )
