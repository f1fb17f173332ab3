"""API payloads for signing in and for API tokens."""

from __future__ import annotations

from typing import Any

from flask import url_for
from marshmallow import Schema, post_dump, validate

from fieldops.auth.calendar import calendar_token
from fieldops.auth.models import Role, TokenScope
from fieldops.auth.passwords import MIN_PASSWORD_LENGTH
from fieldops.core import fields
from fieldops.core.fields import not_blank, validate_timezone
from fieldops.core.pagination import ListArgsSchema


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

    @post_dump(pass_original=True)
    def store_ids_for_managers(self, data: dict[str, Any], user: Any, **_: Any) -> dict[str, Any]:
        if getattr(user, "role", None) != Role.MANAGER:
            data.pop("store_ids", None)
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
