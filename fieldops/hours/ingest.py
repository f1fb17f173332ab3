"""Taking in evidence: batches of signals from integrations, and the manager's close-out.

A batch keeps its good rows and rejects the bad ones, each with its reason. Rows go in
with bulk INSERTs that skip duplicates (ON CONFLICT DO NOTHING on the per-store dedupe
key, `models.signal_key`; on PostgreSQL from a COPY into a temporary table), so a resent
row changes nothing; then the daily presence of the business days that gained evidence
is recomputed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from marshmallow import ValidationError
from sqlalchemy.dialects import postgresql, sqlite

from fieldops.auth import User
from fieldops.clock import DayOf, business_date, clock_minute, minute_of, zone
from fieldops.core.errors import Invalid, TooLarge, describe
from fieldops.extensions import db
from fieldops.hours.models import Closeout, SignalSource, signal_key
from fieldops.hours.presence import as_utc, refresh_presence
from fieldops.hours.schemas import ROW_SCHEMAS, load_row
from fieldops.stores import Store


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)


class RowRejected(ValueError):
    pass


@dataclass(frozen=True)
class Limits:
    """The span of time evidence may fall in: not older than SIGNALS_MAX_AGE_DAYS, not in
    the future."""

    oldest: datetime
    newest: datetime
    cutoff: time
    tz_name: str

    def check(self, at: datetime, name: str) -> None:
        if at < self.oldest:
            raise RowRejected(f"{name}: older than {(self.newest - self.oldest).days} days.")
        if at > self.newest:
            raise RowRejected(f"{name}: in the future.")

    def check_day(self, day: date, name: str) -> None:
        first = business_date(self.oldest, self.tz_name, self.cutoff)
        if not first <= day <= business_date(self.newest, self.tz_name, self.cutoff):
            days = (self.newest - self.oldest).days
            raise RowRejected(f"{name}: older than {days} days or in the future.")


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


def signal_row(
    store_id: int, data: dict[str, Any], limits: Limits, now: datetime
) -> dict[str, Any]:
    """The `signals` row for one validated batch row."""
    source = data["source"]
    row = {
        "store_id": store_id,
        "source": source,
        "received_at": now,
        "end_at": None,
        "device": None,
        "entries": None,
        "exits": None,
    }
    if source == SignalSource.WIFI_SESSION:
        limits.check(data["start"], "start")
        limits.check(data["end"], "end")
        row.update(
            start_at=data["start"],
            end_at=data["end"],
            device=data["device"],
            dedupe_key=f"{data['device']}|{_iso(data['start'])}",
        )
    elif source == SignalSource.DOOR_COUNT:
        limits.check(data["start"], "start")
        row.update(
            start_at=data["start"],
            end_at=data["start"] + timedelta(minutes=data["interval_minutes"]),
            entries=data["entries"],
            exits=data["exits"],
            dedupe_key=_iso(data["start"]),
        )
    else:
        limits.check(data["at"], "at")
        key = f"id:{data['id']}" if data.get("id") else f"at:{_iso(data['at'])}"
        row.update(start_at=data["at"], dedupe_key=key)
    return row


def closeout_row(
    store_id: int, data: dict[str, Any], limits: Limits, now: datetime, reporter: User | None
) -> dict[str, Any]:
    limits.check_day(data["date"], "date")
    return {
        "store_id": store_id,
        "business_date": data["date"],
        "closed": data.get("closed", False),
        "last_customer_at": None if data.get("closed") else data.get("last_customer_at"),
        "first_customer_at": None if data.get("closed") else data.get("first_customer_at"),
        "reported_by_id": reporter.id if reporter else None,
        "reported_at": now,
    }


def _dialect_insert(model: type[Any]) -> Any:
    """INSERT with the ON CONFLICT clauses of the database in use (SQLite or PostgreSQL)."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model.__table__)


def _insert(
    model: type[Any],
    rows: list[dict[str, Any]],
    keys: Sequence[str],
    returning: sa.ColumnElement[Any],
) -> list[Any]:
    """Bulk INSERT skipping rows whose `keys` already exist; what was really inserted."""
    if not rows:
        return []
    stmt = _dialect_insert(model).on_conflict_do_nothing(index_elements=list(keys))
    return list(db.session.scalars(stmt.returning(returning), rows))


