"""API payloads for evidence of customer presence and for learned hours."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError, validate, validates_schema

from fieldops.core import fields
from fieldops.core.dumping import Schema
from fieldops.core.fields import HHMM, AwareDateTime, within_range
from fieldops.hours.models import HoursBasis, SignalSource
from fieldops.stores import PostedHoursSchema

# The limits of a row's fields, shared by the schemas and the quick reading below.
LONGEST_ID = 128  # a device's or a transaction's id
INTERVAL_MINUTES = (1, 60)  # a door counter's bin
PEOPLE = (0, 100_000)  # entries or exits in one bin


def source_field(source: SignalSource) -> fields.String:
    return fields.String(required=True, validate=validate.Equal(source.value))


class WifiSessionSchema(Schema):
    source = source_field(SignalSource.WIFI_SESSION)
    device = fields.String(required=True, validate=validate.Length(1, LONGEST_ID))
    start = AwareDateTime(required=True)
    end = AwareDateTime(required=True)

    @validates_schema
    def ends_after_start(self, data: dict[str, Any], **_: Any) -> None:
        if "start" in data and "end" in data and data["end"] < data["start"]:
            raise ValidationError("Must not be before start.", "end")


class DoorCountSchema(Schema):
    source = source_field(SignalSource.DOOR_COUNT)
    start = AwareDateTime(required=True)
    interval_minutes = fields.Integer(required=True, validate=validate.Range(*INTERVAL_MINUTES))
    entries = fields.Integer(required=True, validate=validate.Range(*PEOPLE))
    exits = fields.Integer(required=True, validate=validate.Range(*PEOPLE))


class TransactionSchema(Schema):
    source = source_field(SignalSource.TRANSACTION)
    at = AwareDateTime(required=True)
    id = fields.String(
        validate=validate.Length(1, LONGEST_ID), metadata={"description": "source's id"}
    )


class CloseoutRowSchema(Schema):
    source = source_field(SignalSource.CLOSEOUT)
    date = fields.Date(required=True, metadata={"description": "the business day"})
    last_customer_at = HHMM(metadata={"description": "local; before 04:00 = after midnight"})
    first_customer_at = HHMM()
    closed = fields.Boolean(load_default=False)

    @validates_schema
    def time_unless_closed(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("closed") and "last_customer_at" not in data:
            raise ValidationError("Required unless closed is true.", "last_customer_at")


ROW_SCHEMAS: dict[str, Schema] = {
    SignalSource.WIFI_SESSION.value: WifiSessionSchema(),
    SignalSource.DOOR_COUNT.value: DoorCountSchema(),
    SignalSource.TRANSACTION.value: TransactionSchema(),
    SignalSource.CLOSEOUT.value: CloseoutRowSchema(),
}


# A batch holds up to 10,000 rows and marshmallow's per-field machinery was the largest
# part of its time. Rows in the plain shape every exporter sends (exact types, no extra
# keys) are read by the functions below, which accept exactly what the schemas above
# accept for such rows and load them the same (tests/hours/test_quick_rows.py compares
# the two); any other row, valid or not, goes through its schema for the answer and the
# error message.


def _text(value: Any) -> bool:
    return type(value) is str and 1 <= len(value) <= LONGEST_ID and "\x00" not in value


def _count(value: Any, limits: tuple[int, int]) -> bool:
    return type(value) is int and limits[0] <= value <= limits[1]


def _instant(value: Any) -> datetime | None:
    """An ISO 8601 string with an offset, in UTC, as AwareDateTime loads it; else None.

    Both read it with `datetime.fromisoformat` (marshmallow 4's "iso" format).
    """
    if type(value) is not str:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return None
    return at.astimezone(UTC) if at.utcoffset() is not None and within_range(at) else None


def _quick_wifi(raw: dict[str, Any]) -> dict[str, Any] | None:
    if raw.keys() != {"source", "device", "start", "end"} or not _text(raw["device"]):
        return None
    start, end = _instant(raw["start"]), _instant(raw["end"])
    if start is None or end is None or end < start:
        return None
    return {"source": raw["source"], "device": raw["device"], "start": start, "end": end}


def _quick_door(raw: dict[str, Any]) -> dict[str, Any] | None:
    if raw.keys() != {"source", "start", "interval_minutes", "entries", "exits"}:
        return None
    start = _instant(raw["start"])
    if (
        start is None
        or not _count(raw["interval_minutes"], INTERVAL_MINUTES)
        or not _count(raw["entries"], PEOPLE)
        or not _count(raw["exits"], PEOPLE)
    ):
        return None
    return raw | {"start": start}


def _quick_transaction(raw: dict[str, Any]) -> dict[str, Any] | None:
    if not {"source", "at"} <= raw.keys() <= {"source", "at", "id"}:
        return None
    at = _instant(raw["at"])
    if at is None or ("id" in raw and not _text(raw["id"])):
        return None
    return raw | {"at": at}


QUICK_ROWS: dict[str, Callable[[dict[str, Any]], dict[str, Any] | None]] = {
    SignalSource.WIFI_SESSION.value: _quick_wifi,
    SignalSource.DOOR_COUNT.value: _quick_door,
    SignalSource.TRANSACTION.value: _quick_transaction,
}


def load_row(raw: dict[str, Any]) -> dict[str, Any]:
    """One evidence row loaded as its schema loads it; ValidationError when it is not valid.

    KeyError when its source is not one of ROW_SCHEMAS.
    """
    quick = QUICK_ROWS.get(raw["source"])
    return (quick and quick(raw)) or ROW_SCHEMAS[raw["source"]].load(raw)


class SignalBatchSchema(Schema):
    signals = fields.List(
        fields.Raw(),
        required=True,
        metadata={
            "description": "at most 10,000 rows; each row is checked on its own",
            "one_of_schemas": list(ROW_SCHEMAS.values()),
        },
    )


class RejectedRowSchema(Schema):
    index = fields.Integer()
    error = fields.String()


class IngestResultSchema(Schema):
    accepted = fields.Integer()
    duplicates = fields.Integer()
    rejected = fields.List(fields.Nested(RejectedRowSchema))


class CloseoutSchema(Schema):
    """The manager's one-tap close-out: everything optional, the last customer is 'now'."""

    date = fields.Date(
        metadata={"description": "business day; default: the current one", "label": "Day"}
    )
    last_customer_at = HHMM(
        metadata={"description": "local time; default: now", "label": "Last customer left at"}
    )
    first_customer_at = HHMM()
    closed = fields.Boolean(load_default=False)


class CloseoutOutSchema(Schema):
    id = fields.Integer()
    store_id = fields.Integer()
    business_date = fields.Date(data_key="date")
    last_customer_at = HHMM(allow_none=True)
    first_customer_at = HHMM(allow_none=True)
    closed = fields.Boolean()
    reported_at = fields.DateTime()


class RealHoursSchema(Schema):
    weekday = fields.Integer()
    opens = HHMM(allow_none=True)
    closes = HHMM(allow_none=True, metadata={"description": "at or before opens: next day"})
    sample_days = fields.Integer()
    confidence = fields.Float(metadata={"description": "0 to 1"})
    basis = fields.Enum(HoursBasis, by_value=True)


class StoreHoursSchema(Schema):
    timezone = fields.String()
    posted = fields.List(fields.Nested(PostedHoursSchema))
    real = fields.List(fields.Nested(RealHoursSchema))
    computed_at = fields.DateTime(allow_none=True)
