"""What the jobs and commands do: thin wrappers around the services.

Each takes `now`, changes state through services that flush, and returns figures for the
run's record; the caller (fieldops.jobs.runner) commits once. Each is idempotent, so a
repeated or caught-up run does no harm.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from fieldops.coverage import take_snapshot
from fieldops.hours import prune_signals, recompute, recompute_pending
from fieldops.issues import escalate
from fieldops.jobs.queue import run_queued
from fieldops.visits import mark_missed


def recompute_real_hours(now: datetime) -> dict[str, Any]:
    """Relearn real hours for the stores whose evidence changed since they were last learned.

    Idempotent: a store whose evidence has not changed since is left alone, so a second
    run (a catch-up, or a run by a scheduler that lost its lease mid-way) finds nothing.
    """
    return recompute_pending(now)


def recompute_hours(now: datetime, store_ids: Collection[int] | None = None) -> dict[str, Any]:
    """Relearn real hours for every store (or these), whatever changed: the by-hand command."""
    return recompute(now, store_ids)


def coverage_snapshot(now: datetime) -> dict[str, Any]:
    """Snapshot every active store's coverage for its next 28 days, then open and close alerts.

    Idempotent: a second run the same day replaces that day's snapshots, and finds the
    alerts already open (or closed).
    """
    return take_snapshot(now)


def signal_retention(now: datetime, commit: Callable[[], None]) -> dict[str, Any]:
    """Delete raw signals past SIGNALS_RETENTION_DAYS whose business days are summarised
    (on PostgreSQL: create the month partitions ahead, drop whole months past retention).

    Batched: `commit` ends each batch's transaction, so SQLite's write lock is never held
    for long. Idempotent: what was deleted is gone, a second run finds nothing to delete.
    """
    return prune_signals(now, commit)


def queued_jobs(now: datetime) -> dict[str, Any]:
    """Run the jobs queued by changes too large for their request (fieldops.jobs.queue).

    Idempotent: each queued run is marked done in the commit of its work, so a second run
    finds nothing; a run rolled back (its scheduler lost the lease) leaves them queued.
    """
    return run_queued(now)


def sla_escalation(now: datetime) -> dict[str, Any]:
    """Warn of open issues at 75 % of a service-level target, and tell of breaches.

    Idempotent: each escalation is sent once per issue, target, kind and due time (a row of
    `sla_escalations` in the run's commit), so a repeated run, a catch-up or a restarted
    scheduler sends nothing again. Figures are empty when nothing was sent (not recorded).
    """
    return escalate(now)


def missed_visits(now: datetime) -> dict[str, Any]:
    """Mark missed the planned visits nobody checked in to, a day after their local day.

    Idempotent: a visit marked missed is no longer planned, so a repeated run finds it no
    more. Figures are empty when nothing was marked (not recorded).
    """
    return mark_missed(now)


def heartbeat(now: datetime) -> dict[str, Any]:
    """Nothing to do: the runner renews the scheduler's lease before every job, this one too."""
    return {}
