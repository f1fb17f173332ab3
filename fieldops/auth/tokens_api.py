"""JSON routes for API tokens: /api/tokens (admin)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from fieldops.auth import services
from fieldops.auth.models import ApiToken
from fieldops.auth.policy import Action, requires
from fieldops.auth.schemas import NewTokenSchema, TokenListArgsSchema, TokenSchema
from fieldops.auth.services import get_user
from fieldops.clock import utcnow
from fieldops.core.arguments import Blueprint
from fieldops.core.pagination import page_schema

blp = Blueprint("Tokens", __name__, url_prefix="/api/tokens", description="API tokens")


@blp.route("", methods=["GET"])
@requires(Action.MANAGE_TOKENS)
@blp.arguments(TokenListArgsSchema(), location="query")
@blp.response(200, page_schema(TokenSchema))
def list_tokens(args: dict[str, Any]) -> dict[str, Any]:
    return services.tokens_page(args)


@blp.route("", methods=["POST"])
@requires(Action.MANAGE_TOKENS)
@blp.arguments(TokenSchema)
@blp.response(201, NewTokenSchema)
def create_token(data: dict[str, Any]) -> dict[str, Any]:
    """Create a token that acts as `user_id`. The `token` is in this answer only."""
    owner = get_user(data["user_id"])
    token, plain = services.create_token(owner, data["name"], current_user, utcnow(), data["scope"])
    return {**{name: getattr(token, name) for name in TokenSchema().fields}, "token": plain}


@blp.route("/<int:token_id>", methods=["DELETE"])
@requires(Action.MANAGE_TOKENS)
@blp.response(200, TokenSchema)
def revoke_token(token_id: int) -> ApiToken:
    """Revoke a token: requests carrying it get 401 from now on."""
    return services.revoke_token(token_id, current_user, utcnow())