# Each column written by ingestion, with its PostgreSQL type (for COPY in binary format).
SIGNAL_COLUMNS = {
    "store_id": "int4",
    "source": "varchar",
    "dedupe_key": "varchar",
    "start_at": "timestamptz",
    "end_at": "timestamptz",
    "device": "varchar",
    "entries": "int4",
    "exits": "int4",
    "received_at": "timestamptz",
}
SQLITE_ROWS_A_STATEMENT = 3000  # 27,000 parameters, under SQLite's limit of 32,766


def _sqlite_time(at: datetime | None) -> str | None:
    """A timestamp as SQLAlchemy stores it on SQLite: naive UTC text."""
    return (
        None
        if at is None
        else at.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    )


def _sqlite_insert(rows: list[dict[str, Any]]) -> list[datetime]:
    """Multi-row statements of at most SQLITE_ROWS_A_STATEMENT rows, values prepared here."""
    conn = db.session.connection()
    inserted: list[datetime] = []
    for first in range(0, len(rows), SQLITE_ROWS_A_STATEMENT):
        chunk = rows[first : first + SQLITE_ROWS_A_STATEMENT]
        values = ",".join(["(" + ",".join("?" * len(SIGNAL_COLUMNS)) + ")"] * len(chunk))
        sql = (
            f"INSERT INTO signals ({', '.join(SIGNAL_COLUMNS)}) VALUES {values} "
            f"ON CONFLICT ({', '.join(signal_key('sqlite'))}) DO NOTHING RETURNING start_at"
        )
        params = tuple(
            value
            for row in chunk
            for value in (
                row["store_id"],
                str(row["source"]),
                row["dedupe_key"],
                _sqlite_time(row["start_at"]),
                _sqlite_time(row["end_at"]),
                row["device"],
                row["entries"],
                row["exits"],
                _sqlite_time(row["received_at"]),
            )
        )
        inserted += [as_utc(text) for (text,) in conn.exec_driver_sql(sql, params)]
    return inserted


INCOMING = "incoming_signals"  # a temporary table: each connection has its own


def _postgres_insert(rows: list[dict[str, Any]]) -> list[datetime]:
    """COPY the rows into a temporary table, then move them with one INSERT ... SELECT.

    psycopg formats COPY rows in C, where 90,000 parameters (SQLAlchemy's pages of 1,000
    rows) or arrays took it most of a batch's time. The table lasts as long as the
    connection; the INSERT takes its rows out (a second batch in the same transaction
    starts from an empty table) and each commit truncates it, since autovacuum never
    visits temporary tables (ON COMMIT DELETE ROWS).
    """
    conn = db.session.connection()
    columns = ", ".join(SIGNAL_COLUMNS)
    typed = ", ".join(f"{name} {kind}" for name, kind in SIGNAL_COLUMNS.items())
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {INCOMING} ({typed}) ON COMMIT DELETE ROWS"
    )
    copying = f"COPY {INCOMING} ({columns}) FROM STDIN (FORMAT BINARY)"
    with conn.connection.driver_connection.cursor() as cursor, cursor.copy(copying) as copy:
        copy.set_types(list(SIGNAL_COLUMNS.values()))
        for row in rows:
            copy.write_row([row[name] for name in SIGNAL_COLUMNS])
    sql = (
        f"WITH batch AS (DELETE FROM {INCOMING} RETURNING {columns}) "
        f"INSERT INTO signals ({columns}) SELECT {columns} FROM batch "
        f"ON CONFLICT ({', '.join(signal_key('postgresql'))}) DO NOTHING RETURNING start_at"
    )
    return list(conn.exec_driver_sql(sql).scalars())


def _insert_signals(rows: list[dict[str, Any]]) -> list[datetime]:
    """Insert signals skipping duplicates; the start of each one really inserted.

    The values are prepared here, not by SQLAlchemy: its per-value processing of 10,000
    rows (and on PostgreSQL its pages of 1,000 rows) cost more than the database's own work.
    """
    if not rows:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        return _postgres_insert(rows)
    return _sqlite_insert(rows)


def limits_for(store: Store, now: datetime) -> Limits:
    config = current_app.config
    return Limits(
        oldest=now - timedelta(days=config["SIGNALS_MAX_AGE_DAYS"]),
        newest=now + config["CLOCK_SKEW_TOLERANCE"],
        cutoff=config["HOURS_BUSINESS_DAY_CUTOFF"],
        tz_name=store.timezone,
    )


