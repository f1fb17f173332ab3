"""JSON routes for stores: /api/stores."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from fieldops.auth import Action, requires
from fieldops.clock import utcnow
from fieldops.core.arguments import Blueprint
from fieldops.core.fields import partial_schema
from fieldops.core.pagination import page_schema
from fieldops.stores import services
from fieldops.stores.models import Store
from fieldops.stores.schemas import StoreListArgsSchema, StoreSchema, StoreSummarySchema
from fieldops.stores.scoping import get_visible

blp = Blueprint("Stores", __name__, url_prefix="/api/stores", description="Stores and posted hours")


@blp.route("", methods=["GET"])
@requires(Action.READ_RECORDS)
@blp.arguments(StoreListArgsSchema(), location="query")
@blp.response(200, page_schema(StoreSummarySchema))
def list_stores(args: dict[str, Any]) -> dict[str, Any]:
    """Stores the caller may see; filter by `region`, search `q` in name and code.

    Items carry posted hours; dated exceptions are in `GET /api/stores/<id>`.
    """
    return services.store_summaries_page(current_user, args)


@blp.route("", methods=["POST"])
@requires(Action.MANAGE_STORES)
@blp.arguments(StoreSchema)
@blp.response(201, StoreSchema)
def create_store(data: dict[str, Any]) -> Store:
    """Create a store (admin)."""
    return services.create_store(data, current_user, utcnow())


@blp.route("/<int:store_id>", methods=["GET"])
@requires(Action.READ_RECORDS)
@blp.response(200, StoreSchema)
def get_store(store_id: int) -> Store:
    return get_visible(Store, store_id, current_user)


@blp.route("/<int:store_id>", methods=["PATCH", "PUT"])
@requires(Action.MANAGE_STORES)
@blp.arguments(partial_schema(StoreSchema))
@blp.response(200, StoreSchema)
def update_store(data: dict[str, Any], store_id: int) -> Store:
    """Change a store (admin). A list given (posted_hours, exceptions) replaces the old one."""
    store = get_visible(Store, store_id, current_user)
    return services.update_store(store, data, current_user, utcnow())
