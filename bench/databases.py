"""The databases a benchmark run measures: the SQLite cache file and a PostgreSQL server.

Each bench step takes a SQLAlchemy URL. Plain SQL runs through `engine(url)` with
`sa.text`, written so that both dialects accept it (booleans summed with CASE, timestamps
compared with the text SQLite stores: PostgreSQL casts an untyped parameter to the
column's type); bulk rows go in with `insert_rows` (executemany on SQLite, COPY on
PostgreSQL, both taking values as SQLite stores them).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sqlalchemy as sa

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/fieldops_bench"
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class Database:
    """One database of the run: its key (`sqlite`, `postgresql`) and its URL."""

    key: str
    url: str

    @property
    def name(self) -> str:
        return NAMES[self.key]


def sqlite_url(path: Path | str) -> str:
    return f"sqlite:///{path}"


def postgres_url() -> str:
    """BENCH_DATABASE_URL, else the local server's `fieldops_bench`."""
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES_URL)


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


@cache
def engine(url: str) -> sa.Engine:
    """One engine per URL for the bench's own SQL (the app keeps its own)."""
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def insert_rows(conn: sa.Connection, table: str, columns: str, rows: Iterable[tuple]) -> int:
    """Insert `rows` (values as SQLite stores them: timestamps as UTC text, booleans as 0
    or 1, JSON as text) into `table`; the number of rows. PostgreSQL takes them by COPY
    in the session's time zone, UTC."""
    if conn.dialect.name != "postgresql":
        rows = list(rows)
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            conn.exec_driver_sql(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        return len(rows)
    count = 0
    with conn.connection.driver_connection.cursor() as cursor:
        cursor.execute("SET timezone = 'UTC'")
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def checkpoint(url: str) -> None:
    """On SQLite, fold the write-ahead log back into the file (a large one slows reads)."""
    if not is_postgres(url):
        connection = engine(url).raw_connection()  # outside any transaction, as it must be
        try:
            connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
