"""POST /api/sync: a phone's queued operations, applied once each, in order; and
POST /api/visits/start, whose client id is kept with the outbox's receipts."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from fieldops.auth import Action, requires
from fieldops.clock import utcnow
from fieldops.core.arguments import Blueprint
from fieldops.sync.schemas import SyncRequestSchema, SyncResponseSchema
from fieldops.sync.services import apply_batch, start_visit_once
from fieldops.visits import Visit, VisitSchema, VisitStartSchema

blp = Blueprint("Sync", __name__, url_prefix="/api", description="Offline outbox")


@blp.route("/sync", methods=["POST"])
@requires(Action.READ_RECORDS)
@blp.arguments(SyncRequestSchema)
@blp.response(200, SyncResponseSchema)
def sync(data: dict[str, Any]) -> dict[str, Any]:
    """Apply queued operations (check_in, check_out, visit_start, observation,
    issue_create, issue_update, issue_comment, closeout), each as its route would.

    One result per operation, in order: `applied`, `duplicate` (a replayed client_id:
    the same id, nothing changed), `conflict` (a stale version: `current` is the record
    now) or `rejected` (`error` is what the route would have answered). A missing
    `at`/`observed_at`/`last_customer_at` defaults to the operation's `created_at`.
    """
    return {"results": apply_batch(current_user, data["operations"], utcnow())}


@blp.route("/visits/start", methods=["POST"], tags=["Visits"])
@requires(Action.START_VISITS)
@blp.arguments(VisitStartSchema)
@blp.response(201, VisitSchema)
@blp.alt_response(200, schema=VisitSchema, description="repeated client_id: the original")
def start_visit(data: dict[str, Any]) -> tuple[Visit, int]:
    """Start an unplanned visit at a store, checked in at once (engineers).

    Marked `unplanned`; planned for `at` (default now) and the default two hours. The
    position is checked as a check-in's is. 409 while you are still checked in at this
    store (the message names that visit). A repeated `client_id` answers 200 with the
    original visit, also when it was first sent as a `visit_start` through /api/sync.
    """
    visit, started = start_visit_once(current_user, data, utcnow())
    return visit, 201 if started else 200
