"""API payloads for users."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, post_dump, validate

from fieldops.auth.passwords import MIN_PASSWORD_LENGTH
from fieldops.core import fields
from fieldops.core.fields import not_blank
from fieldops.core.pagination import ListArgsSchema
from fieldops.users.models import Role


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = fields.String(required=True, validate=[validate.Length(1, 120), not_blank])
    role = fields.Enum(Role, by_value=True, required=True)
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
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


class UserListArgsSchema(ListArgsSchema):
    role = fields.Enum(Role, by_value=True)
    q = fields.String(metadata={"description": "search in name and email"})
    active = fields.Boolean()
