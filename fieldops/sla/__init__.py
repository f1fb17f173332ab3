"""Service levels: per severity, minutes to respond and to resolve, counted on a clock of
the store's real customer hours, its posted hours, or every hour.

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.sla.escalation import (
    BREACH,
    WARNING,
    Escalation,
    escalations_due,
    recipients,
    sla_escalated,
)
from fieldops.sla.hours import ClockHours
from fieldops.sla.models import Clock, SlaEscalation, SlaPolicy
from fieldops.sla.schemas import SlaSchema
from fieldops.sla.services import (
    clock_book,
    get_policy,
    policies,
    policy_changed,
    rules_for,
    store_clock_hours,
    update_policy,
)
from fieldops.sla.timeline import Checkpoint, Rules, Step, Verdict, derive, reading
