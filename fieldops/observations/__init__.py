"""On-site observations (Wi-Fi, paperwork, hours, ...) logged by engineers.

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.observations.labels import FIELD_HINTS, FIELD_LABELS, field_label
from fieldops.observations.models import Observation, ObservationCategory
from fieldops.observations.schemas import FIELD_SCHEMAS, ObservationCreateSchema, PhotoBriefSchema
from fieldops.observations.services import (
    check_may_name_visit,
    create_observation,
    recent_observations,
    visit_observations,
    visit_to_name,
)
