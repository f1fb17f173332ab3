"""Who may do what: the role matrix, in one place, checked on the server.

Every route, JSON or HTML, declares what it needs with one decorator, `requires`: an
action of the matrix, or (with no action) only a signed-in user. Row-level visibility
(a manager sees only their stores) lives in `fieldops.stores.scoping`.

A request made with an API token carries the token's scope: `auth.session.token_user`
puts it in `g.token_scope` when it authenticates the request. `requires` is the one
reader: it hands the scope to `can`, which takes it as an argument. Before any view runs,
`auth.session.authenticate_token` keeps a narrow-scope token to the routes whose
`required_action` its scope grants (`token_may_reach`), so checks made deeper in a request
(`can` in a service or a template, without a scope) only ever run for full-scope tokens
and sessions.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g
from flask_login import current_user

from fieldops.auth.models import Role, TokenScope, User
from fieldops.core.errors import ApiError

F = TypeVar("F", bound=Callable[..., Any])


class Action(StrEnum):
    READ_RECORDS = "read_records"  # stores, visits, observations, issues (scoped)
    MANAGE_STORES = "manage_stores"
    READ_USERS = "read_users"
    MANAGE_USERS = "manage_users"
    MANAGE_TOKENS = "manage_tokens"
    PLAN_VISITS = "plan_visits"
    CHECK_IN_OUT = "check_in_out"  # own visits only
    START_VISITS = "start_visits"  # an unplanned visit, started on the spot
    CREATE_RECORDS = "create_records"  # observations, new issues, comments, photos
    TRIAGE_ISSUES = "triage_issues"  # status, assignee, severity (managers: close/reopen)
    READ_AUDIT = "read_audit"
    VIEW_OVERVIEW = "view_overview"  # the CIO's figures across every store
    INGEST_SIGNALS = "ingest_signals"  # push evidence of customer presence
    SEND_CLOSEOUT = "send_closeout"  # the manager's daily "last customer left at"
    MANAGE_SHIFTS = "manage_shifts"  # support shifts (reading them: VIEW_OVERVIEW)
    MANAGE_ALERTS = "manage_alerts"  # acknowledge, assign, note (reading them: VIEW_OVERVIEW)
    MANAGE_SLA = "manage_sla"  # service-level policies (reading them: READ_RECORDS)


ALL = frozenset(Role)
GRANTS: dict[Action, frozenset[Role]] = {
    Action.READ_RECORDS: ALL,
    Action.MANAGE_STORES: frozenset({Role.ADMIN}),
    Action.READ_USERS: frozenset({Role.ADMIN, Role.CIO}),
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
    Action.MANAGE_TOKENS: frozenset({Role.ADMIN}),
    Action.PLAN_VISITS: frozenset({Role.ADMIN}),
    # The CIO checks in to the visits planned for him; only engineers start unplanned ones.
    Action.CHECK_IN_OUT: frozenset({Role.ENGINEER, Role.CIO}),
    Action.START_VISITS: frozenset({Role.ENGINEER}),
    Action.CREATE_RECORDS: frozenset({Role.ADMIN, Role.ENGINEER, Role.MANAGER}),
    Action.TRIAGE_ISSUES: frozenset({Role.ADMIN, Role.ENGINEER, Role.MANAGER}),
    Action.READ_AUDIT: frozenset({Role.ADMIN}),
    Action.VIEW_OVERVIEW: frozenset({Role.ADMIN, Role.CIO}),
    Action.INGEST_SIGNALS: frozenset({Role.ADMIN}),
    Action.SEND_CLOSEOUT: frozenset({Role.ADMIN, Role.MANAGER}),
    Action.MANAGE_SHIFTS: frozenset({Role.ADMIN}),
    Action.MANAGE_ALERTS: frozenset({Role.ADMIN}),
    Action.MANAGE_SLA: frozenset({Role.ADMIN}),
}
# What a token of each narrower scope may do, whatever its owner's role.
SCOPE_ACTIONS: dict[TokenScope, frozenset[Action]] = {
    TokenScope.SIGNALS: frozenset({Action.INGEST_SIGNALS}),
}


def can(user: User | Any, action: Action, scope: TokenScope | None = None) -> bool:
    """Whether `user` (maybe anonymous) holds the role-level right to `action`.

    With the `scope` of the token a request was made with: a narrow scope (an
    integration's) may do what it allows and nothing else.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if scope in SCOPE_ACTIONS:
        return action in SCOPE_ACTIONS[scope]
    return user.role in GRANTS[action]


def token_may_reach(scope: TokenScope | None, view: Callable[..., Any] | None) -> bool:
    """Whether a request made with a token of `scope` may reach `view` at all.

    A narrow scope reaches only the routes whose `requires` names an action it grants (a
    route without `requires`, or with `requires()` and no action, is out of its reach); a
    full-scope token reaches every API route.
    """
    if scope not in SCOPE_ACTIONS:
        return True
    return getattr(view, "required_action", None) in SCOPE_ACTIONS[scope]


def requires(
    action: Action | None = None, check: Callable[..., None] | None = None
) -> Callable[[F], F]:
    """Route decorator, for JSON routes and pages alike: who may use the route.

    Nobody signed in: Flask-Login's answer (`auth.session.unauthorized`: 401 JSON under
    /api, a redirect to /login?next=... on a page). Signed in without the right to
    `action` (given the request's token scope): 403, as JSON under /api and as the error
    page elsewhere. Then `check(**view_args)` for record-level rules. Without an action
    the route needs only a signed-in user (and no narrow-scope token reaches it).

    Placed above the body parser, so a forbidden request is refused before its body is
    validated (403 even when the body is also wrong).
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if action is not None and not can(current_user, action, g.get("token_scope")):
                raise ApiError(403, "Your role does not allow this.")
            if check is not None:
                check(**kwargs)
            return view(*args, **kwargs)

        wrapper.required_action = action  # type: ignore[attr-defined]  (see token_may_reach)
        return wrapper  # type: ignore[return-value]

    return decorator
