"""The scheduler's lease: at most one scheduler process runs jobs at any time.

A lease is one row of `scheduler_leases`: who holds it and until when. A holder (a
scheduler process, named `host:pid:random`) takes it when the row is absent, expired, or
already its own, and keeps it by renewing it well before it expires (the heartbeat job,
and every job run, renews it). A process that dies stops renewing, so a standby takes
over once `expires_at` has passed; a process that stops cleanly deletes the row at once.

Every step is one atomic statement, so two processes racing for the lease get exactly one
leader on both databases:

- taking an existing row is `UPDATE … WHERE name = :name AND (holder = :me OR expires_at
  <= :now)`: on PostgreSQL the loser of a race waits for the winner's row lock and then
  re-checks the condition against the winner's row, which no longer matches; on SQLite
  writers are serialised (`BEGIN IMMEDIATE`, see fieldops.database);
- taking an absent row is `INSERT … ON CONFLICT (name) DO NOTHING`: the second insert of
  a race inserts nothing instead of failing (and aborting its transaction).

Why a lease row rather than `pg_try_advisory_lock` on a connection held for the
process's life: the same code (and the same tests) works on SQLite and PostgreSQL; the
row shows who leads and since when (`flask fieldops jobs`); it works through a
transaction-pooling PgBouncer, which breaks session-level advisory locks; and it never
depends on one long-lived connection, whose silent loss (a database restart, a network
blip) would drop an advisory lock without the process noticing. The price is trusting
clocks: hosts must keep NTP time, and a process frozen for longer than the lease can wake
up believing it still leads. That is why every job run renews the lease (`holder = me`)
just before it starts and is skipped when the renewal fails, and why jobs are idempotent.

Times are passed in (`now`) so tests can move them; the functions run on the caller's
connection and leave the commit to the caller (`with db.engine.begin() as conn: …`).
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from fieldops.jobs.models import SchedulerLease

LEASE_NAME = "scheduler"
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@dataclass(frozen=True)
class Lease:
    name: str
    holder: str
    acquired_at: datetime
    expires_at: datetime

    def held_at(self, now: datetime) -> bool:
        return now < self.expires_at


def new_holder(prefix: str = "") -> str:
    """A name for this process: `host:pid:random` (random, so a reused pid is someone else)."""
    host = socket.gethostname()[:80] or "localhost"
    name = f"{host}:{os.getpid()}:{secrets.token_hex(4)}"
    return f"{prefix}:{name}" if prefix else name


def acquire(
    conn: sa.Connection, holder: str, now: datetime, ttl: timedelta, name: str = LEASE_NAME
) -> bool:
    """Take the lease (or extend it, if already ours) until `now + ttl`; False if another holds it.

    A lease is held while `now < expires_at`: from `expires_at` on, anyone may take it.
    """
    expires_at = now + ttl
    taken = conn.execute(
        sa.update(SchedulerLease)
        .where(
            SchedulerLease.name == name,
            sa.or_(SchedulerLease.holder == holder, SchedulerLease.expires_at <= now),
        )
        .values(
            holder=holder,
            expires_at=expires_at,
            # SET expressions see the row as it was: a takeover starts a new tenure.
            acquired_at=sa.case(
                (SchedulerLease.holder == holder, SchedulerLease.acquired_at),
                else_=sa.literal(now, SchedulerLease.acquired_at.type),
            ),
        )
    ).rowcount
    if taken:
        return True
    insert = _INSERTS[conn.dialect.name](SchedulerLease)
    inserted = conn.execute(
        insert.values(name=name, holder=holder, acquired_at=now, expires_at=expires_at)
        .on_conflict_do_nothing(index_elements=[SchedulerLease.name])
        .returning(SchedulerLease.name)  # a row back: ours (an INSERT's rowcount may be -1)
    ).first()
    return inserted is not None


def renew(
    conn: sa.Connection, holder: str, now: datetime, ttl: timedelta, name: str = LEASE_NAME
) -> bool:
    """Extend our lease until `now + ttl`; False if the row is no longer ours.

    Unlike `acquire`, this never takes a lease that someone else holds or released: a
    process that finds it has lost the lease steps down instead of running a job.
    """
    renewed = conn.execute(
        sa.update(SchedulerLease)
        .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        .values(expires_at=now + ttl)
    ).rowcount
    return renewed == 1


def release(conn: sa.Connection, holder: str, name: str = LEASE_NAME) -> bool:
    """Give the lease up (delete the row) if it is ours, so a standby takes over at once."""
    released = conn.execute(
        sa.delete(SchedulerLease).where(
            SchedulerLease.name == name, SchedulerLease.holder == holder
        )
    ).rowcount
    return released == 1


def current(conn: sa.Connection, name: str = LEASE_NAME) -> Lease | None:
    """The lease as stored (possibly expired), or None when nobody has taken it."""
    row = conn.execute(
        sa.select(
            SchedulerLease.name,
            SchedulerLease.holder,
            SchedulerLease.acquired_at,
            SchedulerLease.expires_at,
        ).where(SchedulerLease.name == name)
    ).one_or_none()
    return Lease(*row) if row else None
