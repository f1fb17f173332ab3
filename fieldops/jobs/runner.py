"""Running one job: check the lease, record the run, commit the work and its record once.

`run_job` is what the scheduler calls for every job (in a worker thread), with the term
(`lease.Tenure`) the scheduler leads under:

1. It renews the scheduler's lease for that term. When the term is over (another
   scheduler took the lease over after this one failed to renew in time), the job does
   not run: a recorded job leaves a `skipped` run saying who holds the lease, and the
   outcome tells the scheduler to step down.
2. It records the run as `running` (committed, so a long run shows in `flask fieldops
   jobs`), runs the job, and commits the job's work together with the run's `succeeded`
   record: the one commit of the unit of work.
3. Just before that commit, in the same transaction, the fence checks that the term is
   still the lease's and locks the lease row until the commit (`lease.holds`). A leader
   frozen mid-job while a standby took over fails it on waking: its work is rolled back
   and the run recorded `abandoned`, and the scheduler steps down.
4. On any error it rolls the work back and records the run as `failed` with the error
   (`abandoned` if the term ended meanwhile). Nothing escapes: an error in one run never
   stops the scheduler.

A run's closing record is written only while the run is still `running`: a new leader
may already have marked it `abandoned`, and a stale leader never overwrites it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import sqlalchemy as sa
from blinker import Signal
from flask import Flask

from fieldops.clock import utcnow
from fieldops.extensions import db
from fieldops.jobs import lease, registry
from fieldops.jobs.models import JobRun, RunStatus

log = logging.getLogger(__name__)

# Sent with the app (and `job_id`) after each run, committed or not, in its app context and
# outside any transaction: what a job's commit kept for after it (the mails of its
# notifications) goes out then.
job_finished = Signal("job-finished")

Work = Callable[[datetime], Mapping[str, Any] | None]


class LostLease(Exception):
    """The run's term ended before its commit: another scheduler leads now."""


@dataclass(frozen=True)
class Outcome:
    job_id: str
    # None: not recorded (the heartbeat, an idle run), or the database failed
    status: RunStatus | None
    run_id: int | None = None
    details: dict[str, Any] = field(default_factory=dict)
    lost_lease: bool = False  # another scheduler holds the lease: this one should step down


@dataclass(frozen=True)
class Fence:
    """The check a scheduled run passes just before its commit: its term still leads."""

    tenure: lease.Tenure

    def check(self) -> None:
        """In the run's own transaction: lock the lease row, or raise LostLease."""
        if not lease.holds(db.session.connection(), self.tenure, lock=True):
            raise LostLease(f"the lease is no longer {self.tenure.holder}'s")

    def checkpoint(self) -> None:
        """Commit a batch of a batched job: the term must still lead (else LostLease)."""
        self.check()
        db.session.commit()

    def still_holds(self) -> bool:
        """After a rollback, in a transaction of its own: is the term still the lease's?"""
        with db.engine.begin() as conn:
            return lease.holds(conn, self.tenure)


def run_job(app: Flask, job_id: str, tenure: lease.Tenure, now: datetime | None = None) -> Outcome:
    """Run a registered job for the scheduler leading (or believing it leads) under `tenure`;
    `job_finished` follows, outside its transaction."""
    with app.app_context():
        try:
            return _run(app, registry.get(job_id), tenure, now or utcnow())
        finally:
            job_finished.send(app, job_id=job_id)


def _run(app: Flask, spec: registry.JobSpec, tenure: lease.Tenure, now: datetime) -> Outcome:
    fence = Fence(tenure)
    work = partial(spec.func, commit=fence.checkpoint) if spec.batched else spec.func
    try:
        with db.engine.begin() as conn:
            leader = lease.renew(conn, tenure, now, registry.lease_ttl(app.config))
            holder_now = None if leader else lease.current(conn)
        if not leader:
            return _skip(spec, tenure.holder, now, holder_now)
        if spec.recorded:
            return record_run(
                spec.id,
                tenure.holder,
                work,
                now,
                fence=fence,
                record_idle=spec.record_idle,
            )
        work(now)
        fence.check()
        db.session.commit()
        return Outcome(spec.id, None)
    except LostLease:
        db.session.rollback()
        log.warning("Job %s not committed: %s lost the lease", spec.id, tenure.holder)
        return Outcome(spec.id, None, lost_lease=True)
    except Exception:  # logged: the scheduler must carry on
        log.exception("Job %s could not run or be recorded", spec.id)
        db.session.rollback()
        return Outcome(spec.id, None)


def _skip(spec: registry.JobSpec, holder: str, now: datetime, other: lease.Lease | None) -> Outcome:
    log.warning(
        "Job %s not run: the scheduler lease is held by %s, not by %s",
        spec.id,
        other.holder if other else "nobody",
        holder,
    )
    details = {"reason": "not the leader", "lease_holder": other.holder if other else None}
    run_id = None
    if spec.recorded:
        run = JobRun(
            job_id=spec.id,
            holder=holder,
            status=RunStatus.SKIPPED,
            started_at=now,
            finished_at=now,
            details=details,
        )
        db.session.add(run)
        db.session.commit()
        run_id = run.id
    return Outcome(spec.id, RunStatus.SKIPPED, run_id, details, lost_lease=True)


