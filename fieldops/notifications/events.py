"""What issues and visits tell people: who follows an issue, and the notification of each
event. The issue and visit features call these inside their own changes; the actor is
never told of their own action, and a follower only of issues they may see.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa

from fieldops.auth import User
from fieldops.clock import zone
from fieldops.extensions import db
from fieldops.notifications.models import IssueFollower, NotificationKind
from fieldops.notifications.services import notify


class IssueLike(Protocol):
    id: int
    title: str


class EscalatedIssue(IssueLike, Protocol):
    severity: Any  # issues.Severity (a str enum)
    store: Any  # stores.Store


class VisitLike(Protocol):
    id: int
    engineer_id: int
    planned_start: datetime


def follow(issue_id: int, user_id: int) -> None:
    """`user_id` follows the issue (again: nothing changes)."""
    if db.session.get(IssueFollower, (issue_id, user_id)) is None:
        db.session.add(IssueFollower(issue_id=issue_id, user_id=user_id))
        db.session.flush()


def unfollow(issue_id: int, user_id: int) -> None:
    db.session.execute(
        sa.delete(IssueFollower).where(
            IssueFollower.issue_id == issue_id, IssueFollower.user_id == user_id
        )
    )


def is_following(issue_id: int, user_id: int) -> bool:
    return db.session.get(IssueFollower, (issue_id, user_id)) is not None


def _followers_but(issue_id: int, actor: User) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(IssueFollower.user_id).where(
                IssueFollower.issue_id == issue_id, IssueFollower.user_id != actor.id
            )
        )
    )


def _when(at: datetime, tz_name: str) -> str:
    """A visit's start as the store's wall clock, with its zone: Fri 04 Dec 09:00 CST."""
    return at.astimezone(zone(tz_name)).strftime("%a %d %b %H:%M %Z")


def _issue_link(issue: IssueLike) -> str:
    return f"/issues/{issue.id}"


def issue_assigned(issue: IssueLike, assignee: User, actor: User) -> None:
    """The new assignee follows the issue and, unless they assigned it to themselves, is
    told."""
    follow(issue.id, assignee.id)
    if assignee.id != actor.id:
        notify(
            [assignee.id],
            NotificationKind.ASSIGNED,
            title=f"Assigned to you: {issue.title}",
            body=f"{actor.name} assigned issue #{issue.id} to you.",
            link=_issue_link(issue),
            issue_id=issue.id,
        )


def issue_commented(issue: IssueLike, actor: User, text: str) -> None:
    notify(
        _followers_but(issue.id, actor),
        NotificationKind.ISSUE_COMMENT,
        title=f"New comment: {issue.title}",
        body=f"{actor.name} wrote on issue #{issue.id}:\n{text}",
        link=_issue_link(issue),
        issue_id=issue.id,
    )


def issue_status_changed(issue: IssueLike, old: str, new: str, actor: User) -> None:
    def words(status: str) -> str:
        return status.replace("_", " ")

    notify(
        _followers_but(issue.id, actor),
        NotificationKind.ISSUE_STATUS,
        title=f"{words(new).capitalize()}: {issue.title}",
        body=f"{actor.name} moved issue #{issue.id} from {words(old)} to {words(new)}.",
        link=_issue_link(issue),
        issue_id=issue.id,
    )


def visit_planned(visit: VisitLike, store_name: str, tz_name: str, actor: User) -> None:
    """Tell the engineer of a visit someone else planned for them."""
    if visit.engineer_id == actor.id:
        return
    when = _when(visit.planned_start, tz_name)
    notify(
        [visit.engineer_id],
        NotificationKind.VISIT_PLANNED,
        title=f"Visit planned: {store_name}, {when}",
        body=f"{actor.name} planned a visit to {store_name} for you on {when}.",
        link=f"/visits/{visit.id}",
        visit_id=visit.id,
    )


def visit_changed(
    visit: VisitLike, store_name: str, tz_name: str, actor: User, what: str, engineer_id: int
) -> None:
    """Tell the engineer of a visit (before a reassignment: the one it was taken from) of a
    change someone else made; `what` says it in words ("rescheduled", "cancelled")."""
    if engineer_id == actor.id:
        return
    when = _when(visit.planned_start, tz_name)
    notify(
        [engineer_id],
        NotificationKind.VISIT_CHANGED,
        title=f"Visit {what}: {store_name}, {when}",
        body=f"The visit to {store_name} on {when} was {what} by {actor.name}.",
        link=f"/visits/{visit.id}",
        visit_id=visit.id,
    )


def visit_missed(visit: VisitLike, store_name: str, tz_name: str, admin_ids: list[int]) -> None:
    """Tell the admins of a planned visit nobody checked in to."""
    when = _when(visit.planned_start, tz_name)
    notify(
        admin_ids,
        NotificationKind.VISIT_MISSED,
        title=f"Visit missed: {store_name}, {when}",
        body=f"Nobody checked in to the visit to {store_name} planned for {when}.",
        link=f"/visits/{visit.id}",
        visit_id=visit.id,
    )


def service_level_escalated(
    issue: EscalatedIssue,
    *,
    kind: str,
    target: str,
    due_at: datetime,
    user_ids: list[int],
    **_: Any,
) -> None:
    """Tell the people an escalation names (connected to `sla.sla_escalated`): a warning at
    75 % of a target, or its breach. Critical issues come through quiet hours."""
    what = "response" if target == "response" else "resolution"
    due = _when(due_at, issue.store.timezone)
    if kind == NotificationKind.SLA_WARNING:
        title = f"Service level: {what} due {due}: {issue.title}"
        body = f"Issue #{issue.id} has used 75 % of its {what} time; it is due {due}."
    else:
        title = f"Service level missed ({what}): {issue.title}"
        body = f"Issue #{issue.id} missed its {what} target, due {due}."
    notify(
        user_ids,
        kind,
        title=title,
        body=body,
        link=_issue_link(issue),
        issue_id=issue.id,
        critical=str(issue.severity) == "critical",
    )
