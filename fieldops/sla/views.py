"""Admin pages of service-level policies: the list, and a form per severity."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fieldops.auth import Action, requires
from fieldops.clock import utcnow
from fieldops.core.forms import form_values, submit
from fieldops.sla import services
from fieldops.sla.models import Clock, SlaPolicy
from fieldops.sla.schemas import PolicySchema

blp = Blueprint("sla", __name__, url_prefix="/admin")

CLOCKS = [
    (Clock.CUSTOMER_HOURS.value, "Real customer hours"),
    (Clock.POSTED_HOURS.value, "Posted hours"),
    (Clock.ALWAYS.value, "Always (24/7)"),
]


@blp.context_processor
def sla_helpers() -> dict[str, Any]:
    return {"clock_labels": dict(CLOCKS)}


@blp.get("/sla")
@requires(Action.MANAGE_SLA)
def index() -> ResponseReturnValue:
    return render_template("sla/index.html", policies=services.policies())


@blp.route("/sla/<string:severity>", methods=["GET", "POST"])
@requires(Action.MANAGE_SLA)
def edit(severity: str) -> ResponseReturnValue:
    policy = services.get_policy(severity)  # 404 for an unknown severity
    errors: dict[str, list[str]] = {}
    if request.method == "POST":

        def apply(data: dict[str, Any]) -> SlaPolicy:
            return services.update_policy(severity, data, current_user, utcnow())

        saved, errors = submit(PolicySchema(), form_values(), apply)
        if saved is not None:
            flash(f"The {severity} policy is saved; its open issues follow it from now on.")
            return redirect(url_for("sla.index"))
        shown = {
            key: request.form.get(key, "")
            for key in ("response_minutes", "resolve_minutes", "clock")
        }
    else:
        shown = {
            "response_minutes": policy.response_minutes,
            "resolve_minutes": policy.resolve_minutes,
            "clock": policy.clock.value,
        }
    return render_template(
        "sla/form.html", policy=policy, f=shown, errors=errors, clocks=CLOCKS
    ), 422 if errors else 200
