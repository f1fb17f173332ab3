"""The hottest reads' statements, sent straight to the driver.

SQLAlchemy's execution of a statement (its compiled cache, its execution context, its
result object) cost ~50 µs on SQLite, more than SQLite's own work, and on PostgreSQL its
result metadata has psycopg describe every column of the result, ~1 µs each. Every
engineer's Today request runs two statements made once (its token and owner, its
visits): a `Prepared` statement compiles, once per dialect, the SQL SQLAlchemy would send
and the conversions its types apply to the values going in and coming out, then runs on
the driver's connection: a request that only reads keeps one pooled connection, in
autocommit, for them; anything else uses its session's, in its transaction. Rows come
back as tuples holding what SQLAlchemy's rows hold (tests/core/test_prepared.py compares
them value by value and type by type).

For SELECTs only, with plain bound parameters (no expanding `IN`, no literal rendering);
they are not seen by the engine's statement events.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from fieldops.connections import read_cursor
from fieldops.database import autocommit_reads
from fieldops.extensions import db

Processor = Callable[[Any], Any] | None
_REQUIRED = object()  # the default of a bound parameter that has no value of its own


@dataclass(frozen=True)
class _Plan:
    """What a statement sends on one dialect, and how its values are converted."""

    sql: str
    positional: bool
    binds: tuple[tuple[str, Any, Processor], ...]  # (name, default value, bind processor)
    results: tuple[tuple[int, Callable[[Any], Any]], ...] | None  # None until first read

    def parameters(self, params: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        values = []
        for name, default, process in self.binds:
            value = params.get(name, default)
            if value is _REQUIRED:
                raise KeyError(f"no value for the bound parameter {name!r}")
            values.append(process(value) if process is not None else value)
        if self.positional:
            return values
        return dict(zip((name for name, _, _ in self.binds), values, strict=True))


class Prepared:
    """A SELECT made once and run on the driver's connection (module docstring)."""

    def __init__(self, statement: sa.Select[Any]) -> None:
        self.statement = statement
        self._plans: dict[str, _Plan] = {}

    def rows(self, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """The statement's rows for `params`, converted as SQLAlchemy converts them.

        A request that only reads (its statements autocommit, each reading what is
        committed at its start) runs it on its read connection (`read_cursor`): its
        session need not begin, nor end. Anything else runs it on the session's
        connection, in its transaction (a writer reads what it has flushed).
        """
        if autocommit_reads.get():
            engine = db.engine
            with read_cursor(engine) as cursor:
                return self._run(cursor, engine.dialect, params or {})
        connection = db.session.connection()
        cursor = connection.connection.cursor()
        try:
            return self._run(cursor, connection.dialect, params or {})
        finally:
            cursor.close()

    def first(self, params: Mapping[str, Any] | None = None) -> tuple[Any, ...] | None:
        """The first row, or None; for statements that select one row at most."""
        rows = self.rows(params)
        return rows[0] if rows else None

    def _run(
        self, cursor: Any, dialect: sa.Dialect, params: Mapping[str, Any]
    ) -> list[tuple[Any, ...]]:
        plan = self._plans.get(dialect.name) or self._compiled(dialect)
        cursor.execute(plan.sql, plan.parameters(params))
        fetched = cursor.fetchall()
        if plan.results is None:
            plan = self._read_types(plan, dialect, cursor.description)
        if not plan.results:
            return [tuple(row) for row in fetched]
        converted = []
        for row in fetched:
            values = list(row)
            for at, process in plan.results:
                values[at] = process(values[at])
            converted.append(tuple(values))
        return converted

    def _compiled(self, dialect: sa.Dialect) -> _Plan:
        compiled = self.statement.compile(dialect=dialect)
        binds = compiled.binds
        if any(bind.expanding or bind.literal_execute for bind in binds.values()):
            raise ValueError("a prepared statement takes plain bound parameters only")
        order = compiled.positiontup if compiled.positional else list(binds)
        plan = _Plan(
            sql=compiled.string,
            positional=compiled.positional,
            binds=tuple(
                (
                    name,
                    _REQUIRED if binds[name].required else binds[name].effective_value,
                    binds[name].type.dialect_impl(dialect).bind_processor(dialect),
                )
                for name in order or ()
            ),
            results=None,
        )
        self._plans[dialect.name] = plan
        return plan

    def _read_types(self, plan: _Plan, dialect: sa.Dialect, description: Any) -> _Plan:
        """The result conversions, once the driver has described the columns (PostgreSQL's
        numeric conversions depend on the type the server reports)."""
        columns = list(self.statement.selected_columns)
        if description is None or len(description) != len(columns):
            raise ValueError("the driver's columns are not the statement's")
        results = []
        for at, (column, described) in enumerate(zip(columns, description, strict=True)):
            impl = column.type.dialect_impl(dialect)
            process = impl.result_processor(dialect, described[1])
            if process is not None:
                results.append((at, process))
        plan = _Plan(plan.sql, plan.positional, plan.binds, tuple(results))
        self._plans[dialect.name] = plan
        return plan
