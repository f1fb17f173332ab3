"""JSON routes for visits: /api/visits."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from fieldops.auth import Action, requires
from fieldops.clock import utcnow
from fieldops.core.arguments import Blueprint
from fieldops.core.pagination import page_schema
from fieldops.stores import get_visible
from fieldops.visits import queries, services
from fieldops.visits.models import Visit
from fieldops.visits.schemas import (
    CancelSchema,
    CheckInSchema,
    CheckOutSchema,
    VisitCreateSchema,
    VisitListArgsSchema,
    VisitSchema,
    VisitUpdateSchema,
)

blp = Blueprint("Visits", __name__, url_prefix="/api/visits", description="Field visits")


def assigned_to_caller(visit_id: int) -> None:
    """Record-level check for check-in/out: 404 if unseen, 403 if someone else's visit."""
    services.own_visit(visit_id, current_user)


@blp.route("", methods=["GET"])
@requires(Action.READ_RECORDS)
@blp.arguments(VisitListArgsSchema(), location="query")
@blp.response(200, page_schema(VisitSchema))
def list_visits(args: dict[str, Any]) -> dict[str, Any]:
    """Visits; `date` is the store's local day, `engineer` is "me" or a user id."""
    return queries.visit_records_page(current_user, args)


@blp.route("", methods=["POST"])
@requires(Action.PLAN_VISITS)
@blp.arguments(VisitCreateSchema)
@blp.response(201, VisitSchema)
def plan_visit(data: dict[str, Any]) -> Visit:
    """Plan a visit and assign it to an engineer, or to the CIO for his own (admin)."""
    return services.plan_visit(data, current_user, utcnow())


@blp.route("/<int:visit_id>", methods=["GET"])
@requires(Action.READ_RECORDS)
@blp.response(200, VisitSchema)
def get_visit(visit_id: int) -> Visit:
    return get_visible(Visit, visit_id, current_user)


@blp.route("/<int:visit_id>", methods=["PATCH"])
@requires(Action.PLAN_VISITS)
@blp.arguments(VisitUpdateSchema)
@blp.response(200, VisitSchema)
def update_visit(data: dict[str, Any], visit_id: int) -> Visit:
    """Reschedule or reassign a planned visit (admin); a stale `version` answers 409."""
    visit = get_visible(Visit, visit_id, current_user, for_update=True)
    return services.update_visit(visit, data, current_user, utcnow())


@blp.route("/<int:visit_id>/cancel", methods=["POST"])
@requires(Action.PLAN_VISITS)
@blp.arguments(CancelSchema)
@blp.response(200, VisitSchema)
def cancel_visit(data: dict[str, Any], visit_id: int) -> Visit:
    visit = get_visible(Visit, visit_id, current_user, for_update=True)
    return services.cancel_visit(
        visit, data.get("reason"), data.get("version"), current_user, utcnow()
    )


@blp.route("/<int:visit_id>/check-in", methods=["POST"])
@requires(Action.CHECK_IN_OUT, assigned_to_caller)
@blp.arguments(CheckInSchema)
@blp.response(200, VisitSchema)
def check_in(data: dict[str, Any], visit_id: int) -> Visit:
    """Check in to your visit; `at` defaults to now and may not be in the future."""
    visit = services.own_visit(visit_id, current_user, for_update=True)
    return services.check_in(visit, data, current_user, utcnow())


@blp.route("/<int:visit_id>/check-out", methods=["POST"])
@requires(Action.CHECK_IN_OUT, assigned_to_caller)
@blp.arguments(CheckOutSchema)
@blp.response(200, VisitSchema)
def check_out(data: dict[str, Any], visit_id: int) -> Visit:
    visit = services.own_visit(visit_id, current_user, for_update=True)
    return services.check_out(visit, data, current_user, utcnow())
