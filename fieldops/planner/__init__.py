"""The visit planner: who goes where and when, in each store's real customer hours and
the engineers' working hours, with the least driving (VROOM through pyvroom).

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.planner.models import ItemState, PlanItem, PlanStatus, VisitPlan
from fieldops.planner.schemas import PlanSchema
