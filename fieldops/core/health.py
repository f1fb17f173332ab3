"""GET /healthz: is the app up and can it reach its database?"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from fieldops.extensions import db

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """The database check runs on a pooled connection of its own, which goes back to the
    pool at once: the request's session begins no transaction, so it has none to end."""
    try:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sa.exc.SQLAlchemyError:
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    return jsonify({"status": "ok"})
