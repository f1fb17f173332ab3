"""JSON routes for service-level policies: /api/sla-policies (staff read; admins change)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from fieldops.auth import Action, requires
from fieldops.clock import utcnow
from fieldops.core.arguments import Blueprint
from fieldops.sla import services
from fieldops.sla.models import SlaPolicy
from fieldops.sla.schemas import PolicySchema

blp = Blueprint(
    "SLA policies", __name__, url_prefix="/api/sla-policies", description="Service-level policies"
)


@blp.route("", methods=["GET"])
@requires(Action.READ_RECORDS)
@blp.response(200, PolicySchema(many=True))
def list_policies() -> list[SlaPolicy]:
    """Every severity's policy, most urgent first."""
    return services.policies()


def known_severity(severity: str) -> None:
    """An unknown severity is 404, whatever the body."""
    services.get_policy(severity)


@blp.route("/<string:severity>", methods=["PUT"])
@requires(Action.MANAGE_SLA, known_severity)
@blp.arguments(PolicySchema)
@blp.response(200, PolicySchema)
def put_policy(data: dict[str, Any], severity: str) -> SlaPolicy:
    """Set a severity's policy (admin): its open issues' due times are derived again, the
    minutes already elapsed staying elapsed."""
    return services.update_policy(severity, data, current_user, utcnow())
