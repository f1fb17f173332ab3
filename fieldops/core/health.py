"""GET /healthz: is the app up and can it reach its database?"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from fieldops.extensions import db

blp = Blueprint("health", __name__)


def unavailable() -> ResponseReturnValue:
    return jsonify({"status": "unavailable", "database": "unreachable"}), 503


@blp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """The database check runs on a pooled connection of its own, which goes back to the
    pool at once: the request's session begins no transaction, so it has none to end. The
    driver's own connection runs the SELECT in autocommit: SQLAlchemy's Connection would
    begin a transaction around it (about 35 µs of this request's 300), and on PostgreSQL
    the driver's BEGIN and the pool's ROLLBACK would each be a round trip of their own."""
    dialect = db.engine.dialect
    begins = dialect.name != "sqlite"  # Python's sqlite3 begins nothing for a SELECT
    try:
        connection = db.engine.raw_connection()
    except (sa.exc.SQLAlchemyError, dialect.loaded_dbapi.Error):
        return unavailable()
    try:
        if begins:
            dialect.set_isolation_level(connection.dbapi_connection, "AUTOCOMMIT")
        cursor = connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        if begins:
            dialect.reset_isolation_level(connection.dbapi_connection)
    except dialect.loaded_dbapi.Error:
        connection.invalidate()  # never back to the pool, where it might still autocommit
        return unavailable()
    connection.close()  # back to the pool
    return jsonify({"status": "ok"})
