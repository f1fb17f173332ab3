"""Rules for issues: filing, triage (status, assignee, severity), comments, history."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from fieldops.auth import Role, User
from fieldops.core.errors import Conflict, Forbidden, Invalid, NotFound
from fieldops.core.idempotency import create_once
from fieldops.core.pagination import Page, Sorting, paginate
from fieldops.extensions import db
from fieldops.issues.models import (
    Issue,
    IssueCategory,
    IssueComment,
    IssueEvent,
    IssueStatus,
    Severity,
)
from fieldops.issues.service_levels import checkpoint, refresh
from fieldops.notifications import (
    follow,
    issue_assigned,
    issue_commented,
    issue_status_changed,
)
from fieldops.sla import rules_for
from fieldops.stores import Store, get_visible, visible

# Waiting on the store is open too: it is counted and listed with the open issues.
OPEN_STATUSES = (
    IssueStatus.OPEN,
    IssueStatus.ACKNOWLEDGED,
    IssueStatus.IN_PROGRESS,
    IssueStatus.WAITING_ON_STORE,
)
# A manager may only close an issue of their store, or reopen it.
MANAGER_STATUSES = frozenset({IssueStatus.CLOSED, IssueStatus.OPEN})
CLOSED_STATUSES = (IssueStatus.RESOLVED, IssueStatus.CLOSED)
ASSIGNABLE_ROLES = frozenset({Role.ENGINEER, Role.ADMIN})
SEVERITY_RANK = sa.case(
    {
        Severity.CRITICAL.value: 4,
        Severity.HIGH.value: 3,
        Severity.MEDIUM.value: 2,
        Severity.LOW.value: 1,
    },
    value=Issue.severity,
)
# Sorting by store is by its name, read by a correlated subquery so the list's query needs
# no join of its own.
STORE_NAME = (
    sa.select(Store.name).where(Store.id == Issue.store_id).scalar_subquery().label("store_name")
)
SORTING = Sorting(
    {
        "created_at": Issue.created_at,
        "updated_at": Issue.updated_at,
        "severity": SEVERITY_RANK,
        "status": Issue.status,
        "store": STORE_NAME,
    },
    "-created_at",
    Issue.id,
)
COMMENT_SORTING = Sorting({"created_at": IssueComment.created_at}, "created_at", IssueComment.id)
HISTORY_SORTING = Sorting({"at": IssueEvent.at}, "at", IssueEvent.id)


def issue_query(
    user: User,
    store_id: int | None = None,
    status: IssueStatus | None = None,
    category: IssueCategory | None = None,
    severity: Severity | None = None,
    assignee: str | None = None,
    open_only: bool | None = None,
    text: str | None = None,
) -> sa.Select[Any]:
    """The issues `user` may read, filtered. `text` is found in the title or description,
    in any case, as typed: % and _ in it are not wildcards."""
    stmt = visible(sa.select(Issue), Issue, user).options(
        joinedload(Issue.store), joinedload(Issue.reporter), joinedload(Issue.assignee)
    )
    if store_id is not None:
        stmt = stmt.where(Issue.store_id == store_id)
    if status is not None:
        stmt = stmt.where(Issue.status == status)
    if category is not None:
        stmt = stmt.where(Issue.category == category)
    if severity is not None:
        stmt = stmt.where(Issue.severity == severity)
    if assignee == "me":
        stmt = stmt.where(Issue.assignee_id == user.id)
    elif assignee == "none":
        stmt = stmt.where(Issue.assignee_id.is_(None))
    elif assignee:
        stmt = stmt.where(Issue.assignee_id == int(assignee))
    if text and text.strip():
        words = text.strip()
        stmt = stmt.where(
            sa.or_(
                Issue.title.icontains(words, autoescape=True),
                Issue.description.icontains(words, autoescape=True),
            )
        )
    if open_only is True:
        stmt = stmt.where(Issue.status.in_(OPEN_STATUSES))
    elif open_only is False:
        stmt = stmt.where(Issue.status.not_in(OPEN_STATUSES))
    return stmt


def issues_page(user: User, args: Mapping[str, Any]) -> Page:
    """One page of the issue list, from its validated arguments (the API's and the page's)."""
    stmt = issue_query(
        user,
        store_id=args.get("store_id"),
        status=args.get("status"),
        category=args.get("category"),
        severity=args.get("severity"),
        assignee=args.get("assignee"),
        open_only=args.get("open"),
        text=args.get("q"),
    )
    return paginate(stmt, args, SORTING)


def comments_page(issue: Issue, args: Mapping[str, Any]) -> Page:
    """One page of an issue's comments."""
    stmt = sa.select(IssueComment).where(IssueComment.issue_id == issue.id)
    return paginate(stmt, args, COMMENT_SORTING)


