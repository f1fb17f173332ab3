"""Notifications: the inbox and its bell, following issues, email, and each person's
preferences per channel and kind (docs/notifications.md).

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.notifications.events import (
    follow,
    is_following,
    issue_assigned,
    issue_commented,
    issue_status_changed,
    service_level_escalated,
    unfollow,
    visit_changed,
    visit_missed,
    visit_planned,
)
from fieldops.notifications.models import Channel, IssueFollower, Notification, NotificationKind
from fieldops.notifications.preferences import preferences_of, wants
from fieldops.notifications.schemas import FollowSchema
from fieldops.notifications.services import (
    deliver_committed,
    init_delivery,
    notification_created,
    notify,
    unread_count,
)
