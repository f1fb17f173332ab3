"""API payloads for signing in and for API tokens."""

from __future__ import annotations

from marshmallow import Schema, validate

from fieldops.auth.models import TokenScope
from fieldops.core import fields
from fieldops.core.fields import not_blank
from fieldops.core.pagination import ListArgsSchema


class CsrfSchema(Schema):
    csrf_token = fields.String()


class LoginSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(1, 254))
    password = fields.String(required=True, validate=validate.Length(1, 200))
    remember = fields.Boolean(load_default=False)


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
