"""The driver's own connections, for reads that need no transaction.

/healthz checks the database on a pooled connection of its own (`pooled_cursor`), and a
request that only reads runs its prepared statements (fieldops.core.prepared) on one
pooled connection it keeps until its teardown (`read_cursor`, `end_autocommit`). Both run
in autocommit: SQLAlchemy's Connection would begin a transaction around each read, and
on PostgreSQL the driver's BEGIN and the pool's ROLLBACK would be round trips of their
own. A connection goes back to the pool as the pool lent it (no longer autocommitting);
after the driver's error it is dropped instead, for it may be broken.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy.engine import Engine

from fieldops.database import autocommit_reads

log = logging.getLogger(__name__)

# The pooled connection on which a request that only reads runs the statements it sends
# straight to the driver (fieldops.core.prepared), with its engine: taken at the first,
# returned at the request's teardown (`end_autocommit`).
_read_connection: ContextVar[tuple[Any, Engine] | None] = ContextVar(
    "read_connection", default=None
)


def end_autocommit(_error: BaseException | None = None) -> None:
    """At a request's teardown: its read connection goes back to the pool, and what runs
    next in the thread (a test's own statements) begins transactions again."""
    autocommit_reads.set(False)
    held = _read_connection.get()
    if held is not None:
        _read_connection.set(None)
        connection, engine = held
        try:
            _give_back(connection, engine)
        except engine.dialect.loaded_dbapi.Error:  # dropped: the answer stands
            log.warning("a read connection could not be given back", exc_info=True)


def _autocommitting(engine: Engine) -> Any:
    """A pooled connection of the driver's, running each statement on its own: no
    transaction to begin or end (SQLAlchemy's Connection would begin one, ~35 µs, and on
    PostgreSQL the driver's BEGIN and the pool's ROLLBACK would be round trips)."""
    connection = engine.raw_connection()
    if engine.dialect.name != "sqlite":  # Python's sqlite3 begins nothing for a SELECT
        try:
            engine.dialect.set_isolation_level(connection.dbapi_connection, "AUTOCOMMIT")
        except engine.dialect.loaded_dbapi.Error:
            connection.invalidate()
            raise
    return connection


def _give_back(connection: Any, engine: Engine) -> None:
    """Return an `_autocommitting` connection to the pool as the pool lent it; after the
    driver's error, drop it (it may be broken) and raise."""
    try:
        if engine.dialect.name != "sqlite":
            engine.dialect.reset_isolation_level(connection.dbapi_connection)
    except engine.dialect.loaded_dbapi.Error:
        connection.invalidate()
        raise
    connection.close()


@contextmanager
def _cursor(connection: Any, engine: Engine) -> Iterator[Any]:
    """A cursor of `connection`, closed at the end; after the driver's error the connection
    is dropped with it (it may be broken) and the error raised."""
    cursor = connection.cursor()
    try:
        yield cursor
    except engine.dialect.loaded_dbapi.Error:
        connection.invalidate()  # its cursors go with it
        raise
    except BaseException:
        cursor.close()
        raise
    cursor.close()


@contextmanager
def pooled_cursor(engine: Engine) -> Iterator[Any]:
    """A driver's cursor on a pooled connection of its own, in autocommit, returned to the
    pool at the end (/healthz's check)."""
    connection = _autocommitting(engine)
    try:
        with _cursor(connection, engine) as cursor:
            yield cursor
    finally:
        if connection.is_valid:  # not dropped by `_cursor` after the driver's error
            _give_back(connection, engine)


@contextmanager
def read_cursor(engine: Engine) -> Iterator[Any]:
    """A driver's cursor on the request's read connection, in autocommit: taken from the
    pool at the request's first such read and kept until its teardown. For a request
    that only reads (`autocommit_reads`): its session need not begin nor end."""
    held = _read_connection.get()
    if held is None:
        held = (_autocommitting(engine), engine)
        _read_connection.set(held)
    try:
        with _cursor(held[0], engine) as cursor:
            yield cursor
    except engine.dialect.loaded_dbapi.Error:
        _read_connection.set(None)  # dropped: the next read takes another
        raise
