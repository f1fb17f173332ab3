"""Applying a phone's outbox: each operation as its own route would, once per client id.

Every operation runs in a savepoint of its own, so one bad operation does not stop the
others. It first claims its client id with a receipt (the unique key decides racing
replays: the loser answers "duplicate" with the winner's record), then checks the role
and the record-level rules before its payload is validated, exactly as the matching route
does, and calls the same service. A rejected or conflicting operation leaves no receipt,
so the user can fix it and send it again under the same client id.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from marshmallow import ValidationError, validate
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from fieldops.auth import Action, User, can
from fieldops.clock import business_date, zone
from fieldops.core import fields
from fieldops.core.dumping import Schema
from fieldops.core.errors import (
    CONFLICT_SCHEMAS,
    ApiError,
    Conflict,
    DomainError,
    Invalid,
    TooLarge,
    error_payload,
)
from fieldops.core.fields import AwareDateTime
from fieldops.core.forms import in_words, labels_of
from fieldops.extensions import db
from fieldops.hours import CloseoutSchema, record_closeout
from fieldops.issues import (
    CommentCreateSchema,
    IssueCreateSchema,
    IssueUpdateSchema,
    add_comment,
    check_triage_rights,
    file_issue,
    update_issue,
    visible_issue,
)
from fieldops.observations import ObservationCreateSchema, create_observation
from fieldops.stores import Store, get_visible
from fieldops.sync.models import SyncReceipt
from fieldops.visits import (
    CheckInSchema,
    CheckOutSchema,
    Visit,
    VisitStartSchema,
    check_in,
    check_out,
    own_visit,
    start_visit,
)

VISIT_START = "visit_start"


class OperationSchema(Schema):
    client_id = fields.UUID(required=True)
    type = fields.String(
        required=True,
        validate=validate.OneOf(
            [
                "check_in",
                "check_out",
                "observation",
                "issue_create",
                "issue_update",
                "issue_comment",
                "closeout",
                "visit_start",
            ]
        ),
    )
    payload = fields.Dict(required=True)
    created_at = AwareDateTime(required=True, metadata={"description": "device time, queued"})


@dataclass
class Result:
    client_id: str | None
    status: str  # applied, duplicate, conflict, rejected
    id: int | None = None
    error: dict[str, Any] | None = None
    current: dict[str, Any] | None = None


@dataclass(frozen=True)
class Operation:
    """How one type of operation is applied: as its route does it."""

    action: Action
    schema: type[Schema]
    path_id: str | None  # the id the route takes in its path, carried in the payload
    apply: Callable[[User, dict[str, Any], int | None, datetime, datetime], tuple[Any, bool]]
    check: Callable[[User, int, dict[str, Any]], None] | None = None  # before validation
    time_field: str | None = None  # defaults to the operation's created_at
    own_client_id: bool = False  # the schema takes the client id itself


def _check_in(user: User, data: dict, visit_id: int | None, now: datetime, _at: datetime):
    visit = own_visit(visit_id, user, for_update=True)
    return check_in(visit, data, user, now), True


def _check_out(user: User, data: dict, visit_id: int | None, now: datetime, _at: datetime):
    visit = own_visit(visit_id, user, for_update=True)
    return check_out(visit, data, user, now), True


def _visit_start(user: User, data: dict, _id: int | None, now: datetime, _at: datetime):
    """An unplanned visit started offline: its client id is claimed by the receipt."""
    return start_visit(data, user, now), True


def _observation(user: User, data: dict, _id: int | None, now: datetime, _at: datetime):
    return create_observation(data, user, now)


def _issue_create(user: User, data: dict, _id: int | None, now: datetime, _at: datetime):
    """An issue filed offline: its clock starts at the phone's time (`reported_at`)."""
    return file_issue(data, user, now)


def _issue_update(user: User, data: dict, issue_id: int | None, now: datetime, at: datetime):
    """A change made offline counts for the issue's service levels at the phone's time."""
    issue = visible_issue(issue_id, user, for_update=True)
    return update_issue(issue, data, user, now, at), True


def _issue_comment(user: User, data: dict, issue_id: int | None, now: datetime, at: datetime):
    return add_comment(visible_issue(issue_id, user), data, user, now, at)


