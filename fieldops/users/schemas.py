"""API payloads for users."""

from __future__ import annotations

from fieldops.auth import Role
from fieldops.core import fields
from fieldops.core.pagination import ListArgsSchema


class UserListArgsSchema(ListArgsSchema):
    role = fields.Enum(Role, by_value=True)
    q = fields.String(metadata={"description": "search in name and email"})
    active = fields.Boolean()
