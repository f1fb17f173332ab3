"""Recompute of real hours for every store, in-process on the cached data set.

Runs `fieldops.hours.learning.recompute(now)` (the nightly job's work, all active
stores) `rounds` times in an app context on the database (the SQLite cache file or its
PostgreSQL copy), each time committed: the result replaces the real hours learned when the
cache was built, so the data set stays as good for the next run. Every SQL statement of
the last run is recorded with its time; each SELECT is then run again on a plain DB-API
connection, all rows fetched, and its query plan kept (EXPLAIN QUERY PLAN on SQLite,
EXPLAIN on PostgreSQL): what is left of the run's time is Python.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from bench.databases import engine
from bench.generate import bench_app

TARGET_SECONDS = 30.0


@dataclass
class Statement:
    sql: str
    calls: int = 0
    rows: int = 0  # parameter sets sent (executemany) or 1; for a SELECT, rows fetched again
    seconds: float = 0.0  # in cursor.execute (for a SELECT: replayed, all rows fetched)
    plan: list[str] = field(default_factory=list)
    parameters: Any = None  # of a SELECT's first call

    @property
    def is_select(self) -> bool:
        return self.sql.upper().startswith("SELECT")


@dataclass
class Rounds:
    """Seconds of each round of an in-process measurement, and its last round's SQL."""

    runs: list[float] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)

    @property
    def best(self) -> float:
        return min(self.runs) if self.runs else float("nan")

    @property
    def worst(self) -> float:
        return max(self.runs) if self.runs else float("nan")


@dataclass
class RecomputeResult(Rounds):
    stores: int = 0
    weekdays: int = 0
    samples: int = 0  # store-days read in the window (sum of real_hours.sample_days)
    observed: int = 0  # weekdays learned from evidence (basis "observed")
    commits: list[float] = field(default_factory=list)  # seconds of each run's commit


def _short(sql: str) -> str:
    return " ".join(sql.split())


def record_statements(engine: Any, into: dict[str, Statement]) -> None:
    """Time every statement the engine runs, keyed by its SQL."""

    def before(_conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        context._bench_started = time.perf_counter()

    def after(_conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        s = into.setdefault(statement, Statement(_short(statement)))
        s.calls += 1
        s.rows += len(parameters) if executemany else 1
        s.seconds += time.perf_counter() - context._bench_started
        if s.is_select and s.parameters is None:
            s.parameters = parameters

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)


def _plan(raw: Any, sql: str, parameters: Any) -> list[str]:
    """The query plan: SQLite's EXPLAIN QUERY PLAN details, PostgreSQL's EXPLAIN nodes."""
    if isinstance(raw, sqlite3.Connection):
        return [str(r[3]) for r in raw.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)]
    import psycopg  # PostgreSQL: the parameters bound in the text, as psql would show it

    with psycopg.ClientCursor(raw) as cursor:
        cursor.execute(f"EXPLAIN (COSTS OFF) {sql}", parameters)
        top, *rest = [r[0] for r in cursor.fetchall()]
    return [top, *(line.split("->", 1)[1].strip() for line in rest if "->" in line)]


def replay_selects(url: str, statements: dict[str, Statement]) -> None:
    """Time each SELECT again on a plain DB-API connection, every row fetched (the SQL's
    own cost), and keep its query plan."""
    connection = engine(url).raw_connection()
    try:
        raw = connection.driver_connection
        for sql, s in statements.items():
            if not s.is_select:
                continue
            s.plan = _plan(raw, sql, s.parameters)
            cursor = raw.cursor()
            started = time.perf_counter()
            cursor.execute(sql, s.parameters)
            s.rows = len(cursor.fetchall()) * s.calls
            s.seconds = (time.perf_counter() - started) * s.calls
            cursor.close()
        raw.rollback()
    finally:
        connection.close()


def measured_rounds(url: str, rounds: int, run_round: Callable[[int], None]) -> list[Statement]:
    """`run_round(n)` for n = 1 … `rounds` in an app context on the database at `url`; the
    SQL statements of the last round, each SELECT replayed on a plain connection."""
    from fieldops.extensions import db

    statements: dict[str, Statement] = {}
    with bench_app(url).app_context():
        record_statements(db.engine, statements)
        for round_ in range(1, rounds + 1):
            if round_ == rounds:  # the statements of the last round only
                statements.clear()
            run_round(round_)
        db.engine.dispose()
    replay_selects(url, statements)
    return list(statements.values())


def sql_lines(
    statements: list[Statement], seconds: float, round_name: str, writes: str = ""
) -> list[str]:
    """The report's account of the last round's SQL: its share of `seconds`, the slowest."""
    slow = sorted(statements, key=lambda s: s.seconds, reverse=True)[:5]
    lines = [
        "",
        f"SQL of the last {round_name}: {sum(s.calls for s in statements):,} statements, "
        f"{sum(s.seconds for s in statements):.2f} s of its {seconds:.2f} s (each SELECT run "
        f"again on a plain connection with every row fetched{writes}): the rest is Python. "
        "The slowest:",
        "",
    ]
    for s in slow:
        plan = f" — plan: {'; '.join(s.plan)}" if s.plan else ""
        lines.append(
            f"- {s.seconds:.2f} s, {s.calls:,} call(s), {s.rows:,} row(s): `{s.sql[:100]}…`{plan}"
        )
    return lines


def measure_recompute(url: str, rounds: int = 2) -> RecomputeResult:
    from fieldops.extensions import db
    from fieldops.hours.learning import recompute

    result = RecomputeResult()

    def run_round(round_: int) -> None:
        started = time.perf_counter()
        answer = recompute(datetime.now(UTC))
        result.runs.append(time.perf_counter() - started)
        started = time.perf_counter()
        db.session.commit()
        result.commits.append(time.perf_counter() - started)
        result.stores, result.weekdays = answer["stores"], answer["weekdays"]
        print(
            f"[bench.run] recompute {round_}: {answer['stores']:,} stores in "
            f"{result.runs[-1]:.2f} s, commit {result.commits[-1]:.2f} s",
            file=sys.stderr,
            flush=True,
        )

    result.statements = measured_rounds(url, rounds, run_round)
    with engine(url).connect() as conn:
        result.samples, result.observed = conn.execute(
            sa.text(
                "SELECT SUM(sample_days), SUM(CASE WHEN basis = 'observed' THEN 1 ELSE 0 END) "
                "FROM real_hours"
            )
        ).one()
    return result