def _closeout(user: User, data: dict, store_id: int | None, now: datetime, at: datetime):
    """A close-out queued offline: "now" is when the manager tapped it."""
    store = get_visible(Store, store_id, user)
    if "last_customer_at" not in data and not data.get("closed"):
        local = at.astimezone(zone(store.timezone))
        data["last_customer_at"] = local.time().replace(second=0, microsecond=0)
        cutoff = current_app.config["HOURS_BUSINESS_DAY_CUTOFF"]
        data.setdefault("date", business_date(at, store.timezone, cutoff))
    return record_closeout(store, data, user, now), True


def _own_visit(user: User, visit_id: int, _raw: dict) -> None:
    own_visit(visit_id, user)


def _may_triage(user: User, issue_id: int, raw: dict) -> None:
    check_triage_rights(user, raw, visible_issue(issue_id, user))


OPERATIONS: dict[str, Operation] = {
    "check_in": Operation(
        Action.CHECK_IN_OUT, CheckInSchema, "visit_id", _check_in, _own_visit, "at"
    ),
    "check_out": Operation(
        Action.CHECK_IN_OUT, CheckOutSchema, "visit_id", _check_out, _own_visit, "at"
    ),
    VISIT_START: Operation(
        Action.START_VISITS,
        VisitStartSchema,
        None,
        _visit_start,
        None,
        "at",
        own_client_id=True,
    ),
    "observation": Operation(
        Action.CREATE_RECORDS,
        ObservationCreateSchema,
        None,
        _observation,
        None,
        "observed_at",
        own_client_id=True,
    ),
    "issue_create": Operation(
        Action.CREATE_RECORDS,
        IssueCreateSchema,
        None,
        _issue_create,
        None,
        "reported_at",
        own_client_id=True,
    ),
    "issue_update": Operation(
        Action.TRIAGE_ISSUES, IssueUpdateSchema, "issue_id", _issue_update, _may_triage
    ),
    "issue_comment": Operation(
        Action.CREATE_RECORDS, CommentCreateSchema, "issue_id", _issue_comment, own_client_id=True
    ),
    "closeout": Operation(Action.SEND_CLOSEOUT, CloseoutSchema, "store_id", _closeout),
}


def _error(
    status: int,
    message: str,
    errors: dict[str, Any] | None = None,
    schema: Schema | None = None,
) -> dict[str, Any]:
    """What the route would answer, and its field errors in words ("words": {path:
    [sentences]}, named with `schema`'s labels), which also make up the message: the phone
    shows those to the user, on the form or in the outbox."""
    payload = error_payload(ApiError(status, message, errors))
    if errors:
        payload["words"] = in_words(errors, labels_of(schema) if schema else None)
        payload["message"] = " ".join(s for said in payload["words"].values() for s in said)
    return payload


def _path_id(op: Operation, payload: dict[str, Any]) -> int:
    value = payload.pop(op.path_id)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError({op.path_id: ["Not a valid integer."]})
    if not fields.INT_MIN <= value <= fields.INT_MAX:  # as in the route's path: not found
        raise ApiError(404, "No record has so large an id.")
    return value


def _apply(
    user: User,
    client_id: uuid.UUID,
    kind: str,
    payload: dict[str, Any],
    created_at: datetime,
    now: datetime,
) -> Result:
    op = OPERATIONS[kind]
    if not can(user, op.action):
        raise ApiError(403, "Your role does not allow this.")
    payload = dict(payload)
    if op.path_id and op.path_id not in payload:
        raise ValidationError({op.path_id: ["Missing data for required field."]})
    record_id = _path_id(op, payload) if op.path_id else None
    if op.check is not None:
        op.check(user, record_id, payload)
    if op.own_client_id:
        payload.setdefault("client_id", str(client_id))
    at = min(created_at, now)  # a device clock running ahead is not the future
    if op.time_field:
        payload.setdefault(op.time_field, at.isoformat())
    data = op.schema().load(payload)
    record, created = op.apply(user, data, record_id, now, at)
    db.session.flush()
    return Result(str(client_id), "applied" if created else "duplicate", record.id)


