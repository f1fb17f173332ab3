"""Field visits: planning, check-in and check-out, the engineer's day.

The front door: other packages import these names from `fieldops.visits`, never from its
modules (checked by `lint-imports`, see docs/architecture.md).
"""

from fieldops.visits.models import Department, Visit, VisitStatus
from fieldops.visits.schemas import CheckInSchema, CheckOutSchema, StoreBriefSchema, UserBriefSchema
from fieldops.visits.services import (
    check_in,
    check_out,
    own_visit,
    upcoming_visits,
    visit_query,
    visits_today,
)

__all__ = [
    "CheckInSchema",
    "CheckOutSchema",
    "Department",
    "StoreBriefSchema",
    "UserBriefSchema",
    "Visit",
    "VisitStatus",
    "check_in",
    "check_out",
    "own_visit",
    "upcoming_visits",
    "visit_query",
    "visits_today",
]
