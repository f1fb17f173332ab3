"""JSON routes for issues: /api/issues, comments and history."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_login import current_user

from fieldops.auth import Action, requires
from fieldops.clock import utcnow
from fieldops.core.arguments import Blueprint
from fieldops.core.pagination import ListArgsSchema, page_schema
from fieldops.issues import services
from fieldops.issues.models import Issue, IssueComment
from fieldops.issues.schemas import (
    CommentCreateSchema,
    CommentSchema,
    IssueCreateSchema,
    IssueDetailSchema,
    IssueEventSchema,
    IssueListArgsSchema,
    IssueSchema,
    IssueUpdateSchema,
)
from fieldops.notifications import FollowSchema, follow, is_following, unfollow

blp = Blueprint("Issues", __name__, url_prefix="/api/issues", description="Issues")


@blp.route("", methods=["GET"])
@requires(Action.READ_RECORDS)
@blp.arguments(IssueListArgsSchema(), location="query")
@blp.response(200, page_schema(IssueSchema))
def list_issues(args: dict[str, Any]) -> dict[str, Any]:
    """Issues; filter by store, status, category, severity, assignee, open, and words in the
    title or description (`q`); sort by `created_at`, `updated_at`, `severity` (by rank:
    critical > high > medium > low), `status` or `store` (its name)."""
    return services.issues_page(current_user, args)


@blp.route("", methods=["POST"])
@requires(Action.CREATE_RECORDS)
@blp.arguments(IssueCreateSchema)
@blp.response(201, IssueDetailSchema)
@blp.alt_response(200, schema=IssueDetailSchema, description="repeated client_id: the original")
def file_issue(data: dict[str, Any]) -> tuple[Issue, int]:
    """File an issue for a store. A repeated `client_id` answers 200 with the original."""
    issue, created = services.file_issue(data, current_user, utcnow())
    return issue, 201 if created else 200


@blp.route("/<int:issue_id>", methods=["GET"])
@requires(Action.READ_RECORDS)
@blp.response(200, IssueDetailSchema)
def get_issue(issue_id: int) -> Issue:
    """An issue with its comments, history and photos."""
    return services.visible_issue(issue_id, current_user)


def may_triage(issue_id: int) -> None:
    """Record-level check before the body is validated: 404 for an issue the caller may not
    see; 403 for a manager asking for more than closing or reopening, whatever the body."""
    issue = services.visible_issue(issue_id, current_user)
    body = request.get_json(silent=True)
    services.check_triage_rights(current_user, body if isinstance(body, dict) else {}, issue)


@blp.route("/<int:issue_id>", methods=["PATCH"])
@requires(Action.TRIAGE_ISSUES, may_triage)
@blp.arguments(IssueUpdateSchema)
@blp.response(200, IssueDetailSchema)
def update_issue(data: dict[str, Any], issue_id: int) -> Issue:
    """Change status, assignee or severity (managers: close or reopen); stale `version`: 409."""
    issue = services.visible_issue(issue_id, current_user, for_update=True)
    return services.update_issue(issue, data, current_user, utcnow())


@blp.route("/<int:issue_id>/comments", methods=["GET"])
@requires(Action.READ_RECORDS)
@blp.arguments(ListArgsSchema(), location="query")
@blp.response(200, page_schema(CommentSchema))
def list_comments(args: dict[str, Any], issue_id: int) -> dict[str, Any]:
    issue = services.visible_issue(issue_id, current_user)
    return services.comments_page(issue, args)


@blp.route("/<int:issue_id>/comments", methods=["POST"])
@requires(Action.CREATE_RECORDS)
@blp.arguments(CommentCreateSchema)
@blp.response(201, CommentSchema)
@blp.alt_response(200, schema=CommentSchema, description="repeated client_id: the original")
def add_comment(data: dict[str, Any], issue_id: int) -> tuple[IssueComment, int]:
    issue = services.visible_issue(issue_id, current_user)
    comment, created = services.add_comment(issue, data, current_user, utcnow())
    return comment, 201 if created else 200


@blp.route("/<int:issue_id>/history", methods=["GET"])
@requires(Action.READ_RECORDS)
@blp.arguments(ListArgsSchema(), location="query")
@blp.response(200, page_schema(IssueEventSchema))
def history(args: dict[str, Any], issue_id: int) -> dict[str, Any]:
    """Every change to the issue: who, when, from what to what."""
    issue = services.visible_issue(issue_id, current_user)
    return services.history_page(issue, args)


@blp.route("/<int:issue_id>/follow", methods=["GET"])
@requires(Action.READ_RECORDS)
@blp.response(200, FollowSchema)
def following(issue_id: int) -> dict[str, bool]:
    """Whether you follow the issue (are told of its comments and status changes)."""
    issue = services.visible_issue(issue_id, current_user)
    return {"following": is_following(issue.id, current_user.id)}


@blp.route("/<int:issue_id>/follow", methods=["PUT"])
@requires(Action.READ_RECORDS)
@blp.response(200, FollowSchema)
def follow_issue(issue_id: int) -> dict[str, bool]:
    """Follow the issue; anyone who may see it may. Following again changes nothing."""
    issue = services.visible_issue(issue_id, current_user)
    follow(issue.id, current_user.id)
    return {"following": True}


@blp.route("/<int:issue_id>/follow", methods=["DELETE"])
@requires(Action.READ_RECORDS)
@blp.response(200, FollowSchema)
def unfollow_issue(issue_id: int) -> dict[str, bool]:
    """Stop following the issue (its reporter and assignee too may)."""
    issue = services.visible_issue(issue_id, current_user)
    unfollow(issue.id, current_user.id)
    return {"following": False}