def record_run(
    job_id: str,
    holder: str,
    work: Work,
    now: datetime,
    *,
    fence: Fence | None = None,
    record_idle: bool = True,
    **context: Any,
) -> Outcome:
    """Run `work(now)` as one recorded unit of work, in the current app context.

    `context` (say, the store a command was limited to) is kept in the run's details
    beside the figures `work` returns. A scheduled run passes its `fence`, checked just
    before the commit; a run by hand has none. A failure is rolled back and recorded,
    not raised. With `record_idle` False the run is not recorded while it runs: it leaves
    a row when it ends only if its work returned figures (it did something) or failed.
    """
    run_id = None
    if record_idle:
        run = JobRun(
            job_id=job_id,
            holder=holder,
            status=RunStatus.RUNNING,
            started_at=now,
            details=_jsonable(context),
        )
        db.session.add(run)
        db.session.flush()
        run_id = run.id  # known now: reading it after the commit would start a transaction
        db.session.commit()
    started = time.perf_counter()
    try:
        figures = dict(work(now) or {})
        details = _jsonable({**context, **figures, "seconds": _since(started)})
        if record_idle:
            run.status, run.finished_at, run.details = RunStatus.SUCCEEDED, utcnow(), details
        elif figures:  # recorded with its work, in the same commit
            run = JobRun(
                job_id=job_id,
                holder=holder,
                status=RunStatus.SUCCEEDED,
                started_at=now,
                finished_at=utcnow(),
                details=details,
            )
            db.session.add(run)
            db.session.flush()
            run_id = run.id
        if fence is not None:
            fence.check()
        db.session.commit()
    except Exception as err:  # recorded; the caller decides what to say
        db.session.rollback()
        lost = fence is not None and not fence.still_holds()
        status = RunStatus.ABANDONED if lost else RunStatus.FAILED
        details = {**context, "seconds": _since(started)}
        if lost:
            log.warning("Job %s run %s abandoned: %s; work rolled back", job_id, run_id, err)
            details["reason"] = "the scheduler lost its lease before the commit"
        else:
            log.exception("Job %s failed (run %s)", job_id, run_id)
        if not isinstance(err, LostLease):
            details["error"] = f"{type(err).__name__}: {err}"
        details = _jsonable(details)
        if record_idle:
            _close(run_id, status, details)
        else:  # its row, if any, was rolled back with the work
            run_id = _ended(job_id, holder, now, status, details)
        return Outcome(job_id, status, run_id, details, lost_lease=lost)
    return Outcome(job_id, RunStatus.SUCCEEDED if run_id else None, run_id, details)


def _ended(
    job_id: str, holder: str, started_at: datetime, status: RunStatus, details: dict[str, Any]
) -> int:
    """Record a run that was not recorded while it ran, now that it has ended."""
    run = JobRun(
        job_id=job_id,
        holder=holder,
        status=status,
        started_at=started_at,
        finished_at=utcnow(),
        details=details,
    )
    db.session.add(run)
    db.session.flush()
    run_id = run.id
    db.session.commit()
    return run_id


def _close(run_id: int, status: RunStatus, details: dict[str, Any]) -> None:
    """Record how a run ended, unless someone else already did (a new leader: abandoned)."""
    db.session.execute(
        sa.update(JobRun)
        .where(JobRun.id == run_id, JobRun.status == RunStatus.RUNNING)
        .values(status=status, finished_at=utcnow(), details=details)
    )
    db.session.commit()


def abandon_runs(holder: str, now: datetime) -> int:
    """Mark as abandoned the scheduled runs still `running` under another holder.

    Called by a scheduler that has just taken the lease: whoever started those runs has
    stopped (died, or was killed mid-run: its work was rolled back with its connection)
    or is frozen, and will fail the fence before its commit if it wakes. Runs started by
    hand (not registry jobs) are left alone.
    """
    result = db.session.execute(
        sa.update(JobRun)
        .where(
            JobRun.status == RunStatus.RUNNING,
            JobRun.holder != holder,
            JobRun.job_id.in_([spec.id for spec in registry.JOBS.values() if spec.recorded]),
        )
        .values(
            status=RunStatus.ABANDONED,
            finished_at=now,
            details={"reason": "its scheduler stopped or lost the lease; nothing committed"},
        )
    )
    db.session.commit()
    return result.rowcount


def missed_runs(config: Mapping[str, Any], now: datetime) -> dict[str, datetime]:
    """For each recorded job with run times missed within its grace time, the first of them
    (jobs whose idle runs are not recorded excepted).

    The scheduler keeps its schedule in memory, so a run due while no scheduler was leading
    (a restart at 03:15, a takeover after the leader died or froze) would otherwise wait
    for the next trigger. A run time is missed when it lies within the job's
    `misfire_grace_time` before `now` and no run of the job has succeeded since it (a run
    that started at or after it). A new leader schedules the job from the first missed
    time, and APScheduler then does what it does with a late job: runs it once
    (`coalesce`) or once per missed time, each only within `misfire_grace_time`. Jobs are
    idempotent, so a run that did happen but failed or was abandoned is simply run again.
    """
    due = {}
    for spec in registry.JOBS.values():
        # A job whose idle runs leave no record cannot tell a missed run from an idle one;
        # it runs every minute anyway.
        if not spec.recorded or not spec.record_idle:
            continue
        since = now - timedelta(seconds=spec.misfire_grace_time)
        last_success = db.session.scalar(
            sa.select(sa.func.max(JobRun.started_at)).where(
                JobRun.job_id == spec.id,
                JobRun.status == RunStatus.SUCCEEDED,
                JobRun.started_at >= since,
            )
        )
        if last_success is not None:
            since = last_success + timedelta(microseconds=1)  # its time and earlier: done
        first = spec.trigger(config).get_next_fire_time(None, since)
        if first is not None and first <= now:
            due[spec.id] = first
    return due


def recent_runs(limit: int = 20) -> list[JobRun]:
    return list(
        db.session.scalars(
            sa.select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
        )
    )


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 3)


def _jsonable(details: Mapping[str, Any]) -> dict[str, Any]:
    """The details as plain JSON (dates and the like as strings), so recording cannot fail."""
    return json.loads(json.dumps(dict(details), default=str))
