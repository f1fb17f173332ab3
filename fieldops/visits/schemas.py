"""API payloads for visits."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from marshmallow import ValidationError, post_dump, validate, validates_schema

from fieldops.clock import utcnow
from fieldops.core import fields
from fieldops.core.dumping import Schema
from fieldops.core.fields import AwareDateTime, not_blank
from fieldops.core.pagination import ListArgsSchema
from fieldops.visits.missed import left_open
from fieldops.visits.models import Department, Visit, VisitStatus
from fieldops.visits.services import sees_check_in_position


class StoreBriefSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    timezone = fields.String()
    address = fields.String(allow_none=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)


class UserBriefSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    email = fields.String()


class VisitSchema(Schema):
    id = fields.Integer()
    store_id = fields.Integer()
    store = fields.Nested(StoreBriefSchema)
    engineer_id = fields.Integer()
    engineer = fields.Nested(UserBriefSchema)
    planned_start = fields.DateTime()
    planned_end = fields.DateTime()
    local_date = fields.Date(metadata={"description": "the store-local date of planned_start"})
    status = fields.Enum(VisitStatus, by_value=True)
    purpose = fields.String(allow_none=True)
    checked_in_at = fields.DateTime(allow_none=True)
    check_in_latitude = fields.Float(allow_none=True)
    check_in_longitude = fields.Float(allow_none=True)
    check_in_accuracy_m = fields.Float(allow_none=True)
    distance_m = fields.Float(
        allow_none=True, metadata={"description": "check-in position to the store"}
    )
    far_from_store = fields.Boolean(
        allow_none=True,
        metadata={"description": "checked in more than 300 m plus the accuracy away"},
    )
    off_schedule = fields.Boolean(
        metadata={"description": "checked in more than 120 minutes before or after planned_start"}
    )
    unplanned = fields.Boolean(
        dump_only=True,
        metadata={"description": "started on the spot (POST /api/visits/start), not planned"},
    )
    checked_out_at = fields.DateTime(allow_none=True)
    left_open = fields.Function(
        lambda visit: left_open(visit, utcnow()),
        dump_only=True,
        metadata={"description": "checked in, never checked out, its day over a day ago"},
    )
    summary = fields.String(allow_none=True)
    departments_met = fields.List(fields.String())
    cancel_reason = fields.String(allow_none=True)
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    @post_dump(pass_original=True)
    def position_for_those_it_is_for(
        self, data: dict[str, Any], visit: Visit, **_: Any
    ) -> dict[str, Any]:
        """Where the engineer checked in is left out for other engineers and managers.

        Decided here because every visit the API shows passes through this schema: the
        list, one visit, and the record in a 409 or an offline sync's conflict.
        """
        if not sees_check_in_position(current_user._get_current_object(), visit):
            for name in CHECK_IN_POSITION:
                data.pop(name, None)
        return data


CHECK_IN_POSITION = (
    "check_in_latitude",
    "check_in_longitude",
    "check_in_accuracy_m",
    "distance_m",
    "far_from_store",
)


def end_after_start(data: dict[str, Any]) -> None:
    start, end = data.get("planned_start"), data.get("planned_end")
    if start is not None and end is not None and end <= start:
        raise ValidationError("Must be after planned_start.", "planned_end")


PAST = "true: the visit already happened (a start more than an hour ago is refused without it)"


class VisitCreateSchema(Schema):
    store_id = fields.Integer(required=True)
    engineer_id = fields.Integer(required=True)
    planned_start = AwareDateTime(required=True)
    planned_end = AwareDateTime(
        load_default=None, metadata={"description": "default: two hours after the start"}
    )
    purpose = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    past = fields.Boolean(load_default=False, load_only=True, metadata={"description": PAST})

    @validates_schema
    def check_window(self, data: dict[str, Any], **_: Any) -> None:
        end_after_start(data)


class VisitUpdateSchema(Schema):
    engineer_id = fields.Integer()
    planned_start = AwareDateTime()
    planned_end = AwareDateTime()
    purpose = fields.String(allow_none=True, validate=validate.Length(max=200))
    version = fields.Integer(metadata={"description": "the version you read; 409 if stale"})
    past = fields.Boolean(load_only=True, metadata={"description": PAST})

    @validates_schema
    def check_window(self, data: dict[str, Any], **_: Any) -> None:
        end_after_start(data)


class CancelSchema(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    version = fields.Integer()


class ArrivalSchema(Schema):
    """When and where the engineer arrived: a check-in's and an unplanned start's."""

    at = AwareDateTime(load_default=None, metadata={"description": "default: now"})
    latitude = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-180, 180))
    accuracy_m = fields.Float(
        load_default=None, allow_none=True, validate=validate.Range(0, 100_000)
    )

    @validates_schema
    def both_or_neither(self, data: dict[str, Any], **_: Any) -> None:
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise ValidationError("Give both latitude and longitude, or neither.", "latitude")


class CheckInSchema(ArrivalSchema):
    version = fields.Integer()


class VisitStartSchema(ArrivalSchema):
    """An unplanned visit, started on the spot (checked in at once)."""

    store_id = fields.Integer(required=True)
    client_id = fields.UUID(
        required=True,
        metadata={"description": "made by the phone; a repeated one answers the original visit"},
    )


class CheckOutSchema(Schema):
    at = AwareDateTime(load_default=None, metadata={"description": "default: now"})
    summary = fields.String(
        required=True,
        validate=[validate.Length(1, 5000), not_blank],
        metadata={"label": "Summary of the visit"},
    )
    departments_met = fields.List(
        fields.Enum(Department, by_value=True),
        load_default=list,
        metadata={"label": "Departments met"},
    )
    version = fields.Integer()


class VisitListArgsSchema(ListArgsSchema):
    engineer = fields.String(
        validate=fields.IdOr("me"),
        metadata={"description": '"me" or a user id'},
    )
    date = fields.Date(metadata={"description": "the store's local day"})
    date_from = fields.Date(metadata={"description": "first store-local day, inclusive"})
    date_to = fields.Date(metadata={"description": "last store-local day, inclusive"})
    store_id = fields.Integer()
    status = fields.Enum(VisitStatus, by_value=True)
