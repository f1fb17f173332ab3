"""JSON routes for support shifts: /api/shifts (admin writes; admin and CIO read)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from fieldops.auth import Action, requires
from fieldops.clock import utcnow
from fieldops.core.arguments import Blueprint
from fieldops.core.fields import partial_schema
from fieldops.core.pagination import page_schema
from fieldops.shifts import services
from fieldops.shifts.models import SupportShift
from fieldops.shifts.schemas import ShiftListArgsSchema, ShiftSchema

blp = Blueprint("Shifts", __name__, url_prefix="/api/shifts", description="Support shifts")


@blp.route("", methods=["GET"])
@requires(Action.VIEW_OVERVIEW)
@blp.arguments(ShiftListArgsSchema(), location="query")
@blp.response(200, page_schema(ShiftSchema))
def list_shifts(args: dict[str, Any]) -> dict[str, Any]:
    """Shifts; filter by `region`, `store_id` (listed, or covered by region) and `active`."""
    return services.shifts_page(args)


@blp.route("", methods=["POST"])
@requires(Action.MANAGE_SHIFTS)
@blp.arguments(ShiftSchema)
@blp.response(201, ShiftSchema)
def create_shift(data: dict[str, Any]) -> SupportShift:
    """Create a shift (admin): weekly windows in its own zone, over a region or stores."""
    return services.create_shift(data, current_user, utcnow())


@blp.route("/<int:shift_id>", methods=["GET"])
@requires(Action.VIEW_OVERVIEW)
@blp.response(200, ShiftSchema)
def get_shift(shift_id: int) -> SupportShift:
    return services.get_shift(shift_id)


@blp.route("/<int:shift_id>", methods=["PATCH"])
@requires(Action.MANAGE_SHIFTS)
@blp.arguments(partial_schema(ShiftSchema))
@blp.response(200, ShiftSchema)
def update_shift(data: dict[str, Any], shift_id: int) -> SupportShift:
    """Change a shift (admin). Lists given replace the old ones; a region drops the stores
    listed, and store_ids drop the region."""
    return services.update_shift(services.get_shift(shift_id), data, current_user, utcnow())


@blp.route("/<int:shift_id>", methods=["DELETE"])
@requires(Action.MANAGE_SHIFTS)
@blp.response(200, ShiftSchema)
def deactivate_shift(shift_id: int) -> SupportShift:
    """Deactivate a shift (admin): it no longer counts as coverage, and stays on record."""
    return services.deactivate_shift(services.get_shift(shift_id), current_user, utcnow())
