"""Rules for notifications: telling people, their inbox, and delivery after the commit.

`notify` adds notifications inside the request's (or job run's) transaction; nothing
leaves the application until that transaction has committed. Then `deliver_committed`
sends the mails and fires `notification_created` for each notification, so that a
channel outside the database (push) can pick it up. `create_app` calls it after each
request's commit; a job run that notifies calls it after its own commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from blinker import Signal
from flask import Flask, current_app
from sqlalchemy.orm import Session

from fieldops.auth import User
from fieldops.clock import utcnow
from fieldops.core.pagination import Page, Sorting, paginate
from fieldops.extensions import db
from fieldops.notifications.courier import courier
from fieldops.notifications.mail import Mail, send_mails
from fieldops.notifications.models import Channel, Notification, NotificationKind
from fieldops.notifications.preferences import wants
from fieldops.stores import SEES_ALL_STORES, store_managers

# Sent with `notification_id` once the notification is committed, outside any transaction:
# a receiver that writes commits its own work.
notification_created = Signal("notification-created")

KINDS = frozenset(kind.value for kind in NotificationKind)
# Notifications made at the same instant: the one made last first.
SORTING = Sorting({"created_at": Notification.created_at}, "-created_at", Notification.id.desc())
# In the session's info: (id, mail, the transaction it was made in) not yet committed, and
# (id, mail) committed, not yet delivered.
PENDING = "notifications.pending"
COMMITTED = "notifications.committed"

# The related records' stores, read without importing the features above this one.
_ISSUES = sa.table("issues", sa.column("id"), sa.column("store_id"))
_VISITS = sa.table("visits", sa.column("id"), sa.column("store_id"))


def _store_of(issue_id: int | None, visit_id: int | None) -> int | None:
    if issue_id is not None:
        return db.session.scalar(sa.select(_ISSUES.c.store_id).where(_ISSUES.c.id == issue_id))
    if visit_id is not None:
        return db.session.scalar(sa.select(_VISITS.c.store_id).where(_VISITS.c.id == visit_id))
    return None


def _recipients(user_ids: Iterable[int], store_id: int | None) -> list[User]:
    """The active users among `user_ids` who may see `store_id` (a manager: only their own
    stores), in id order."""
    stmt = sa.select(User).where(User.id.in_(set(user_ids)), User.active.is_(True))
    if store_id is not None:
        managed = sa.select(store_managers.c.user_id).where(store_managers.c.store_id == store_id)
        stmt = stmt.where(sa.or_(User.role.in_(SEES_ALL_STORES), User.id.in_(managed)))
    return list(db.session.scalars(stmt.order_by(User.id)))


def _mail(user: User, title: str, body: str, link: str) -> Mail:
    url = current_app.config["PUBLIC_URL"].rstrip("/") + link
    return Mail(to=user.email, subject=f"[FieldOps] {title}", body=f"{body}\n\n{url}\n")


def notify(
    user_ids: Iterable[int],
    kind: str,
    *,
    title: str,
    body: str,
    link: str,
    issue_id: int | None = None,
    visit_id: int | None = None,
    critical: bool = False,
) -> list[Notification]:
    """Tell each of `user_ids` (those who may see the related issue's or visit's store, and
    want to hear of `kind` in the app or by push) in the current transaction; each email
    wanted is sent after the commit. `link` is a path of the app (/issues/12)."""
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}")
    now = utcnow()
    created = []
    pending = db.session.info.setdefault(PENDING, [])
    for user in _recipients(user_ids, _store_of(issue_id, visit_id)):
        shown = wants(user, Channel.IN_APP, kind, critical, now)
        email = wants(user, Channel.EMAIL, kind, critical, now)
        if not (shown or email or wants(user, Channel.PUSH, kind, critical, now)):
            continue
        notification = Notification(
            recipient_id=user.id,
            kind=kind,
            title=title[:200],
            body=body,
            link=link,
            issue_id=issue_id,
            visit_id=visit_id,
            critical=critical,
            shown=shown,
            created_at=now,
        )
        db.session.add(notification)
        created.append((notification, _mail(user, title, body, link) if email else None))
    db.session.flush()
    session = db.session()
    made_in = session.get_nested_transaction() or session.get_transaction()
    pending.extend((notification.id, mail, made_in) for notification, mail in created)
    return [notification for notification, _ in created]


def _committed(session: Session) -> None:
    pending = session.info.pop(PENDING, [])
    if pending:
        session.info.setdefault(COMMITTED, []).extend((id_, mail) for id_, mail, _ in pending)


def _within(transaction: Any, outer: Any) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


def _rolled_back(session: Session, previous_transaction: Any) -> None:
    """Forget the notifications made inside the transaction or savepoint rolled back (a
    rejected operation of an offline sync rolls back its own savepoint only)."""
    pending = session.info.get(PENDING)
    if pending:
        pending[:] = [p for p in pending if not _within(p[2], previous_transaction)]


def deliver_committed(app: Flask | None = None) -> None:
    """Send the mails of the notifications committed so far and fire `notification_created`
    for each; call it after a commit, outside any transaction. With
    NOTIFICATIONS_IN_BACKGROUND this happens on the courier's thread (courier.py), so the
    caller does not wait for the SMTP server or the push services."""
    delivered = db.session.info.pop(COMMITTED, [])
    if not delivered:
        return
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config["NOTIFICATIONS_IN_BACKGROUND"]:
        courier.post(lambda: _deliver(app, delivered))
    else:
        _deliver(app, delivered)


def _deliver(app: Flask, delivered: list[tuple[int, Mail | None]]) -> None:
    with app.app_context():
        send_mails((mail for _, mail in delivered if mail is not None), app.config)
        for notification_id, _ in delivered:
            notification_created.send(app, notification_id=notification_id)


def init_delivery() -> None:
    """Follow the session's transactions: notifications move from pending to committed when
    the outermost transaction commits, and are forgotten when it rolls back. Installing
    twice (one app per test) is harmless."""
    for name, listener in (("after_commit", _committed), ("after_soft_rollback", _rolled_back)):
        if not sa.event.contains(Session, name, listener):
            sa.event.listen(Session, name, listener)


def _own(user: User) -> sa.Select[Any]:
    return sa.select(Notification).where(
        Notification.recipient_id == user.id, Notification.shown.is_(True)
    )


def notifications_page(user: User, args: Mapping[str, Any]) -> dict[str, Any]:
    """One page of the user's own notifications (`unread`: only those), and how many are
    unread in all."""
    stmt = _own(user)
    if args.get("unread") is True:
        stmt = stmt.where(Notification.read_at.is_(None))
    elif args.get("unread") is False:
        stmt = stmt.where(Notification.read_at.is_not(None))
    page: Page = paginate(stmt, args, SORTING)
    return {**page, "unread": unread_count(user)}


def unread_count(user: User) -> int:
    stmt = _own(user).where(Notification.read_at.is_(None))
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0


def mark_read(user: User, ids: list[int] | None, everything: bool, now: datetime) -> int:
    """Mark the user's own unread notifications read: those of `ids` (others' ids are
    ignored), or all of them. The number marked."""
    stmt = sa.update(Notification).where(
        Notification.recipient_id == user.id, Notification.read_at.is_(None)
    )
    if not everything:
        stmt = stmt.where(Notification.id.in_(set(ids or ())))
    result = db.session.execute(
        stmt.values(read_at=now).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
