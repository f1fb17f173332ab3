"""Database foundations: the declarative base, column types and SQLite connection set-up.

One piece of hidden state lives here, on purpose: `write_intent`, a context variable read
by the SQLite "begin" listener (`_sqlite_begin`), which SQLAlchemy installs once for every
engine of the process and calls with nothing but the connection, so the request cannot be
handed to it as an argument. It says whether the transaction about to begin may write:
writers take SQLite's write lock at BEGIN (BEGIN IMMEDIATE) rather than failing half-way
with "database is locked". `auth.session.before_request` sets it for each request
(`declare_write_intent`: False for GET, HEAD and OPTIONS); everything else (jobs, the CLI,
the tests' set-up) keeps the default, True. A context variable, not a global: each request
runs in its own thread or task, so one request's intent never leaks into another's.
PostgreSQL ignores it.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from itertools import islice
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import (
    DeclarativeBase,
    InstrumentedAttribute,
    Session,
    registry,
)
from sqlalchemy.pool import Pool

log = logging.getLogger(__name__)
V = TypeVar("V", bound=Callable[..., Any])

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware.

    PostgreSQL keeps `timestamptz`; SQLite keeps naive UTC text, made aware again on the
    way out. Naive datetimes are refused on the way in: a time without a zone is a bug.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} stored; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Partitions of a table (PostgreSQL) are named after it: `signals_y2026m03`, `signals_default`.
PARTITION_NAME = re.compile(r"^[a-z_]+_(y\d{4}m\d{2}|default)$")


def partition_name(table: str, year: int, month: int) -> str:
    return f"{table}_y{year:04d}m{month:02d}"


def compared_on(dialect: str) -> Callable[..., bool]:
    """Alembic's `include_object` for a database of `dialect`.

    It leaves out the models' constraints and indexes made on another database only
    (`.ddl_if(dialect=...)`), which Alembic does not read by itself, and the partitions of
    partitioned tables, which are made by migrations and jobs, not by models.
    """

    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if reflected and compare_to is None:
            table = obj if type_ == "table" else getattr(obj, "table", None)
            return table is None or not PARTITION_NAME.match(table.name)
        only = getattr(obj, "_ddl_if", None)
        if only is None or only.dialect is None:
            return True
        return dialect in ((only.dialect,) if isinstance(only.dialect, str) else only.dialect)

    return include


def enum_type(enum: type[StrEnum]) -> sa.Enum:
    """A string column holding an enum's values (not its names), without a native DB enum."""
    return sa.Enum(
        enum,
        native_enum=False,
        length=24,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


# SQLite: WAL, foreign keys, a busy timeout, and transactions that SQLAlchemy begins itself
# (pysqlite's legacy transaction handling breaks SAVEPOINT). A request that may write takes
# the write lock up front (BEGIN IMMEDIATE): a deferred transaction that read first and writes
# later fails with "database is locked" when another writer committed in between.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)
# A request that only reads runs each statement on its own, in autocommit: no transaction
# to begin or end (on PostgreSQL, BEGIN and ROLLBACK were two round trips of a read's four).
autocommit_reads: ContextVar[bool] = ContextVar("autocommit_reads", default=False)


def declare_write_intent(writes: bool) -> None:
    """Whether this request may write from now on. One that does not runs its statements
    in autocommit (it has nothing to commit, and each SELECT reads what is committed at
    its start); one that may begins its transactions as a writer (BEGIN IMMEDIATE on
    SQLite). Declared before the request's first query; `end_autocommit` at its end."""
    write_intent.set(writes)
    autocommit_reads.set(not writes)


def writes(view: V) -> V:
    """Mark a view answering GET that writes (opening a notification marks it read): its
    request begins a transaction and commits it, as one made with POST does."""
    view.writes = True  # type: ignore[attr-defined]
    return view


def may_write() -> bool:
    """Whether the transactions this request (or task) begins may write."""
    return write_intent.get()


@contextmanager
def reading() -> Iterator[None]:
    """Transactions begun inside only read: on SQLite they take no write lock (BEGIN)."""
    token = write_intent.set(False)
    try:
        yield
    finally:
        write_intent.reset(token)


@contextmanager
def own_transaction() -> Iterator[None]:
    """Transactions begun inside are transactions even in a request that only reads: for
    what a read writes on a connection of its own (a token's last use, the coverage
    cache), committed there."""
    token = autocommit_reads.set(False)
    try:
        yield
    finally:
        autocommit_reads.reset(token)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# In connection.info: whether a statement other than a SELECT ran in its transaction, and
# whether the driver's connection autocommits for a request that only reads.
WROTE = "fieldops.wrote"
AUTOCOMMITTING = "fieldops.autocommitting"
READS_ONLY = "fieldops.reads_only"  # begun for a request that only reads


def _begin(connection: sa.Connection) -> None:
    """Begin a transaction as the request (or task) wants it.

    SQLite: pysqlite, in autocommit, begins none, so BEGIN is sent here, straight on the
    driver's connection (through `exec_driver_sql` it cost ~20 µs), except for a request
    that only reads. PostgreSQL: a request that only reads switches the driver's
    connection to autocommit (no round trip), and the next transaction of the connection,
    or its return to the pool, switches it back.
    """
    connection.info[WROTE] = False
    connection.info[READS_ONLY] = autocommit_reads.get()
    driver = connection.connection.driver_connection
    if connection.dialect.name == "sqlite":
        if not autocommit_reads.get():
            driver.execute("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")  # type: ignore[union-attr]
    elif autocommit_reads.get():
        connection.dialect.set_isolation_level(driver, "AUTOCOMMIT")
        connection.info[AUTOCOMMITTING] = connection.dialect
    else:
        _stop_autocommit(driver, connection.info)


def _checked_in(dbapi_connection: Any, record: Any) -> None:
    if dbapi_connection is not None:
        _stop_autocommit(dbapi_connection, record.info)


def _stop_autocommit(driver: Any, info: dict[str, Any]) -> None:
    dialect = info.pop(AUTOCOMMITTING, None)
    if dialect is not None:
        dialect.reset_isolation_level(driver)


def _statement_ran(
    connection: sa.Connection,
    _cursor: Any,
    statement: str,
    _parameters: Any,
    context: Any,
    _executemany: bool,
) -> None:
    """After each statement: one that is not a SELECT (an INSERT, an UPDATE, a DELETE, DDL,
    any textual SQL) marks its transaction as written. In a request that only reads, it
    has been committed on its own: a warning names it (tests turn warnings into errors),
    for its view must be marked `@writes`."""
    if connection.info.get(WROTE):
        return
    compiled = context.compiled
    if compiled is None or not isinstance(compiled.statement, sa.SelectBase):
        connection.info[WROTE] = True
        if connection.info.get(READS_ONLY):
            warnings.warn(
                f"A request that only reads wrote ({statement[:60]}): mark its view @writes",
                RuntimeWarning,
                stacklevel=2,
            )


def wrote(connection: sa.Connection) -> bool:
    """Whether any statement of `connection`'s transaction may have written."""
    return bool(connection.info.get(WROTE, True))


def install_sqlite_hooks() -> None:
    """Register the connection hooks once for every engine in the process: SQLite's
    settings and transactions, and every dialect's note of a transaction that wrote."""
    if not event.contains(Engine, "connect", _sqlite_connect):
        event.listen(Engine, "connect", _sqlite_connect)
        event.listen(Engine, "begin", _begin)
        event.listen(Engine, "after_cursor_execute", _statement_ran)
        event.listen(Pool, "checkin", _checked_in)


def dialect_insert(table: sa.Table, bind: sa.Connection | Engine) -> Any:
    """The INSERT of `bind`'s dialect, which knows ON CONFLICT (SQLite and PostgreSQL)."""
    dialect = bind.dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


CHUNK = 2000  # ids per IN (...) list, well under SQLite's limit on bound parameters


def chunks(ids: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    """`ids` in lists short enough for one IN (...)."""
    it = iter(ids)
    while batch := list(islice(it, size)):
        yield batch


def note_last_use(
    conn: sa.Connection,
    column: InstrumentedAttribute[datetime | None],
    row_id: int,
    now: datetime,
    interval: timedelta,
) -> None:
    """Write `now` into `column` of row `row_id`, unless a use within `interval` is noted.

    For "last used" times read on every request but written rarely: the caller reads on
    `conn`, ends that read, and calls this only when the time is old, so most requests
    write nothing. The write is a short transaction of its own whose first statement is
    the write (a read-then-write transaction on SQLite fails at once, busy timeout or not,
    when another writer got in between). Best effort: when two requests race to note the
    same use, one write is enough, and a failure is only logged.
    """
    model = column.class_
    try:
        with own_transaction():
            conn.execute(
                sa.update(model)
                .where(model.id == row_id, sa.or_(column.is_(None), column < now - interval))
                .values({column.key: now})
            )
        conn.commit()
    except sa.exc.OperationalError:
        conn.rollback()
        log.warning("could not note the use of %s %s", model.__tablename__, row_id)


def has_written(session: Session) -> bool:
    """Whether `session`'s current transaction has sent anything but SELECTs (a flush, an
    UPDATE, a Core INSERT on its connection)."""
    return session.in_transaction() and wrote(session.connection())
