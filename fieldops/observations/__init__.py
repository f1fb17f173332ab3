"""On-site observations (Wi-Fi, paperwork, hours, ...) logged by engineers.

The front door: other packages import these names from `fieldops.observations`, never from its
modules (checked by `lint-imports`, see docs/architecture.md).
"""

from fieldops.observations.models import Observation, ObservationCategory
from fieldops.observations.schemas import FIELD_SCHEMAS, ObservationCreateSchema, PhotoBriefSchema
from fieldops.observations.services import (
    check_may_name_visit,
    create_observation,
    observation_query,
    visit_to_name,
)

__all__ = [
    "FIELD_SCHEMAS",
    "Observation",
    "ObservationCategory",
    "ObservationCreateSchema",
    "PhotoBriefSchema",
    "check_may_name_visit",
    "create_observation",
    "observation_query",
    "visit_to_name",
]
