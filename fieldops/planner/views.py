"""Admin pages of the visit planner: the plans with a form for a new one, and a plan's page
(each engineer's routes, day by day, with the drives; accept, drop, move, discard). Plain
forms: every action works without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fieldops.auth import Action, Role, requires, users_with_role
from fieldops.clock import local_date, to_utc, utcnow
from fieldops.core.errors import DomainError, Invalid
from fieldops.core.fields import within_range
from fieldops.core.forms import form_values, submit
from fieldops.core.input_checks import db_int
from fieldops.extensions import db
from fieldops.planner import itinerary, services
from fieldops.planner.models import ItemState, PlanItem, VisitPlan
from fieldops.planner.schemas import MAX_DAYS, PlanRequestSchema
from fieldops.stores import regions

blp = Blueprint("planner", __name__, url_prefix="/admin/visit-plans")

INCLUDES = [
    ("due", "Due by its visit cadence"),
    ("open_issues", "Open high or critical issues, when on the way"),
    ("coverage_gaps", "Gaps in support coverage, when on the way"),
    ("stale_hours", "Posted or thinly learned hours, when on the way"),
]
REASONS = {
    "due": "Due",
    "overdue": "Overdue",
    "open_issue": "Open issue",
    "coverage_gap": "Coverage gap",
    "stale_hours": "Stale hours",
}
INCLUDED = {
    "due": "due stores",
    "open_issues": "open issues",
    "coverage_gaps": "coverage gaps",
    "stale_hours": "stale hours",
}
UNPLANNED = {
    "out_of_reach": "Out of reach: no engineer can drive there and back within a working day.",
    "no_open_hours": "No open hours: none long enough for a visit before it is due.",
    "no_capacity": "No capacity: the engineers' days are full.",
    "no_engineer": "No engineer covers its region.",
}


@blp.context_processor
def plan_helpers() -> dict[str, Any]:
    return {
        "reason_labels": REASONS,
        "unplanned_words": UNPLANNED,
        "included_words": INCLUDED,
        "max_days": MAX_DAYS,
        "horizon": horizon,
    }


def horizon(plan: VisitPlan) -> str:
    """Its first and last day: "Thu 05 Mar – Wed 18 Mar 2026"."""
    last = plan.first_day + timedelta(days=plan.days - 1)
    return f"{plan.first_day:%a %d %b} – {last:%a %d %b %Y}"


@blp.route("", methods=["GET", "POST"])
@requires(Action.PLAN_VISITS)
def index() -> ResponseReturnValue:
    """The plans, newest first, and the form that proposes a new one."""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = form_values(lists=("engineer_ids", "include"))
        values.setdefault("include", [])  # none ticked means none, not the default
        if not values.get("engineer_ids"):
            values.pop("engineer_ids", None)  # none chosen: every active engineer
        plan, errors = submit(
            PlanRequestSchema(), values, lambda data: services.propose(data, current_user, utcnow())
        )
        if plan is not None:
            left = f"{len(plan.unplanned)} stores left unplanned" if plan.unplanned else "none left"
            flash(
                f"Plan {plan.id} proposed: {len(plan.items)} visits, {left}. "
                "Nothing is on the calendar until you accept it."
            )
            return redirect(url_for("planner.plan", plan_id=plan.id))
    return render_template(
        "planner/index.html",
        plans=services.plans_list(),
        f=_new_plan_shown(),
        errors=errors,
        regions=regions(),
        engineers=users_with_role(Role.ENGINEER),
        includes=INCLUDES,
    ), 422 if errors else 200


def _new_plan_shown() -> dict[str, Any]:
    """What the new plan form shows: what was posted, else from tomorrow (in the app's
    zone) for 14 days, every region and engineer, due stores only."""
    if request.method == "POST":
        form = request.form
        return {
            **{key: form.get(key, "") for key in ("from", "days", "region")},
            **{key: form.getlist(key) for key in ("engineer_ids", "include")},
        }
    today = local_date(utcnow(), current_app.config["DEFAULT_TIMEZONE"])
    return {
        "from": (today + timedelta(days=1)).isoformat(),
        "days": 14,
        "region": "",
        "engineer_ids": [],
        "include": ["due"],
    }


@blp.get("/<int:plan_id>")
@requires(Action.PLAN_VISITS)
def plan(plan_id: int) -> ResponseReturnValue:
    return _plan_page(services.get_plan(plan_id))


def _plan_page(
    plan: VisitPlan, notes: dict[str, str] | None = None, status: int = 200
) -> ResponseReturnValue:
    """The plan's page; `notes` are reasons shown beside visits (by key)."""
    return render_template(
        "planner/plan.html",
        plan=plan,
        routes=itinerary.routes(plan),
        unplanned=itinerary.unplanned(plan),
        notes=notes or {},
        posted=request.form,  # empty but for a refused change: its values stay
        engineers=users_with_role(Role.ENGINEER),
    ), status


