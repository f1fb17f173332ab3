"""Web Push: the browsers (phones) a user asked to be notified on, by their push subscriptions,
and what is pushed to them (docs/push.md).

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.push.models import PushSubscription
from fieldops.push.services import (
    new_vapid_keys,
    push_notification,
    send_to_user,
    subscribe,
    unsubscribe,
)
