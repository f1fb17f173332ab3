"""JSON routes for user accounts: /api/users (admin writes; admin and CIO read)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from fieldops.auth import Action, User, UserSchema, get_user, requires
from fieldops.clock import utcnow
from fieldops.core.arguments import Blueprint
from fieldops.core.fields import partial_schema
from fieldops.core.pagination import page_schema
from fieldops.users import services
from fieldops.users.schemas import UserListArgsSchema

blp = Blueprint("Users", __name__, url_prefix="/api/users", description="User accounts")


@blp.route("", methods=["GET"])
@requires(Action.READ_USERS)
@blp.arguments(UserListArgsSchema(), location="query")
@blp.response(200, page_schema(UserSchema))
def list_users(args: dict[str, Any]) -> dict[str, Any]:
    """Users; filter by `role`, `active`, search `q` in name and email."""
    return services.users_page(args)


@blp.route("", methods=["POST"])
@requires(Action.MANAGE_USERS)
@blp.arguments(UserSchema)
@blp.response(201, UserSchema)
def create_user(data: dict[str, Any]) -> User:
    return services.create_user(data, current_user, utcnow())


@blp.route("/<int:user_id>", methods=["GET"])
@requires(Action.READ_USERS)
@blp.response(200, UserSchema)
def read_user(user_id: int) -> User:
    return get_user(user_id)


@blp.route("/<int:user_id>", methods=["PATCH"])
@requires(Action.MANAGE_USERS)
@blp.arguments(partial_schema(UserSchema))
@blp.response(200, UserSchema)
def update_user(data: dict[str, Any], user_id: int) -> User:
    """Change a user; a new `password` ends all of their sessions."""
    return services.update_user(get_user(user_id), data, current_user, utcnow())


@blp.route("/<int:user_id>/deactivate", methods=["POST"])
@requires(Action.MANAGE_USERS)
@blp.response(200, UserSchema)
def deactivate_user(user_id: int) -> User:
    """Deactivate a user: they can no longer sign in, and their sessions and tokens stop."""
    return services.deactivate_user(get_user(user_id), current_user, utcnow())
