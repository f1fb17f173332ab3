"""Web Push: the browsers (phones) a user asked to be notified on, by their push subscriptions.

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.push.models import PushSubscription
from fieldops.push.services import subscribe, unsubscribe
