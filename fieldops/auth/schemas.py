"""API payloads for signing in and for API tokens."""

from __future__ import annotations

from typing import Any

from flask import url_for
from marshmallow import ValidationError, post_dump, validate, validates_schema

from fieldops.auth.calendar import calendar_token
from fieldops.auth.models import Role, TokenScope
from fieldops.auth.passwords import MIN_PASSWORD_LENGTH
from fieldops.core import fields
from fieldops.core.dumping import Schema
from fieldops.core.fields import not_blank, validate_timezone
from fieldops.core.pagination import ListArgsSchema

# The roles visits are planned for, and their working-pattern fields.
PLANNED_ROLES = (Role.ENGINEER, Role.CIO)
PATTERN_FIELDS = ("home", "working_hours", "regions", "max_visits_per_day", "days_off", "trips")


class CsrfSchema(Schema):
    csrf_token = fields.String()


class LoginSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(1, 254))
    password = fields.String(required=True, validate=validate.Length(1, 200))
    remember = fields.Boolean(load_default=False)


def timezone_field(**kwargs: Any) -> fields.String:
    return fields.String(
        allow_none=True,
        validate=validate_timezone,
        metadata={
            "description": "IANA zone the user reads times in; null: the app's default "
            "(FIELDOPS_DEFAULT_TIMEZONE)",
            "example": "America/Chicago",
        },
        **kwargs,
    )


class TimezoneSchema(Schema):
    timezone = timezone_field(required=True)


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True)
    new_password = fields.String(required=True, validate=validate.Length(max=200))


class StatusSchema(Schema):
    status = fields.String()


class SessionSchema(Schema):
    id = fields.Integer()
    device = fields.String(metadata={"description": "told from the User-Agent at sign-in"})
    created_at = fields.DateTime(metadata={"description": "when it signed in"})
    last_seen_at = fields.DateTime(metadata={"description": "noted at most every 15 minutes"})
    expires_at = fields.DateTime()
    remembered = fields.Boolean(metadata={"description": "signed in with 'keep me signed in'"})
    ended_at = fields.DateTime(allow_none=True)
    current = fields.Boolean(metadata={"description": "the session this request was made in"})


class TokenSchema(Schema):
    id = fields.Integer(dump_only=True)
    user_id = fields.Integer(required=True, metadata={"description": "the token acts as this user"})
    name = fields.String(required=True, validate=[validate.Length(1, 80), not_blank])
    scope = fields.Enum(
        TokenScope,
        by_value=True,
        load_default=TokenScope.FULL,
        metadata={"description": "full: acts as its user; signals: may only push evidence"},
    )
    prefix = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    last_used_at = fields.DateTime(dump_only=True, allow_none=True)
    revoked_at = fields.DateTime(dump_only=True, allow_none=True)
    active = fields.Boolean(dump_only=True)


class NewTokenSchema(TokenSchema):
    token = fields.String(dump_only=True, metadata={"description": "shown once, never again"})


class TokenListArgsSchema(ListArgsSchema):
    active = fields.Boolean()


class PlaceSchema(Schema):
    """A base to drive from: a point (`latitude` and `longitude`), or a store (`store_id`)."""

    latitude = fields.Float(validate=validate.Range(-90, 90))
    longitude = fields.Float(validate=validate.Range(-180, 180))
    store_id = fields.Integer()

    @validates_schema
    def point_or_store(self, data: dict[str, Any], **_: Any) -> None:
        point = "latitude" in data or "longitude" in data
        if "store_id" in data and point:
            raise ValidationError("Give a point or a store, not both.", "store_id")
        if not point and "store_id" not in data:
            raise ValidationError("Give latitude and longitude, or a store_id.", "store_id")
        for name in ("latitude", "longitude"):
            if point and name not in data:
                raise ValidationError("Missing data for required field.", name)


class WorkingHoursSchema(Schema):
    """Working days and hours, in the person's own zone."""

    weekdays = fields.List(
        fields.Integer(validate=validate.Range(0, 6)),
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": "Monday 0 to Sunday 6"},
    )
    start = fields.HHMM(required=True)
    end = fields.HHMM(required=True)

    @validates_schema
    def end_after_start(self, data: dict[str, Any], **_: Any) -> None:
        if len(set(data.get("weekdays", []))) != len(data.get("weekdays", [])):
            raise ValidationError("Each weekday once.", "weekdays")
        if "start" in data and "end" in data and data["end"] <= data["start"]:
            raise ValidationError(
                "Must be after the start (a working day ends on its own day).", "end"
            )


class TripSchema(Schema):
    """A day worked from another base (flying to another state on Tuesdays)."""

    date = fields.Date(required=True, attribute="day", data_key="date")
    base = fields.Nested(PlaceSchema, required=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=120))


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = fields.String(required=True, validate=[validate.Length(1, 120), not_blank])
    role = fields.Enum(Role, by_value=True, required=True)
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    timezone = timezone_field(load_default=None)
    active = fields.Boolean(load_default=True)
    password = fields.String(
        load_only=True,
        required=True,
        validate=validate.Length(min=MIN_PASSWORD_LENGTH, max=200),
        metadata={
            "description": f"at least {MIN_PASSWORD_LENGTH} characters, not a commonly used one"
        },
    )
    store_ids = fields.List(
        fields.Integer(), load_default=list, metadata={"description": "stores a manager runs"}
    )
    created_at = fields.DateTime(dump_only=True)
    last_login_at = fields.DateTime(dump_only=True, allow_none=True)
    # How an engineer (or the CIO) works, for planning visits (not shown for other roles).
    home = fields.Nested(
        PlaceSchema, allow_none=True, metadata={"description": "the base they drive from"}
    )
    working_hours = fields.Nested(
        WorkingHoursSchema, metadata={"description": "default Mon-Fri 08:00-17:00, own zone"}
    )
    regions = fields.List(
        fields.String(validate=validate.Length(1, 80)),
        attribute="covered_regions",
        metadata={"description": "the regions they cover; empty: any"},
    )
    max_visits_per_day = fields.Integer(
        validate=validate.Range(1, 12),
        attribute="visits_a_day",
        metadata={"description": "default 3"},
    )
    days_off = fields.List(fields.Date(), metadata={"description": "dated days off"})
    trips = fields.List(
        fields.Nested(TripSchema), metadata={"description": "days from another base"}
    )

    @post_dump(pass_original=True)
    def fields_by_role(self, data: dict[str, Any], user: Any, **_: Any) -> dict[str, Any]:
        role = getattr(user, "role", None)
        if role != Role.MANAGER:
            data.pop("store_ids", None)
        if role not in PLANNED_ROLES:
            for name in PATTERN_FIELDS:
                data.pop(name, None)
        return data


class MeSchema(UserSchema):
    """The signed-in user, with the address of their calendar feed."""

    calendar_url = fields.Function(
        lambda user: url_for("calendars.feed", token=calendar_token(user), _external=True),
        dump_only=True,
        metadata={
            "description": "your visits as an iCalendar feed to subscribe to; secret (it is "
            "the key): POST /api/me/calendar replaces it"
        },
    )