@dataclass
class CheckedBatch:
    """A batch after validation: the rows to store, and the rejected ones with reasons."""

    signals: list[dict[str, Any]] = field(default_factory=list)
    closeouts: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)

    @property
    def valid(self) -> int:
        return len(self.signals) + len(self.closeouts)


def check_rows(
    store: Store, rows: Sequence[Any], now: datetime, reporter: User | None = None
) -> CheckedBatch:
    """Validate every row on its own; nothing is written."""
    limits = limits_for(store, now)
    batch = CheckedBatch()
    for index, raw in enumerate(rows):
        try:
            if not isinstance(raw, dict):
                raise RowRejected("Each signal must be a JSON object.")
            if not isinstance(raw.get("source"), str) or raw["source"] not in ROW_SCHEMAS:
                raise RowRejected(f"source: Must be one of: {', '.join(ROW_SCHEMAS)}.")
            data = load_row(raw)
            if data["source"] == SignalSource.CLOSEOUT:
                batch.closeouts.append(closeout_row(store.id, data, limits, now, reporter))
            else:
                batch.signals.append(signal_row(store.id, data, limits, now))
        except ValidationError as err:
            batch.rejected.append({"index": index, "error": "; ".join(describe(err.messages))})
        except RowRejected as err:
            batch.rejected.append({"index": index, "error": str(err)})
    return batch


def ingest_signals(
    store: Store, rows: Sequence[Any], now: datetime, reporter: User | None = None
) -> IngestResult:
    """Validate and store a batch; good rows are kept, bad ones come back with the reason."""
    limit = current_app.config["SIGNALS_MAX_BATCH"]
    if len(rows) > limit:
        raise TooLarge(f"At most {limit:,} signals a batch; this one has {len(rows):,}.", "signals")
    batch = check_rows(store, rows, now, reporter)
    new_starts = _insert_signals(batch.signals)
    new_days = _insert(
        Closeout, batch.closeouts, ("store_id", "business_date"), Closeout.business_date
    )
    accepted = len(new_starts) + len(new_days)
    day_of = DayOf(store.timezone, current_app.config["HOURS_BUSINESS_DAY_CUTOFF"])
    days = {day_of(at) for at in new_starts}
    refresh_presence(store, days | set(new_days), now)
    return IngestResult(accepted, batch.valid - accepted, batch.rejected)


def closeout_day(
    store: Store, data: dict[str, Any], now: datetime, cutoff: time
) -> tuple[date, time | None]:
    """The business day and last-customer time of a one-tap close-out.

    Without a time the last customer left now. Without a date it is the current business
    day, unless the time given is still to come today: then it was the previous evening
    (a manager reporting "21:40" the next morning).
    """
    today = business_date(now, store.timezone, cutoff)
    if data.get("closed"):
        return data.get("date", today), None
    local_now = now.astimezone(zone(store.timezone))
    last = data.get("last_customer_at") or time(local_now.hour, local_now.minute)
    day = data.get("date")
    if day is None:
        later_today = clock_minute(last, cutoff) > minute_of(now, store.timezone, today)
        day = today - timedelta(days=1) if later_today else today
    return day, last


def record_closeout(store: Store, data: dict[str, Any], reporter: User, now: datetime) -> Closeout:
    """Store the manager's close-out; a second one for the same day replaces the first."""
    limits = limits_for(store, now)
    day, last = closeout_day(store, data, now, limits.cutoff)
    try:
        limits.check_day(day, "date")
    except RowRejected as err:
        raise Invalid(str(err).removeprefix("date: "), "date") from None
    if (
        last is not None
        and day == business_date(now, store.timezone, limits.cutoff)
        and clock_minute(last, limits.cutoff) > minute_of(now, store.timezone, day) + 2
    ):
        raise Invalid("Cannot be in the future.", "last_customer_at")
    values = closeout_row(
        store.id,
        {**data, "date": day, "last_customer_at": last},
        limits,
        now,
        reporter,
    )
    stmt = _dialect_insert(Closeout).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["store_id", "business_date"],
        set_={k: stmt.excluded[k] for k in values if k not in ("store_id", "business_date")},
    )
    db.session.execute(stmt)
    refresh_presence(store, [day], now)
    return db.session.scalars(
        sa.select(Closeout)
        .where(Closeout.store_id == store.id, Closeout.business_date == day)
        .execution_options(populate_existing=True)
    ).one()
