"""JSON routes for push subscriptions: /api/push-subscriptions (each user their own)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from fieldops.auth import requires
from fieldops.clock import utcnow
from fieldops.core.arguments import Blueprint
from fieldops.push import services
from fieldops.push.models import PushSubscription
from fieldops.push.schemas import EndpointSchema, SubscriptionSchema

blp = Blueprint(
    "Push subscriptions",
    __name__,
    url_prefix="/api/push-subscriptions",
    description="Web Push: the browsers that notify you",
)


@blp.route("", methods=["POST"])
@requires()
@blp.arguments(SubscriptionSchema)
@blp.response(201, SubscriptionSchema, description="a new subscription")
@blp.alt_response(200, schema=SubscriptionSchema, description="already known: updated")
def subscribe(data: dict[str, Any]) -> tuple[Any, int]:
    """Notify me on this browser: the body is its `PushSubscription.toJSON()`. The same
    endpoint again answers 200 (a browser another user subscribed becomes yours)."""
    subscription, created = services.subscribe(current_user, data, utcnow())
    return subscription, 201 if created else 200


@blp.route("", methods=["DELETE"])
@requires()
@blp.arguments(EndpointSchema)
@blp.response(200, SubscriptionSchema, description="removed: the subscription as it was")
def unsubscribe(data: dict[str, Any]) -> PushSubscription:
    """Stop notifying me on this browser; 404 when no subscription of yours has the endpoint."""
    return services.unsubscribe(current_user, data["endpoint"])
