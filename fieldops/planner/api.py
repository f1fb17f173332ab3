"""JSON routes for visit plans: /api/visit-plans (admins)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from fieldops.auth import Action, requires
from fieldops.clock import utcnow
from fieldops.core.arguments import Blueprint
from fieldops.planner import services
from fieldops.planner.models import VisitPlan
from fieldops.planner.schemas import (
    AcceptSchema,
    PlanChangeSchema,
    PlanRequestSchema,
    PlanSchema,
)

blp = Blueprint(
    "Visit plans", __name__, url_prefix="/api/visit-plans", description="The visit planner"
)


@blp.route("", methods=["POST"])
@requires(Action.PLAN_VISITS)
@blp.arguments(PlanRequestSchema)
@blp.response(201, PlanSchema)
def propose(data: dict[str, Any]) -> VisitPlan:
    """Propose the visits of a horizon: due stores before their due dates, in their real
    customer hours and the engineers' working hours, with the least driving (VROOM).
    Nothing is on the calendar until the plan is accepted."""
    return services.propose(data, current_user, utcnow())


@blp.route("/<int:plan_id>", methods=["GET"])
@requires(Action.PLAN_VISITS)
@blp.response(200, PlanSchema)
def get_plan(plan_id: int) -> VisitPlan:
    return services.get_plan(plan_id)


@blp.route("/<int:plan_id>", methods=["PATCH"])
@requires(Action.PLAN_VISITS)
@blp.arguments(PlanChangeSchema)
@blp.response(200, PlanSchema)
def change_plan(data: dict[str, Any], plan_id: int) -> VisitPlan:
    """Drop visits by key, or move them (`planned_start`, and `engineer_id` to reassign):
    each move is checked again, and none is made unless all fit (422 naming each)."""
    plan = services.get_plan(plan_id, for_update=True)
    return services.change(plan, data, current_user, utcnow())


@blp.route("/<int:plan_id>/accept", methods=["POST"])
@requires(Action.PLAN_VISITS)
@blp.arguments(AcceptSchema)
@blp.response(200, PlanSchema)
def accept_plan(data: dict[str, Any], plan_id: int) -> VisitPlan:
    """Create the visits (`keys`, or every proposed one), each checked again first: 409
    lists under `errors` each key that no longer fits, and nothing is created."""
    plan = services.get_plan(plan_id, for_update=True)
    return services.accept(plan, data.get("keys"), current_user, utcnow())


@blp.route("/<int:plan_id>/discard", methods=["POST"])
@requires(Action.PLAN_VISITS)
@blp.response(200, PlanSchema)
def discard_plan(plan_id: int) -> VisitPlan:
    plan = services.get_plan(plan_id, for_update=True)
    return services.discard(plan, current_user, utcnow())
