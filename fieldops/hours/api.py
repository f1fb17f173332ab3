"""JSON routes for evidence and learned hours: /api/stores/<id>/signals, closeouts, hours."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from fieldops.auth import Action, requires
from fieldops.clock import utcnow
from fieldops.core.arguments import Blueprint
from fieldops.hours import services
from fieldops.hours.ingest import IngestResult, ingest_signals, record_closeout
from fieldops.hours.models import Closeout
from fieldops.hours.schemas import (
    CloseoutOutSchema,
    CloseoutSchema,
    IngestResultSchema,
    SignalBatchSchema,
    StoreHoursSchema,
)
from fieldops.stores import Store, get_visible

blp = Blueprint(
    "Hours", __name__, url_prefix="/api/stores", description="Evidence and real customer hours"
)


@blp.route("/<int:store_id>/signals", methods=["POST"])
@requires(Action.INGEST_SIGNALS)
@blp.arguments(SignalBatchSchema)
@blp.response(200, IngestResultSchema)
def ingest(data: dict[str, Any], store_id: int) -> IngestResult:
    """Push evidence of customer presence (admins, and integration tokens).

    Good rows are kept, bad ones come back in `rejected` with their reason; a resent row
    counts as a duplicate and changes nothing. More than 10,000 rows answer 413.
    """
    store = get_visible(Store, store_id, current_user)
    return ingest_signals(store, data["signals"], utcnow(), current_user)


@blp.route("/<int:store_id>/closeouts", methods=["POST"])
@requires(Action.SEND_CLOSEOUT)
@blp.arguments(CloseoutSchema)
@blp.response(200, CloseoutOutSchema)
def closeout(data: dict[str, Any], store_id: int) -> Closeout:
    """The manager's close-out: the last customer left now (or at `last_customer_at`).

    A time after midnight (before 04:00) belongs to the business day before; a second
    close-out for the same day replaces the first.
    """
    store = get_visible(Store, store_id, current_user)
    return record_closeout(store, data, current_user, utcnow())


@blp.route("/<int:store_id>/hours", methods=["GET"])
@requires(Action.READ_RECORDS)
@blp.response(200, StoreHoursSchema)
def store_hours(store_id: int) -> dict[str, Any]:
    """Posted hours and the real hours learned from evidence, per weekday (Monday = 0)."""
    return services.hours_for(get_visible(Store, store_id, current_user))
