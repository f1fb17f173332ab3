"""Running one job: check the lease, record the run, commit the work and its record once.

`run_job` is what the scheduler calls for every job (in a worker thread):

1. It renews the scheduler's lease. When the lease is no longer this process's (another
   scheduler took it over after this one failed to renew in time), the job does not run:
   a recorded job leaves a `skipped` run saying who holds the lease, and the outcome tells
   the scheduler to step down.
2. It records the run as `running` (committed, so a long run shows in `flask fieldops
   jobs`), runs the job, and commits the job's work together with the run's `succeeded`
   record: the one commit of the unit of work.
3. On any error it rolls the work back and records the run as `failed` with the error.
   Nothing escapes: an error in one run never stops the scheduler.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from fieldops.clock import utcnow
from fieldops.extensions import db
from fieldops.jobs import lease, registry
from fieldops.jobs.models import JobRun, RunStatus

log = logging.getLogger(__name__)

Work = Callable[[datetime], Mapping[str, Any] | None]


@dataclass(frozen=True)
class Outcome:
    job_id: str
    status: RunStatus | None  # None: not recorded (the heartbeat), or the database failed
    run_id: int | None = None
    details: dict[str, Any] = field(default_factory=dict)
    lost_lease: bool = False  # another scheduler holds the lease: this one should step down


def run_job(app: Flask, job_id: str, holder: str, now: datetime | None = None) -> Outcome:
    """Run a registered job for the scheduler holding (or believing it holds) the lease."""
    spec = registry.get(job_id)
    with app.app_context():
        now = now or utcnow()
        try:
            with db.engine.begin() as conn:
                leader = lease.renew(conn, holder, now, registry.lease_ttl(app.config))
                holder_now = None if leader else lease.current(conn)
            if not leader:
                return _skip(spec, holder, now, holder_now)
            if spec.recorded:
                return record_run(spec.id, holder, spec.func, now)
            spec.func(now)
            db.session.commit()
            return Outcome(spec.id, None)
        except Exception:  # logged: the scheduler must carry on
            log.exception("Job %s could not run or be recorded", job_id)
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


def record_run(job_id: str, holder: str, work: Work, now: datetime, **context: Any) -> Outcome:
    """Run `work(now)` as one recorded unit of work, in the current app context.

    `context` (say, the store a command was limited to) is kept in the run's details
    beside the figures `work` returns. A failure is rolled back and recorded, not raised.
    """
    run = JobRun(
        job_id=job_id,
        holder=holder,
        status=RunStatus.RUNNING,
        started_at=now,
        details=_jsonable(context),
    )
    db.session.add(run)
    db.session.commit()
    run_id = run.id
    started = time.perf_counter()
    try:
        figures = dict(work(now) or {})
        details = _jsonable({**context, **figures, "seconds": _since(started)})
        run.status, run.finished_at, run.details = RunStatus.SUCCEEDED, utcnow(), details
        db.session.commit()
    except Exception as err:  # recorded; the caller decides what to say
        db.session.rollback()
        log.exception("Job %s failed (run %s)", job_id, run_id)
        details = _jsonable(
            {**context, "error": f"{type(err).__name__}: {err}", "seconds": _since(started)}
        )
        run = db.session.get(JobRun, run_id)
        run.status, run.finished_at, run.details = RunStatus.FAILED, utcnow(), details
        db.session.commit()
        return Outcome(job_id, RunStatus.FAILED, run_id, details)
    return Outcome(job_id, RunStatus.SUCCEEDED, run_id, details)


def abandon_runs(holder: str, now: datetime) -> int:
    """Mark as failed the scheduled runs still `running` under another holder.

    Called by a scheduler that has just taken the lease: the lease was free, so whoever
    started those runs has stopped (died, or was killed mid-run) and its work was rolled
    back with its connection. Runs started by hand (not registry jobs) are left alone.
    """
    result = db.session.execute(
        sa.update(JobRun)
        .where(
            JobRun.status == RunStatus.RUNNING,
            JobRun.holder != holder,
            JobRun.job_id.in_([spec.id for spec in registry.JOBS.values() if spec.recorded]),
        )
        .values(
            status=RunStatus.FAILED,
            finished_at=now,
            details={"error": "abandoned: the scheduler running it stopped"},
        )
    )
    db.session.commit()
    return result.rowcount


def missed_runs(config: Mapping[str, Any], now: datetime) -> set[str]:
    """The recorded jobs whose last due time lies within their grace time, without a success.

    The scheduler keeps its schedule in memory, so a run due while no scheduler was leading
    (a restart at 03:15, a takeover after the leader died) would otherwise wait for the
    next trigger. A new leader runs these at once: the same rule as a misfire within
    `misfire_grace_time`, applied across processes. Jobs are idempotent, so a run that did
    happen but failed is simply tried again.
    """
    due = set()
    for spec in registry.JOBS.values():
        if not spec.recorded:
            continue
        window_start = now - timedelta(seconds=spec.misfire_grace_time)
        fire_time = spec.trigger(config).get_next_fire_time(None, window_start)
        if fire_time is None or fire_time > now:
            continue
        done = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(JobRun)
            .where(
                JobRun.job_id == spec.id,
                JobRun.status == RunStatus.SUCCEEDED,
                JobRun.started_at >= fire_time,
            )
        )
        if not done:
            due.add(spec.id)
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
