"""The alerts pages: the full list (/alerts, admin and CIO, filtered as the API is) and the
form that acknowledges, assigns or notes an alert (admin), posted from the list and from
the overview's open alerts, which it returns to."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fieldops.auth import Action, can, requires, safe_next
from fieldops.clock import utcnow
from fieldops.core.forms import form_values, submit
from fieldops.core.pagination import list_args
from fieldops.coverage import (
    AlertEvent,
    AlertKind,
    AlertListArgsSchema,
    AlertUpdateSchema,
    alerts_page,
    get_alert,
    owners,
    update_alert,
)
from fieldops.stores import regions

blp = Blueprint("alert_pages", __name__)
CLEARABLE = ("assignee_id", "note")  # a blank select or box clears them


def event_text(event: AlertEvent, names: dict[int, str]) -> str:
    """One history entry in words: "Assigned to Eve Engineer; note: Adding a desk"."""
    parts = []
    for field, step in event.change.items():
        new = step.get("to")
        if field == "open":
            parts.append("Opened by the coverage snapshot" if new else "Closed: condition cleared")
        elif field == "acknowledged":
            parts.append("Acknowledged" if new else "Acknowledgement withdrawn")
        elif field == "assignee_id":
            parts.append(f"Assigned to {names.get(new, f'user {new}')}" if new else "Unassigned")
        elif field == "note":
            parts.append(f"Note: {new}" if new else "Note cleared")
    return "; ".join(parts)


def controls_context() -> dict[str, Any]:
    """What the alert controls need: whether the reader may use them, and whom to offer."""
    manage = can(current_user, Action.MANAGE_ALERTS)
    return {"manage_alerts": manage, "alert_owners": owners() if manage else []}


@blp.get("/alerts")
@requires(Action.VIEW_OVERVIEW)
def index() -> ResponseReturnValue:
    args, errors = list_args(AlertListArgsSchema())
    page = alerts_page(current_user, args)
    people = owners()
    return render_template(
        "alerts/index.html",
        page=page,
        args=args,
        errors=errors,
        regions=regions(),
        kinds=list(AlertKind),
        people=people,
        names={user.id: user.name for user in people},
        event_text=event_text,
        **controls_context(),
    ), 422 if errors else 200


@blp.post("/alerts/<int:alert_id>")
@requires(Action.MANAGE_ALERTS)
def update(alert_id: int) -> ResponseReturnValue:
    """Acknowledge, assign or note an alert, then back to the page the form was on."""
    alert = get_alert(alert_id, current_user, for_update=True)
    values = form_values()
    values.pop("next", None)
    for key in CLEARABLE:
        if key in request.form and key not in values:
            values[key] = None
    done, errors = submit(
        AlertUpdateSchema(), values, lambda data: update_alert(alert, data, current_user, utcnow())
    )
    if done is None:
        flash(" ".join(message for messages in errors.values() for message in messages), "error")
    else:
        flash("Alert updated.")
    return redirect(safe_next(request.form.get("next")) or url_for("overview.index"))
