"""API payloads for stores and their posted hours."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validate, validates_schema

from fieldops.core import fields
from fieldops.core.dumping import Schema
from fieldops.core.fields import HHMM, not_blank, validate_phone, validate_timezone
from fieldops.core.pagination import ListArgsSchema
from fieldops.stores.models import StoreKind

VISIT_MINUTES_STEP = 5  # the store form's step


def in_steps_of(step: int) -> Any:
    """A validator: a whole number of `step`s (what a number input with that step sends)."""

    def check(value: int) -> None:
        if value % step:
            raise ValidationError(f"Must be a multiple of {step}.")

    return check


class PostedHoursSchema(Schema):
    weekday = fields.Integer(
        required=True, validate=validate.Range(0, 6), metadata={"description": "Monday = 0"}
    )
    opens = HHMM(required=True)
    closes = HHMM(
        required=True, metadata={"description": "at or before `opens` means after midnight"}
    )


class HoursExceptionSchema(Schema):
    date = fields.Date(required=True)
    closed = fields.Boolean(load_default=False)
    opens = HHMM(load_default=None, allow_none=True)
    closes = HHMM(load_default=None, allow_none=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))

    @validates_schema
    def closed_or_hours(self, data: dict[str, Any], **_: Any) -> None:
        has_hours = data.get("opens") is not None and data.get("closes") is not None
        if data.get("closed") and (data.get("opens") or data.get("closes")):
            raise ValidationError("A closed day has no opens/closes.", "closed")
        if not data.get("closed") and not has_hours:
            raise ValidationError('Give "closed": true, or both "opens" and "closes".', "opens")


def unique_by(items: list[dict[str, Any]], key: str, field: str) -> None:
    seen = [item[key] for item in items]
    if len(seen) != len(set(seen)):
        raise ValidationError(f"Each {key} may appear only once.", field)


class StoreSchema(Schema):
    id = fields.Integer(dump_only=True)
    code = fields.String(
        required=True,
        validate=[
            validate.Length(1, 32),
            validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", error="Letters, digits, . _ - only."),
        ],
    )
    name = fields.String(required=True, validate=[validate.Length(1, 160), not_blank])
    timezone = fields.String(
        required=True, validate=validate_timezone, metadata={"example": "America/Chicago"}
    )
    kind = fields.Enum(StoreKind, by_value=True, load_default=StoreKind.DEALERSHIP)
    brand = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=80))
    address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=255))
    phone = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate_phone,
        metadata={"example": "+1 312 555 0100", "description": "the store's number for visitors"},
    )
    latitude = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-180, 180))
    region = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    cadence_per_year = fields.Integer(load_default=2, validate=validate.Range(0, 52))
    leadership_cadence_per_year = fields.Integer(
        load_default=0,
        validate=validate.Range(0, 12),
        metadata={
            "label": "CIO visits a year",
            "description": "visits a year the CIO pays the store himself (0: none expected)",
        },
    )
    visit_minutes = fields.Integer(
        load_default=120,
        validate=[validate.Range(15, 720), in_steps_of(VISIT_MINUTES_STEP)],
        metadata={
            "label": "Visit length (minutes)",
            "description": f"how long a visit takes, in steps of {VISIT_MINUTES_STEP} minutes",
        },
    )
    active = fields.Boolean(load_default=True)
    posted_hours = fields.List(
        fields.Nested(PostedHoursSchema), load_default=list, metadata={"label": "Posted hours"}
    )
    exceptions = fields.List(
        fields.Nested(HoursExceptionSchema),
        load_default=list,
        metadata={"label": "Dated exceptions"},
    )
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)

    @validates_schema
    def one_entry_per_day(self, data: dict[str, Any], **_: Any) -> None:
        if "posted_hours" in data:
            unique_by(data["posted_hours"], "weekday", "posted_hours")
        if "exceptions" in data:
            unique_by(data["exceptions"], "date", "exceptions")
        if (data.get("latitude") is None) != (data.get("longitude") is None) and (
            "latitude" in data or "longitude" in data
        ):
            raise ValidationError("Give both latitude and longitude, or neither.", "latitude")


class StoreSummarySchema(StoreSchema):
    """A store in a list: everything but its dated exceptions (GET /api/stores/<id> has them)."""

    class Meta:
        exclude = ("exceptions",)


class StoreListArgsSchema(ListArgsSchema):
    region = fields.String()
    q = fields.String(metadata={"description": "search in name and code"})
