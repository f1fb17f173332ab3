"""JSON routes for observations: /api/observations."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from fieldops.auth import Action, requires
from fieldops.clock import utcnow
from fieldops.core.arguments import Blueprint
from fieldops.core.pagination import page_schema
from fieldops.observations import services
from fieldops.observations.models import Observation
from fieldops.observations.schemas import (
    ObservationCreateSchema,
    ObservationListArgsSchema,
    ObservationSchema,
)
from fieldops.stores import get_visible

blp = Blueprint(
    "Observations", __name__, url_prefix="/api/observations", description="On-site observations"
)


@blp.route("", methods=["GET"])
@requires(Action.READ_RECORDS)
@blp.arguments(ObservationListArgsSchema(), location="query")
@blp.response(200, page_schema(ObservationSchema))
def list_observations(args: dict[str, Any]) -> dict[str, Any]:
    """Observations, by `store_id` or `visit_id`, newest first."""
    return services.observations_page(current_user, args)


@blp.route("", methods=["POST"])
@requires(Action.CREATE_RECORDS)
@blp.arguments(ObservationCreateSchema)
@blp.response(201, ObservationSchema)
@blp.alt_response(200, schema=ObservationSchema, description="repeated client_id: the original")
def create_observation(data: dict[str, Any]) -> tuple[Observation, int]:
    """Log an observation. A repeated `client_id` answers 200 with the original record."""
    observation, created = services.create_observation(data, current_user, utcnow())
    return observation, 201 if created else 200


@blp.route("/<int:observation_id>", methods=["GET"])
@requires(Action.READ_RECORDS)
@blp.response(200, ObservationSchema)
def get_observation(observation_id: int) -> Observation:
    return get_visible(Observation, observation_id, current_user)