def _act(plan_id: int, action: Callable[[VisitPlan], str], failed: str) -> ResponseReturnValue:
    """Run `action` on the plan: its message and back to the plan, or, when a rule refuses,
    the plan as it was, with why (beside each visit concerned) and the refusal's status."""
    plan = services.get_plan(plan_id, for_update=True)
    try:
        done = action(plan)
    except DomainError as err:
        db.session.rollback()
        plan = services.get_plan(plan_id)
        misfits: dict[str, str] = getattr(err, "misfits", {})
        names = {item.key: item.store.name for item in plan.items}
        said = [f"{names.get(key, key)}: {why}" for key, why in misfits.items()]
        flash(f"{failed} " + (" ".join(said) if said else err.message), "error")
        return _plan_page(plan, misfits, err.status)
    flash(done)
    return redirect(url_for("planner.plan", plan_id=plan_id))


def _item(plan: VisitPlan) -> PlanItem:
    key = request.form.get("key", "")
    for item in plan.items:
        if item.key == key:
            return item
    raise Invalid(f"No visit {key} in this plan.", "key")


def _store_start(text: str, tz_name: str) -> datetime:
    """The move form's date and time, read on the store's clock, as a UTC instant."""
    try:
        local = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid("Give the new start as a date and a time.", "start") from None
    if local.tzinfo is not None or not within_range(local.date()):
        raise Invalid("Give the new start as a date and a time.", "start")
    return to_utc(local.date(), local.time(), tz_name)


@blp.post("/<int:plan_id>/drop")
@requires(Action.PLAN_VISITS)
def drop(plan_id: int) -> ResponseReturnValue:
    def action(plan: VisitPlan) -> str:
        item = _item(plan)
        services.change(plan, {"drop": [item.key]}, current_user, utcnow())
        return f"Dropped the visit to {item.store.name}; its day's drives are worked out again."

    return _act(plan_id, action, "Not dropped:")


@blp.post("/<int:plan_id>/move")
@requires(Action.PLAN_VISITS)
def move(plan_id: int) -> ResponseReturnValue:
    def action(plan: VisitPlan) -> str:
        item = _item(plan)
        moved: dict[str, Any] = {
            "key": item.key,
            "planned_start": _store_start(request.form.get("start", ""), item.store.timezone),
        }
        engineer_id = request.form.get("engineer_id", type=db_int)
        if engineer_id is not None:
            moved["engineer_id"] = engineer_id
        services.change(plan, {"move": [moved]}, current_user, utcnow())
        return f"Moved the visit to {item.store.name}; the drives of its days are worked out again."

    return _act(plan_id, action, "Not moved:")


@blp.post("/<int:plan_id>/accept")
@requires(Action.PLAN_VISITS)
def accept(plan_id: int) -> ResponseReturnValue:
    """Accept every proposed visit ("all"), or those ticked."""

    def action(plan: VisitPlan) -> str:
        keys = None if request.form.get("scope") == "all" else request.form.getlist("keys")
        if keys == []:
            raise Invalid("Tick the visits to accept first, or accept them all.", "keys")
        before = {item.key for item in plan.items if item.state == ItemState.ACCEPTED}
        services.accept(plan, keys, current_user, utcnow())
        count = sum(1 for i in plan.items if i.state == ItemState.ACCEPTED and i.key not in before)
        return (
            f"{count} visit{'s' if count != 1 else ''} accepted: on the calendar now, "
            "and each engineer is told."
        )

    return _act(plan_id, action, "Nothing was accepted.")


@blp.post("/<int:plan_id>/discard")
@requires(Action.PLAN_VISITS)
def discard(plan_id: int) -> ResponseReturnValue:
    def action(plan: VisitPlan) -> str:
        services.discard(plan, current_user, utcnow())
        return f"Plan {plan.id} discarded."

    return _act(plan_id, action, "Not discarded:")
