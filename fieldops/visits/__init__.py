"""Field visits: planning, check-in and check-out, the engineer's day.

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.visits.missed import left_open, mark_missed
from fieldops.visits.models import Department, Visit, VisitStatus
from fieldops.visits.queries import (
    by_cio,
    recent_visits,
    upcoming_visits,
    visit_query,
    visits_today,
)
from fieldops.visits.schemas import (
    CheckInSchema,
    CheckOutSchema,
    StoreBriefSchema,
    UserBriefSchema,
    VisitSchema,
    VisitStartSchema,
)
from fieldops.visits.services import (
    OFF_SCHEDULE,
    check_in,
    check_out,
    may_name_visit,
    off_schedule,
    open_visit_at,
    own_visit,
    plan_visit,
    sees_check_in_position,
    start_visit,
)