def _claim(user: User, client_id: uuid.UUID, kind: str) -> SyncReceipt | None:
    """Take the client id for this user; None if it was taken already (a replay)."""
    receipt = SyncReceipt(user_id=user.id, client_id=client_id, op_type=kind)
    try:
        with db.session.begin_nested():
            db.session.add(receipt)
            db.session.flush()
    except IntegrityError:
        return None
    return receipt


def _receipt(user: User, client_id: uuid.UUID) -> SyncReceipt | None:
    return db.session.scalar(
        sa.select(SyncReceipt).where(
            SyncReceipt.user_id == user.id, SyncReceipt.client_id == client_id
        )
    )


def start_visit_once(user: User, data: dict[str, Any], now: datetime) -> tuple[Visit, bool]:
    """(visit, started): POST /api/visits/start, once per client id.

    Visits keep no client id of their own: the id is claimed with a receipt, as the
    outbox's `visit_start` operation claims it, so the same start sent to the route and
    through /api/sync (in either order, any number of times) makes one visit.
    """
    client_id = data["client_id"]
    if _receipt(user, client_id) is None:
        with db.session.begin_nested():
            receipt = _claim(user, client_id, VISIT_START)
            if receipt is not None:
                visit = start_visit(data, user, now)
                receipt.record_id = visit.id
                return visit, True
    earlier = _receipt(user, client_id)  # a replay, or a request that won the race
    if earlier is None or earlier.op_type != VISIT_START or earlier.record_id is None:
        raise Invalid("This client_id was already used for another record.", "client_id")
    return get_visible(Visit, earlier.record_id, user), False


def apply_operation(user: User, raw: Any, now: datetime) -> Result:
    """Apply one queued operation and say how it went."""
    try:
        envelope = OperationSchema().load(raw if isinstance(raw, dict) else {})
    except ValidationError as err:
        client_id = raw.get("client_id") if isinstance(raw, dict) else None
        return Result(client_id, "rejected", error=_error(422, "Invalid operation.", err.messages))
    client_id, kind = envelope["client_id"], envelope["type"]
    existing = _receipt(user, client_id)
    if existing is not None:
        return Result(str(client_id), "duplicate", existing.record_id)
    try:
        with db.session.begin_nested():
            receipt = _claim(user, client_id, kind)
            if receipt is None:
                raced = _receipt(user, client_id)
                return Result(str(client_id), "duplicate", raced.record_id if raced else None)
            result = _apply(user, client_id, kind, envelope["payload"], envelope["created_at"], now)
            receipt.record_id = result.id
            return result
    except ValidationError as err:
        error = _error(422, "Invalid input.", err.messages, OPERATIONS[kind].schema())
        return Result(str(client_id), "rejected", error=error)
    except Conflict as err:
        schema = CONFLICT_SCHEMAS.get(type(err.record))
        return Result(
            str(client_id),
            "conflict",
            getattr(err.record, "id", None),
            error=_error(409, err.message, err.errors),
            current=schema().dump(err.record) if schema else None,
        )
    except DomainError as err:
        return Result(str(client_id), "rejected", error=_error(err.status, err.message, err.errors))
    except HTTPException as err:
        return Result(str(client_id), "rejected", error=error_payload(err))
    except (OperationalError, InterfaceError):
        raise  # the database itself failed: the whole batch answers 5xx and is sent again
    except Exception:  # noqa: BLE001 (any other failure is this operation's own)
        # A bug met by this operation only: the others still apply, and the phone shows this
        # one as refused (never dropped) until it is sent again or discarded.
        current_app.logger.exception("sync: %s operation %s failed", kind, client_id)
        return Result(
            str(client_id),
            "rejected",
            error=_error(500, "The server failed on this operation; the failure is logged."),
        )


MAX_OPERATIONS = 500


def apply_batch(user: User, operations: list[Any], now: datetime) -> list[Result]:
    if len(operations) > MAX_OPERATIONS:
        raise TooLarge(
            f"At most {MAX_OPERATIONS} operations a batch; this one has {len(operations)}.",
            "operations",
        )
    return [apply_operation(user, raw, now) for raw in operations]
