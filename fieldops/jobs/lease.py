"""The scheduler's lease: at most one scheduler process runs jobs at any time.

A lease is one row of `scheduler_leases`: who holds it, until when, and its generation.
A holder (a scheduler process, named `host:pid:random`) takes it when the row is absent,
expired, released or already its own, and keeps it by renewing it well before it expires
(the heartbeat job, and every job run, renews it). A process that dies stops renewing,
so a standby takes over once `expires_at` has passed; a process that stops cleanly
releases it (clears the holder) so a standby takes over at once.

Each change of hands starts a new term and adds one to `generation`, the fencing token:
a job run carries the term it started under (`Tenure`) and renews that very term inside
its own transaction just before committing (fieldops.jobs.runner). A leader that was
frozen (SIGSTOP, a VM pause, a long GC) past its lease while a standby took over finds
its term over at that point, and rolls its work back instead of committing it over the
new leader's.

Every step is one atomic statement, so two processes racing for the lease get exactly one
leader on both databases:

- taking an existing row is `UPDATE … WHERE name = :name AND (holder = :me OR holder IS
  NULL OR expires_at <= :now)`: on PostgreSQL the loser of a race waits for the winner's
  row lock and then re-checks the condition against the winner's row, which no longer
  matches; on SQLite writers are serialised (`BEGIN IMMEDIATE`, see fieldops.database);
- taking an absent row is `INSERT … ON CONFLICT (name) DO NOTHING`: the second insert of
  a race inserts nothing instead of failing (and aborting its transaction).

Why a lease row rather than `pg_try_advisory_lock` on a connection held for the
process's life: the same code (and the same tests) works on SQLite and PostgreSQL; the
row shows who leads and since when (`flask fieldops jobs`); it works through a
transaction-pooling PgBouncer, which breaks session-level advisory locks; and it never
depends on one long-lived connection, whose silent loss (a database restart, a network
blip) would drop an advisory lock without the process noticing. The price is trusting
clocks (hosts must keep NTP time) and a process frozen for longer than the lease waking
up believing it still leads: hence the renewal before every job run (skipped when its
term is over), the fence before every commit, and idempotent jobs.

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
class Tenure:
    """One holder's unbroken term as leader: the fencing token each of its job runs carries.

    `generation` goes up by one every time the lease changes hands (a release keeps the
    row and its generation), so a term, once over, never matches the lease again.
    """

    holder: str
    generation: int


@dataclass(frozen=True)
class Lease:
    name: str
    holder: str
    generation: int
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
) -> Tenure | None:
    """Take the lease (or extend it, if already ours) until `now + ttl`; None if another holds it.

    A lease is held while `now < expires_at`: from `expires_at` on, or once released,
    anyone may take it. Taking it from someone else (or after a release) starts a new
    term: the generation goes up by one. Extending our own keeps the term.
    """
    ours = SchedulerLease.holder == holder
    taken = conn.execute(
        sa.update(SchedulerLease)
        .where(
            SchedulerLease.name == name,
            sa.or_(ours, SchedulerLease.holder.is_(None), SchedulerLease.expires_at <= now),
        )
        .values(
            holder=holder,
            expires_at=now + ttl,
            # SET expressions see the row as it was. `ours` is NULL after a release: a new term.
            generation=sa.case(
                (ours, SchedulerLease.generation), else_=SchedulerLease.generation + 1
            ),
            acquired_at=sa.case(
                (ours, SchedulerLease.acquired_at),
                else_=sa.literal(now, SchedulerLease.acquired_at.type),
            ),
        )
        .returning(SchedulerLease.generation)
    ).scalar_one_or_none()
    if taken is not None:
        return Tenure(holder, taken)
    insert = _INSERTS[conn.dialect.name](SchedulerLease)
    inserted = conn.execute(
        insert.values(name=name, holder=holder, generation=1, acquired_at=now, expires_at=now + ttl)
        .on_conflict_do_nothing(index_elements=[SchedulerLease.name])
        .returning(SchedulerLease.generation)  # a row back: ours (an INSERT's rowcount may be -1)
    ).scalar_one_or_none()
    return None if inserted is None else Tenure(holder, inserted)


def renew(
    conn: sa.Connection, tenure: Tenure, now: datetime, ttl: timedelta, name: str = LEASE_NAME
) -> bool:
    """Extend our term until `now + ttl`; False if it is over (someone else's, or released).

    Unlike `acquire`, this never starts a term: a process that finds its term over steps
    down instead of running a job.
    """
    renewed = conn.execute(
        sa.update(SchedulerLease).where(*_term(tenure, name)).values(expires_at=now + ttl)
    ).rowcount
    return renewed == 1


def release(conn: sa.Connection, tenure: Tenure, now: datetime, name: str = LEASE_NAME) -> bool:
    """End our term now (if it is still ours), so a standby takes over at once.

    The row stays, without a holder, so its generation carries on: a new term never
    reuses an old one's number.
    """
    released = conn.execute(
        sa.update(SchedulerLease).where(*_term(tenure, name)).values(holder=None, expires_at=now)
    ).rowcount
    return released == 1


def current(conn: sa.Connection, name: str = LEASE_NAME) -> Lease | None:
    """The lease as stored (possibly expired); None when never taken, or released."""
    row = conn.execute(
        sa.select(
            SchedulerLease.name,
            SchedulerLease.holder,
            SchedulerLease.generation,
            SchedulerLease.acquired_at,
            SchedulerLease.expires_at,
        ).where(SchedulerLease.name == name, SchedulerLease.holder.is_not(None))
    ).one_or_none()
    return Lease(*row) if row else None


def holds(
    conn: sa.Connection, tenure: Tenure, *, lock: bool = False, name: str = LEASE_NAME
) -> bool:
    """Whether `tenure` is still the lease's term (expired or not, nobody took it over).

    With `lock`, this is the fence a job run passes just before its commit, in its own
    transaction: on PostgreSQL the lease row stays locked (`SELECT … FOR UPDATE`) until
    that commit, so a takeover either committed first (and the term is found over) or
    waits until the run has committed. On SQLite the transaction already holds the
    database's write lock (`BEGIN IMMEDIATE`), which serialises the same way.
    """
    query = sa.select(SchedulerLease.name).where(*_term(tenure, name))
    return conn.execute(query.with_for_update() if lock else query).first() is not None


def _term(tenure: Tenure, name: str) -> tuple[sa.ColumnElement[bool], ...]:
    """The lease row while `tenure` is its term."""
    return (
        SchedulerLease.name == name,
        SchedulerLease.holder == tenure.holder,
        SchedulerLease.generation == tenure.generation,
    )
