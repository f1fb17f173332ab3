"""Every feature's models, imported together so the mapper registry and Alembic see them all."""

from fieldops.audit.models import AuditEvent
from fieldops.auth.models import ApiToken, User, UserSession
from fieldops.coverage.models import Alert, AlertEvent, CoverageSnapshot
from fieldops.hours.models import (
    Closeout,
    DailyPresence,
    HoursStatus,
    RealHours,
    Signal,
)
from fieldops.issues.models import Issue, IssueComment, IssueEvent
from fieldops.jobs.models import JobRun, SchedulerLease
from fieldops.notifications.models import (
    IssueFollower,
    Notification,
    NotificationPreference,
    NotificationSettings,
)
from fieldops.observations.models import Observation
from fieldops.photos.models import Photo
from fieldops.planner.models import PlanItem, VisitPlan
from fieldops.push.models import PushSubscription
from fieldops.shifts.models import ShiftException, SupportShift, shift_engineers, shift_stores
from fieldops.sla.models import SlaEscalation, SlaPolicy
from fieldops.stores.models import HoursException, PostedHours, Store, store_managers
from fieldops.sync.models import SyncReceipt
from fieldops.visits.models import Visit

__all__ = [
    "Alert",
    "AlertEvent",
    "ApiToken",
    "CoverageSnapshot",
    "AuditEvent",
    "Closeout",
    "DailyPresence",
    "HoursStatus",
    "JobRun",
    "PlanItem",
    "VisitPlan",
    "RealHours",
    "SchedulerLease",
    "SlaEscalation",
    "SlaPolicy",
    "ShiftException",
    "Signal",
    "HoursException",
    "Issue",
    "IssueComment",
    "IssueEvent",
    "IssueFollower",
    "Notification",
    "NotificationPreference",
    "NotificationSettings",
    "Observation",
    "Photo",
    "PostedHours",
    "PushSubscription",
    "Store",
    "SupportShift",
    "SyncReceipt",
    "User",
    "UserSession",
    "Visit",
    "shift_engineers",
    "shift_stores",
    "store_managers",
]