def history_page(issue: Issue, args: Mapping[str, Any]) -> Page:
    """One page of an issue's history: every change, who made it, from what to what."""
    stmt = sa.select(IssueEvent).where(IssueEvent.issue_id == issue.id)
    return paginate(stmt, args, HISTORY_SORTING)


def open_issues(user: User, store_id: int, limit: int = 50) -> list[Issue]:
    """A store's open issues that `user` may read, newest first."""
    stmt = issue_query(user, store_id=store_id, open_only=True)
    return list(db.session.scalars(stmt.order_by(Issue.created_at.desc()).limit(limit)))


def newest_open_issue_ids(user: User, store_ids: list[int], per_store: int) -> dict[int, list[int]]:
    """The ids of each store's newest open issues (at most `per_store`), in one query."""
    newest: dict[int, list[int]] = {store_id: [] for store_id in store_ids}
    rows = db.session.execute(
        issue_query(user, open_only=True)
        .where(Issue.store_id.in_(store_ids))
        .order_by(sa.desc(Issue.created_at))
        .with_only_columns(Issue.id, Issue.store_id)
    )
    for issue_id, store_id in rows:
        if len(newest[store_id]) < per_store:
            newest[store_id].append(issue_id)
    return newest


def _event(
    issue: Issue,
    actor: User,
    now: datetime,
    field: str,
    old: Any,
    new: Any,
    at: datetime | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """A line of history at `now`; `at`, an offline change's phone time, is kept for the
    service-level clock (which counts it then)."""

    def text(value: Any) -> str | None:
        return None if value is None else str(getattr(value, "value", value))[:200]

    if at is not None and at < now:
        detail = {**(detail or {}), "counted_at": at.isoformat()}
    issue.events.append(
        IssueEvent(
            actor_id=actor.id,
            at=now,
            field=field,
            old_value=text(old),
            new_value=text(new),
            detail=detail,
        )
    )


def _reported_at(data: dict[str, Any], now: datetime) -> datetime:
    """When the store met the problem: given (not in the future, at most
    SLA_REPORTED_MAX_DAYS back) or now. A device clock slightly ahead of the server's
    (CLOCK_SKEW_TOLERANCE) reads as now."""
    reported = data.get("reported_at")
    if reported is None:
        return now
    if reported > now + current_app.config["CLOCK_SKEW_TOLERANCE"]:
        raise Invalid("The report time may not be in the future.", "reported_at")
    days = current_app.config["SLA_REPORTED_MAX_DAYS"]
    if reported < now - timedelta(days=days):
        raise Invalid(f"The report time may be at most {days} days back.", "reported_at")
    return min(reported, now)


def file_issue(data: dict[str, Any], reporter: User, now: datetime) -> tuple[Issue, bool]:
    """(issue, created). A repeated client_id returns the first one, creating nothing. The
    service-level clock starts at `reported_at`, under the severity's policy of `now`."""

    def build() -> Issue:
        store = get_visible(Store, data["store_id"], reporter, "store_id")
        issue = Issue(
            store_id=store.id,
            reporter_id=reporter.id,
            category=data["category"],
            severity=data["severity"],
            status=IssueStatus.OPEN,
            title=data["title"].strip(),
            description=data.get("description") or "",
            client_id=data.get("client_id"),
            created_at=now,
            reported_at=reported_at,
            updated_at=now,
        )
        rules = rules_for(data["severity"].value)
        _event(
            issue,
            reporter,
            now,
            "created",
            None,
            IssueStatus.OPEN,
            detail={"rules": rules.as_json()},
        )
        return issue

    reported_at = _reported_at(data, now)
    issue, created = create_once(
        Issue, Issue.reporter_id, reporter.id, data.get("client_id"), build
    )
    if created:
        refresh(issue, now)
        follow(issue.id, reporter.id)
    return issue, created


def _assignee(assignee_id: int | None) -> User | None:
    if assignee_id is None:
        return None
    user = db.session.get(User, assignee_id)
    if user is None:
        raise NotFound(f"No user with id {assignee_id}.", "assignee_id")
    if user.role not in ASSIGNABLE_ROLES or not user.active:
        raise Invalid("Issues are assigned to active engineers or admins.", "assignee_id")
    return user


def check_triage_rights(
    actor: User, changes: Mapping[str, Any], issue: Issue | None = None
) -> None:
    """Managers may only close or reopen, or answer an issue waiting on their store (move
    it to in_progress); other roles with the right may change anything.

    `changes` may be the raw request body (checked before it is validated, so a manager's
    forbidden request gets 403 whatever else is wrong with it) or the validated one.
    Reopening means moving a resolved or closed issue back to open: a manager may not use
    it to undo triage of an issue that is still being worked on.
    """
    if actor.role != Role.MANAGER:
        return
    refused = Forbidden("Store managers may only close or reopen issues.")
    if set(changes) - {"status", "version"}:
        raise refused
    if "status" not in changes:
        return
    status = changes["status"]
    answers = (
        status == IssueStatus.IN_PROGRESS
        and issue is not None
        and issue.status == IssueStatus.WAITING_ON_STORE
    )
    if not isinstance(status, str) or (status not in MANAGER_STATUSES and not answers):
        raise refused
    if (
        issue is not None
        and status == IssueStatus.OPEN
        and issue.status not in (IssueStatus.OPEN, *CLOSED_STATUSES)
    ):
        raise Forbidden("Store managers may only reopen a resolved or closed issue.")


def _set_status(issue: Issue, status: IssueStatus, now: datetime) -> None:
    issue.status = status
    acknowledged = (IssueStatus.ACKNOWLEDGED, IssueStatus.IN_PROGRESS, IssueStatus.WAITING_ON_STORE)
    if status in acknowledged and not issue.acknowledged_at:
        issue.acknowledged_at = now
    if status == IssueStatus.RESOLVED:
        issue.resolved_at = now
    if status == IssueStatus.CLOSED:
        issue.closed_at = now
        issue.resolved_at = issue.resolved_at or now
    if status in OPEN_STATUSES:
        issue.resolved_at = issue.closed_at = None


def update_issue(
    issue: Issue,
    changes: dict[str, Any],
    actor: User,
    now: datetime,
    at: datetime | None = None,
) -> Issue:
    """Change status, assignee or severity; each change goes into the history (`at`: the
    phone's time of an offline change, when the service-level clock counts it). A new
    severity keeps the service-level minutes elapsed and counts by its policy from now."""
    check_triage_rights(actor, changes, issue)
    version = changes.get("version")
    if version is not None and version != issue.version:
        raise Conflict(
            f"The issue changed since you read it (version {version}, now {issue.version}).",
            issue,
            "version",
        )
    if "severity" in changes and changes["severity"] != issue.severity:
        # before anything changes: the minutes elapsed until now, under the old rules
        checkpoint(issue, rules_for(changes["severity"].value), now, "severity", actor.id)
    old_status = issue.status
    if "status" in changes and changes["status"] != issue.status:
        _event(issue, actor, now, "status", issue.status, changes["status"], at)
        _set_status(issue, changes["status"], now)
    new_assignee = None
    if "assignee_id" in changes and changes["assignee_id"] != issue.assignee_id:
        new = new_assignee = _assignee(changes["assignee_id"])
        _event(
            issue,
            actor,
            now,
            "assignee",
            issue.assignee.name if issue.assignee else None,
            new.name if new else None,
            at,
        )
        issue.assignee = new
    if "severity" in changes and changes["severity"] != issue.severity:
        _event(issue, actor, now, "severity", issue.severity, changes["severity"])
        issue.severity = changes["severity"]
    if db.session.is_modified(issue):
        issue.updated_at = now
        refresh(issue, now)
    db.session.flush()
    # Told after the one flush of the change (a flush in between would count the version twice).
    if new_assignee is not None:
        issue_assigned(issue, new_assignee, actor)
    if issue.status != old_status:
        issue_status_changed(issue, old_status, issue.status, actor)
    return issue


def add_comment(
    issue: Issue,
    data: dict[str, Any],
    author: User,
    now: datetime,
    at: datetime | None = None,
) -> tuple[IssueComment, bool]:
    """(comment, created). A repeated client_id returns the first one. A manager's comment
    on an issue waiting on their store answers it: the issue moves to in_progress."""

    def build() -> IssueComment:
        return IssueComment(
            issue_id=issue.id,
            author_id=author.id,
            body=data["body"].strip(),
            client_id=data.get("client_id"),
            created_at=now,
        )

    comment, created = create_once(
        IssueComment, IssueComment.author_id, author.id, data.get("client_id"), build
    )
    if created:  # a comment is history too, but does not change the issue's version
        _event(issue, author, now, "comment", None, comment.body, at)
        if author.role == Role.MANAGER and issue.status == IssueStatus.WAITING_ON_STORE:
            _event(issue, author, now, "status", issue.status, IssueStatus.IN_PROGRESS, at)
            _set_status(issue, IssueStatus.IN_PROGRESS, now)
            issue.updated_at = now
        refresh(issue, now)
        issue_commented(issue, author, comment.body)
    return comment, created


def visible_issue(issue_id: int, user: User, *, for_update: bool = False) -> Issue:
    return get_visible(Issue, issue_id, user, for_update=for_update)
