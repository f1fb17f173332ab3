"""GET /healthz: is the app up and can it reach its database?"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from fieldops.connections import pooled_cursor
from fieldops.extensions import db

blp = Blueprint("health", __name__)


def unavailable() -> ResponseReturnValue:
    return jsonify({"status": "unavailable", "database": "unreachable"}), 503


@blp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """The database check runs on a pooled connection of its own, in autocommit, which
    goes back to the pool at once (`pooled_cursor`): the request's session begins no
    transaction, so it has none to end."""
    engine = db.engine
    try:
        with pooled_cursor(engine) as cursor:
            cursor.execute("SELECT 1")
    except (sa.exc.SQLAlchemyError, engine.dialect.loaded_dbapi.Error):
        return unavailable()
    return jsonify({"status": "ok"})
