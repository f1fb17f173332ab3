"""Alerts a person can own: the list, and acknowledging, assigning and noting one.

The snapshot job opens an alert when a store's condition appears and closes it when the
condition clears (`fieldops.coverage.snapshots`); people act on it in between. Every
change, the job's included, is one `AlertEvent` holding what changed from what to what,
so an alert's history stays readable after it closes.

Who may own an alert: an active admin, CIO or engineer (the people who can change shifts,
plan visits or fix a store's IT); store managers report problems rather than own them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from fieldops.audit import record
from fieldops.auth import Role, User
from fieldops.core.errors import Conflict, Invalid
from fieldops.core.pagination import Page, Sorting, paginate
from fieldops.coverage.models import Alert, AlertEvent
from fieldops.extensions import db
from fieldops.stores import Store, get_visible, visible

OWNER_ROLES = frozenset({Role.ADMIN, Role.CIO, Role.ENGINEER})
OPENED = {"open": {"from": False, "to": True}}
CLOSED = {"open": {"from": True, "to": False}}

SORTING = Sorting(
    {
        "opened_at": Alert.opened_at,
        "closed_at": Alert.closed_at,
        "kind": Alert.kind,
        "store": Store.name,
    },
    "-opened_at",
    Alert.id.desc(),
)


def alert_query(user: User, args: Mapping[str, Any]) -> sa.Select[Any]:
    """The alerts of the stores `user` may see, filtered by `kind`, `region`, `assignee`
    (a user id, "me" or "none") and `open`."""
    stmt = (
        visible(sa.select(Alert), Alert, user)
        .join(Store, Store.id == Alert.store_id)
        .options(
            selectinload(Alert.store),
            selectinload(Alert.assignee),
            selectinload(Alert.acknowledged_by),
            selectinload(Alert.events),
        )
    )
    if args.get("kind"):
        stmt = stmt.where(Alert.kind == args["kind"])
    if args.get("region"):
        stmt = stmt.where(Store.region == args["region"])
    assignee = args.get("assignee")
    if assignee == "none":
        stmt = stmt.where(Alert.assignee_id.is_(None))
    elif assignee is not None:
        stmt = stmt.where(Alert.assignee_id == (user.id if assignee == "me" else int(assignee)))
    if args.get("open") is not None:
        stmt = stmt.where(
            Alert.closed_at.is_(None) if args["open"] else Alert.closed_at.is_not(None)
        )
    return stmt


def alerts_page(user: User, args: Mapping[str, Any]) -> Page:
    """One page of alerts, newest first unless `sort` says otherwise."""
    return paginate(alert_query(user, args), args, SORTING)


def get_alert(alert_id: int, user: User, *, for_update: bool = False) -> Alert:
    return get_visible(Alert, alert_id, user, for_update=for_update)


def owners() -> list[User]:
    """Who may be assigned an alert: active admins, CIOs and engineers, by name."""
    stmt = (
        sa.select(User)
        .where(User.role.in_(OWNER_ROLES), User.active.is_(True))
        .order_by(User.name, User.id)
    )
    return list(db.session.scalars(stmt))


def _owner(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.role not in OWNER_ROLES:
        raise Invalid(
            f"No active admin, CIO or engineer with id {user_id}: only they own alerts.",
            "assignee_id",
        )
    return user


def _changes(alert: Alert, data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """What `data` changes on `alert`, as {field: {"from", "to"}}; unchanged fields left out."""
    before = {
        "acknowledged": alert.acknowledged_at is not None,
        "assignee_id": alert.assignee_id,
        "note": alert.note,
    }
    after = dict(data)
    if "note" in after:
        after["note"] = (after["note"] or "").strip() or None
    return {
        key: {"from": before[key], "to": value}
        for key, value in after.items()
        if key in before and value != before[key]
    }


def update_alert(alert: Alert, data: Mapping[str, Any], actor: User, now: datetime) -> Alert:
    """Acknowledge (or un-acknowledge), assign (None: nobody) or note an open alert; the
    change goes into its history and the audit log. A closed alert is history: 409."""
    if not alert.is_open:
        raise Conflict("This alert is closed: its condition cleared.", alert, "open")
    changes = _changes(alert, data)
    if not changes:
        return alert
    if "assignee_id" in changes:
        new = changes["assignee_id"]["to"]
        alert.assignee = _owner(new) if new is not None else None
    if "acknowledged" in changes:
        acknowledged = changes["acknowledged"]["to"]
        alert.acknowledged_at = now if acknowledged else None
        alert.acknowledged_by = actor if acknowledged else None
    if "note" in changes:
        alert.note = changes["note"]["to"]
    alert.events.append(AlertEvent(at=now, actor_id=actor.id, change=changes))
    db.session.flush()
    record(actor, "alert.updated", "alert", alert.id, now=now, fields=sorted(changes))
    return alert


def log_system_events(alert_ids: Iterable[int], change: dict[str, Any], now: datetime) -> None:
    """The snapshot job's history entries (no actor): opened or closed alerts."""
    rows = [{"alert_id": i, "at": now, "actor_id": None, "change": change} for i in alert_ids]
    if rows:
        db.session.execute(sa.insert(AlertEvent), rows)
