"""JSON routes for notifications: /api/notifications, marking read, preferences."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from fieldops.auth import requires
from fieldops.clock import utcnow
from fieldops.core.arguments import Blueprint
from fieldops.notifications import preferences, services
from fieldops.notifications.schemas import (
    MarkReadResultSchema,
    MarkReadSchema,
    NotificationListArgsSchema,
    NotificationPageSchema,
    PreferencesSchema,
)

blp = Blueprint(
    "Notifications", __name__, url_prefix="/api/notifications", description="Notifications"
)


@blp.route("", methods=["GET"])
@requires()
@blp.arguments(NotificationListArgsSchema(), location="query")
@blp.response(200, NotificationPageSchema)
def list_notifications(args: dict[str, Any]) -> dict[str, Any]:
    """Your own notifications, newest first (sort `created_at`), `unread` filtering; the
    answer's `unread` counts your unread notifications in all."""
    return services.notifications_page(current_user, args)


@blp.route("/read", methods=["POST"])
@requires()
@blp.arguments(MarkReadSchema)
@blp.response(200, MarkReadResultSchema)
def mark_read(data: dict[str, Any]) -> dict[str, int]:
    """Mark notifications read: `ids` (of your own; others are ignored) or `all: true`."""
    marked = services.mark_read(current_user, data.get("ids"), data["all"], utcnow())
    return {"marked": marked, "unread": services.unread_count(current_user)}


@blp.route("/preferences", methods=["GET"])
@requires()
@blp.response(200, PreferencesSchema)
def get_preferences() -> dict[str, object]:
    """Per kind, which channels are on; and quiet hours for push."""
    return preferences.preferences_of(current_user)


@blp.route("/preferences", methods=["PUT"])
@requires()
@blp.arguments(PreferencesSchema)
@blp.response(200, PreferencesSchema)
def put_preferences(data: dict[str, Any]) -> dict[str, object]:
    """Turn channels on or off per kind (what is left out stays), and quiet hours."""
    return preferences.save_preferences(current_user, data)
