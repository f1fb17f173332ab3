"""POST /api/sync: a phone's queued operations, applied once each, in order."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_smorest import Blueprint

from fieldops.auth import Action, requires
from fieldops.clock import utcnow
from fieldops.sync.schemas import SyncRequestSchema, SyncResponseSchema
from fieldops.sync.services import apply_batch

blp = Blueprint("Sync", __name__, url_prefix="/api", description="Offline outbox")


@blp.route("/sync", methods=["POST"])
@requires(Action.READ_RECORDS)
@blp.arguments(SyncRequestSchema)
@blp.response(200, SyncResponseSchema)
def sync(data: dict[str, Any]) -> dict[str, Any]:
    """Apply queued operations (check_in, check_out, observation, issue_create,
    issue_update, issue_comment, closeout), each as its route would.

    One result per operation, in order: `applied`, `duplicate` (a replayed client_id:
    the same id, nothing changed), `conflict` (a stale version: `current` is the record
    now) or `rejected` (`error` is what the route would have answered). A missing
    `at`/`observed_at`/`last_customer_at` defaults to the operation's `created_at`.
    """
    return {"results": apply_batch(current_user, data["operations"], utcnow())}
