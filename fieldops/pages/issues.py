"""HTML pages for issues: the list, filing one (with photos), following and triaging one."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fieldops.auth import Action, Role, can, requires, users_with_role
from fieldops.clock import utcnow
from fieldops.core.errors import Invalid
from fieldops.core.forms import form_values, submit
from fieldops.core.input_checks import accepts_large_body
from fieldops.core.pagination import list_args
from fieldops.issues import (
    CommentCreateSchema,
    Issue,
    IssueCategory,
    IssueCreateSchema,
    IssueListArgsSchema,
    IssueStatus,
    IssueUpdateSchema,
    Severity,
    add_comment,
    file_issue,
    issues_page,
    sla_payload,
    sla_view,
    update_issue,
    visible_issue,
)
from fieldops.notifications import follow, is_following, unfollow
from fieldops.pages.templating import label
from fieldops.photos import CleanImage, PhotoFileSchema, add_photo, form_photos, photos_of
from fieldops.stores import Store, get_visible, stores_to_pick

blp = Blueprint("issues", __name__)


def choices(members: Any) -> list[tuple[str, str]]:
    """(value, label) pairs for a select, from an enum or a list of its members."""
    return [(m.value, label(m)) for m in members]


# The page's sort choices (the API accepts every key of the list's sorting).
SORTS = [
    ("-created_at", "Newest"),
    ("-severity", "Severity"),
    ("store", "Store name"),
]
# The page's one Status select: the API's `open` for its first three choices, its `status`
# for the others. Without one, the page shows open issues.
SHOWN_OPEN = {"": "true", "done": "false", "all": None}
OPEN_SHOWN = {"true": "", "false": "done", "all": "all"}


def _shown(values: dict[str, Any]) -> str:
    """The Status select's choice, turned into the list's arguments in `values`. An older
    link's `open=true|false|all` still works when no status is given."""
    shown = values.pop("status", "") or OPEN_SHOWN.get(values.get("open", "true"), "")
    values.pop("open", None)
    if shown not in SHOWN_OPEN:
        values["status"] = shown
    elif SHOWN_OPEN[shown] is not None:
        values["open"] = SHOWN_OPEN[shown]
    return shown


@blp.get("/issues")
@requires(Action.READ_RECORDS)
def index() -> ResponseReturnValue:
    """The issue list, its filters in the URL (a GET form), so a reload or a bookmark keeps
    them."""
    values = form_values(request.args)
    shown = _shown(values)
    args, errors = list_args(IssueListArgsSchema(), values)
    page = issues_page(current_user, args)
    now = utcnow()
    return render_template(
        "issues/index.html",
        page=page,
        slas={issue.id: sla_payload(issue, now) for issue in page["items"]},
        args=args,
        errors=errors,
        shown=shown,
        stores=stores_to_pick(current_user),
        statuses=choices(IssueStatus),
        categories=choices(IssueCategory),
        severities=choices(Severity),
        sorts=SORTS,
    ), 422 if errors else 200


def _attach_photos(images: list[CleanImage], issue_id: int) -> None:
    for image in images:
        add_photo(image, uuid.uuid4(), current_user, utcnow(), issue_id=issue_id)


@blp.route("/issues/new", methods=["GET", "POST"])
@accepts_large_body("PHOTO_FORM_MAX_CONTENT_LENGTH")
@requires(Action.CREATE_RECORDS)
def new() -> ResponseReturnValue:
    stores = stores_to_pick(current_user)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"store_id": request.args.get("store_id", "")}
    if request.method == "POST":
        values = form_values()
        values.pop("photo", None)

        def file(data: dict[str, Any]) -> Issue:
            get_visible(Store, data["store_id"], current_user, "store_id")  # refused first
            images = form_photos()  # then worked on, before the issue is written
            issue, _created = file_issue(data, current_user, utcnow())
            _attach_photos(images, issue.id)
            return issue

        issue, errors = submit(IssueCreateSchema(), values, file)
        if issue is not None:
            flash("Issue filed. You can follow it here.")
            return redirect(url_for("issues.detail", issue_id=issue.id))
    elif len(stores) == 1:
        values["store_id"] = str(stores[0].id)
    return render_template(
        "issues/new.html",
        stores=stores,
        categories=choices(IssueCategory),
        severities=choices(Severity),
        errors=errors,
        values=values,
    ), 422 if errors else 200


