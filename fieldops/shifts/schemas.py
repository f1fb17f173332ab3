"""API payloads for support shifts.

The API says "start"/"end"; the models say start_time/end_time (`data_key` maps them), and
the lists of stores and engineers travel as ids.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, missing, post_dump, validate, validates_schema

from fieldops.core import fields
from fieldops.core.dumping import Schema
from fieldops.core.fields import HHMM, not_blank, validate_timezone
from fieldops.core.pagination import ListArgsSchema
from fieldops.shifts.models import ShiftKind

COVERS = "Cover a region or at least one store (store_ids)."
NEXT_DAY = "at or before `start` means the next day; equal to `start` means 24 hours"


class IdList(fields.List):
    """A list of ids: loaded as given; dumped from the related records of `relation`."""

    def __init__(self, relation: str, **kwargs: Any) -> None:
        super().__init__(fields.Integer(), **kwargs)
        self.relation = relation

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = missing) -> Any:
        if isinstance(obj, dict):
            return obj.get(attr, default)
        return sorted(record.id for record in getattr(obj, self.relation))


def distinct(values: list[Any]) -> None:
    if len(values) != len(set(values)):
        raise ValidationError("Each weekday may appear only once.")


class ShiftExceptionSchema(Schema):
    """The window starting on `date` is off, or a one-off extra window starts that date."""

    date = fields.Date(required=True)
    off = fields.Boolean(load_default=False)
    start_time = HHMM(data_key="start", load_default=None, allow_none=True)
    end_time = HHMM(
        data_key="end", load_default=None, allow_none=True, metadata={"description": NEXT_DAY}
    )
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))

    @validates_schema
    def off_or_window(self, data: dict[str, Any], **_: Any) -> None:
        has_start, has_end = data.get("start_time") is not None, data.get("end_time") is not None
        if data.get("off") and (has_start or has_end):
            raise ValidationError("A day off has no start/end.", "off")
        if not data.get("off") and not (has_start and has_end):
            raise ValidationError('Give "off": true, or both "start" and "end".', "start")


class ShiftSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=[validate.Length(1, 120), not_blank])
    timezone = fields.String(
        required=True,
        validate=validate_timezone,
        metadata={"description": "the zone of weekdays, start and end", "example": "Asia/Manila"},
    )
    weekdays = fields.List(
        fields.Integer(validate=validate.Range(0, 6)),
        required=True,
        validate=[validate.Length(min=1, error="Choose at least one weekday."), distinct],
        metadata={"description": "days the window starts on, Monday = 0"},
    )
    start_time = HHMM(data_key="start", required=True)
    end_time = HHMM(data_key="end", required=True, metadata={"description": NEXT_DAY})
    region = fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(max=64), not_blank],
        metadata={"description": "covers every store of this region; or give store_ids"},
    )
    store_ids = IdList(
        "stores", load_default=list, metadata={"description": "covers these stores; or a region"}
    )
    engineer_ids = IdList(
        "engineers", load_default=list, metadata={"description": "active engineers on the shift"}
    )
    kind = fields.Enum(ShiftKind, by_value=True, load_default=ShiftKind.ONSITE)
    active = fields.Boolean(
        load_default=True, metadata={"description": "DELETE sets it false; PATCH true reactivates"}
    )
    exceptions = fields.List(
        fields.Nested(ShiftExceptionSchema),
        load_default=list,
        metadata={"label": "Dated exceptions"},
    )
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    version = fields.Integer(
        metadata={"description": "the version you read: a PATCH with a stale one answers 409"}
    )

    @validates_schema
    def covers_one_thing(self, data: dict[str, Any], partial: Any = False, **_: Any) -> None:
        """A region or a list of stores, not both; a PATCH may give neither (keeps the old)."""
        has_region, has_stores = data.get("region") is not None, bool(data.get("store_ids"))
        if has_region and has_stores:
            message = "Give a region or store_ids, not both."
            raise ValidationError({"region": [message], "store_ids": [message]})
        if not has_region and not has_stores and not (partial and "store_ids" not in data):
            given = [key for key in ("region", "store_ids") if key in data]
            raise ValidationError({key: [COVERS] for key in given or ("region", "store_ids")})

    @validates_schema
    def one_exception_of_each_kind_per_day(self, data: dict[str, Any], **_: Any) -> None:
        keys = [(exc["date"], exc["off"]) for exc in data.get("exceptions", [])]
        if len(keys) != len(set(keys)):
            raise ValidationError(
                "At most one day off and one extra window per date.", "exceptions"
            )

    @post_dump
    def exceptions_in_order(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """Dated order, a day off before an extra window of the same date, on every read."""
        if "exceptions" in data:
            data["exceptions"].sort(key=lambda exc: (exc["date"], not exc["off"]))
        return data


class ShiftListArgsSchema(ListArgsSchema):
    region = fields.String(metadata={"description": "shifts that cover this region"})
    store_id = fields.Integer(
        metadata={"description": "shifts covering this store: listed, or by its region"}
    )
    active = fields.Boolean()
