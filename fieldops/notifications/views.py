"""HTML pages: the inbox, opening a notification, marking read, and the preferences form
(shown on the account page)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fieldops.auth import requires
from fieldops.clock import utcnow
from fieldops.core.pagination import list_args
from fieldops.database import writes
from fieldops.extensions import db
from fieldops.notifications import preferences, services
from fieldops.notifications.models import Channel, Notification, NotificationKind
from fieldops.notifications.schemas import NotificationListArgsSchema

blp = Blueprint("notifications", __name__)


@blp.get("/notifications")
@requires()
def inbox() -> ResponseReturnValue:
    args, errors = list_args(NotificationListArgsSchema())
    page = services.notifications_page(current_user, args)
    return render_template(
        "notifications/inbox.html", page=page, args=args, errors=errors
    ), 422 if errors else 200


@blp.get("/notifications/<int:notification_id>")
@writes
@requires()
def open_one(notification_id: int) -> ResponseReturnValue:
    """Mark the notification read and go where it points. Someone else's: 404."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.recipient_id != current_user.id:
        abort(404)
    services.mark_read(current_user, [notification.id], False, utcnow())
    return redirect(notification.link)


@blp.post("/notifications/read")
@requires()
def mark_read() -> ResponseReturnValue:
    ids = [int(v) for v in request.form.getlist("id") if v.isdigit()]
    everything = request.form.get("all") == "true"
    if ids or everything:
        services.mark_read(current_user, ids, everything, utcnow())
    return redirect(url_for("notifications.inbox"))


@blp.post("/account/notifications")
@requires()
def save_preferences() -> ResponseReturnValue:
    """The account page's form: a checkbox per kind and channel (an unchecked one is not
    sent, so every box of the form is read), and quiet hours."""
    checked = set(request.form.getlist("on"))
    channels = {
        kind.value: {
            channel.value: f"{kind.value}:{channel.value}" in checked for channel in Channel
        }
        for kind in NotificationKind
    }
    preferences.save_preferences(
        current_user,
        {"channels": channels, "quiet_outside_shifts": request.form.get("quiet") == "true"},
    )
    flash("Your notification preferences are saved.")
    return redirect(url_for("auth.account", _anchor="notifications"))