def _detail_page(issue_id: int, errors: dict[str, list[str]] | None = None) -> ResponseReturnValue:
    issue = visible_issue(issue_id, current_user)
    manager = current_user.role == Role.MANAGER
    statuses = [IssueStatus.OPEN, IssueStatus.CLOSED] if manager else list(IssueStatus)
    if manager and issue.status == IssueStatus.WAITING_ON_STORE:  # they may answer it
        statuses[1:1] = [IssueStatus.WAITING_ON_STORE, IssueStatus.IN_PROGRESS]
    return render_template(
        "issues/detail.html",
        issue=issue,
        tz=issue.store.timezone,
        service=sla_view(issue, utcnow()),
        errors=errors or {},
        statuses=choices(statuses),
        severities=choices(Severity),
        assignees=users_with_role(Role.ENGINEER) + users_with_role(Role.ADMIN),
        can_triage=can(current_user, Action.TRIAGE_ISSUES),
        full_triage=can(current_user, Action.TRIAGE_ISSUES) and not manager,
        can_comment=can(current_user, Action.CREATE_RECORDS),
        following=is_following(issue.id, current_user.id),
    ), 422 if errors else 200


@blp.get("/issues/<int:issue_id>")
@requires(Action.READ_RECORDS)
def detail(issue_id: int) -> ResponseReturnValue:
    return _detail_page(issue_id)


@blp.post("/issues/<int:issue_id>/update")
@requires(Action.TRIAGE_ISSUES)
def update(issue_id: int) -> ResponseReturnValue:
    issue = visible_issue(issue_id, current_user)
    values = form_values()
    if current_user.role == Role.MANAGER:  # the manager's form only carries the status
        values = {k: v for k, v in values.items() if k in ("status", "version")}
        if values.get("status") == issue.status.value:  # left as it was: no change asked
            values.pop("status")
    elif "assignee_id" in request.form and not values.get("assignee_id"):
        values["assignee_id"] = None
    result, errors = submit(
        IssueUpdateSchema(),
        values,
        lambda d: update_issue(issue, d, current_user, utcnow()),
    )
    if result is None:
        return _detail_page(issue_id, errors)
    flash("Issue updated.")
    return redirect(url_for("issues.detail", issue_id=issue_id))


@blp.post("/issues/<int:issue_id>/follow")
@requires(Action.READ_RECORDS)
def follow_toggle(issue_id: int) -> ResponseReturnValue:
    """The Follow / Unfollow button: `follow=true` follows, anything else unfollows."""
    issue = visible_issue(issue_id, current_user)
    if request.form.get("follow") == "true":
        follow(issue.id, current_user.id)
        flash("You follow this issue: you are told of its comments and status changes.")
    else:
        unfollow(issue.id, current_user.id)
        flash("You no longer follow this issue.")
    return redirect(url_for("issues.detail", issue_id=issue_id))


@blp.post("/issues/<int:issue_id>/comments")
@requires(Action.CREATE_RECORDS)
def comment(issue_id: int) -> ResponseReturnValue:
    issue = visible_issue(issue_id, current_user)
    result, errors = submit(
        CommentCreateSchema(),
        form_values(),
        lambda d: add_comment(issue, d, current_user, utcnow()),
    )
    if result is None:
        return _detail_page(issue_id, errors)
    flash("Comment added.")
    return redirect(url_for("issues.detail", issue_id=issue_id) + "#comments")


@blp.post("/issues/<int:issue_id>/photos")
@accepts_large_body("PHOTO_FORM_MAX_CONTENT_LENGTH")
@requires(Action.CREATE_RECORDS)
def photo(issue_id: int) -> ResponseReturnValue:
    get_visible(Issue, issue_id, current_user)

    def attach(_data: dict[str, Any]) -> int:
        images = form_photos("file", present=photos_of(None, issue_id))  # the page's field
        if not images:
            raise Invalid("Choose a photo first.", "file")
        _attach_photos(images, issue_id)
        return len(images)

    added, errors = submit(PhotoFileSchema(), dict(request.files), attach)
    if added is None:
        return _detail_page(issue_id, errors)
    flash("Photo added." if added == 1 else f"{added} photos added.")
    return redirect(url_for("issues.detail", issue_id=issue_id))
