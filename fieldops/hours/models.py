"""Evidence of customer presence, what it says per business day, and the hours learned from it.

signals          raw evidence pushed by integrations (Wi-Fi sessions, door-counter bins,
                 transactions), one row each, deduplicated per store by `dedupe_key`
closeouts        the manager's daily "last customer left at …" (one per store and day)
daily_presence   per store and local business day: first and last customer presence
real_hours       per store and weekday: the learned opening and closing times
hours_status     per store: when evidence last changed and when hours were last learned
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime, time
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fieldops.clock import utcnow
from fieldops.database import enum_type
from fieldops.extensions import db

# SQLite only aliases the rowid (fast appends) for a column typed exactly INTEGER.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class SignalSource(StrEnum):
    WIFI_SESSION = "wifi_session"
    DOOR_COUNT = "door_count"
    TRANSACTION = "transaction"
    CLOSEOUT = "closeout"
    OBSERVATION = "observation"  # an engineer's `hours` observation


class HoursBasis(StrEnum):
    OBSERVED = "observed"
    POSTED = "posted"


# What makes a signal a resend of one already stored. On PostgreSQL `signals` is
# partitioned by month of `start_at` (fieldops/hours/partitions.py), and a unique key of
# a partitioned table must hold its partition column: there the key is SIGNAL_KEY plus
# `start_at`. A resend has the same start (every dedupe key but a transaction's own id is
# made of it), so it is still dropped; see docs/hours.md.
SIGNAL_KEY = ("store_id", "source", "dedupe_key")
PARTITION_COLUMN = "start_at"


def signal_key(dialect: str) -> tuple[str, ...]:
    """The columns of the signals' unique key on `dialect` (its ON CONFLICT target)."""
    return (*SIGNAL_KEY, PARTITION_COLUMN) if dialect == "postgresql" else SIGNAL_KEY


class Signal(db.Model):
    """One piece of evidence from an integration. Times are UTC.

    wifi_session: start_at..end_at, device; door_count: the bin start_at..end_at with
    entries/exits; transaction: start_at is the transaction time.
    """

    __tablename__ = "signals"
    __table_args__ = (
        sa.UniqueConstraint(*SIGNAL_KEY).ddl_if(dialect="sqlite"),
        sa.UniqueConstraint(*signal_key("postgresql")).ddl_if(dialect="postgresql"),
        sa.Index("ix_signals_store_start", "store_id", "start_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id"))
    source: Mapped[SignalSource] = mapped_column(enum_type(SignalSource))
    # What makes a resent row a duplicate: device+start, start, the source's id, or the time.
    dedupe_key: Mapped[str] = mapped_column(sa.String(160))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime | None]
    device: Mapped[str | None] = mapped_column(sa.String(128))
    entries: Mapped[int | None]
    exits: Mapped[int | None]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class Closeout(db.Model):
    """The manager's close-out for a business day (times are the store's local time)."""

    __tablename__ = "closeouts"
    __table_args__ = (sa.UniqueConstraint("store_id", "business_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id"))
    business_date: Mapped[dt.date]
    closed: Mapped[bool] = mapped_column(default=False)
    first_customer_at: Mapped[time | None]
    last_customer_at: Mapped[time | None]
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)


class DailyPresence(db.Model):
    """First and last customer presence on one local business day of a store.

    Minutes count from the local midnight that starts the business date, on the wall
    clock, so a last customer at 00:20 the next morning is minute 1460 and a
    daylight-saving change does not shift anything.
    """

    __tablename__ = "daily_presence"

    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id"), primary_key=True)
    business_date: Mapped[dt.date] = mapped_column(primary_key=True)
    closed: Mapped[bool] = mapped_column(default=False)
    first_minute: Mapped[int | None]
    last_minute: Mapped[int | None]
    first_at: Mapped[datetime | None]
    last_at: Mapped[datetime | None]
    # Which sources spoke for the day, comma-separated, and how many pieces of evidence.
    sources: Mapped[str] = mapped_column(sa.String(80), default="")
    evidence: Mapped[int] = mapped_column(default=0)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class RealHours(db.Model):
    """The learned hours of one weekday (Monday = 0); posted hours when evidence is thin."""

    __tablename__ = "real_hours"

    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id"), primary_key=True)
    weekday: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    opens: Mapped[time | None]
    closes: Mapped[time | None]
    sample_days: Mapped[int] = mapped_column(default=0)
    confidence: Mapped[float] = mapped_column(default=0.0)
    basis: Mapped[HoursBasis] = mapped_column(enum_type(HoursBasis))
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class HoursStatus(db.Model):
    """Per store: when its evidence last changed, and when its hours were last learned."""

    __tablename__ = "hours_status"

    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id"), primary_key=True)
    evidence_changed_at: Mapped[datetime | None]
    computed_at: Mapped[datetime | None]
