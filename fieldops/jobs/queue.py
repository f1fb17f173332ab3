"""Work queued for the scheduler: a change too large to finish inside its own request.

A queued job is a row of `job_runs` with status `queued`, added in the transaction of the
change that calls for it, so it exists exactly when the change was committed. The
scheduler's `queued_jobs` job (every JOBS_QUEUE_SECONDS, registry.py) runs the queued rows
in the order they were queued and marks each `succeeded` with its figures, in the same
commit as its work; one that fails is marked `failed` with the error and the others go on.

The one queued job today is the refresh of coverage snapshots after a shift, a store's
hours or a visit changed (`refresh_coverage`, connected to those features' signals by the
app factory): up to COVERAGE_REFRESH_IN_REQUEST_MAX stores are refreshed inside the
request, so the overview shows the new figures at once; more are queued, and refreshed
within JOBS_QUEUE_SECONDS (plus the run's own time).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app

from fieldops.clock import utcnow
from fieldops.coverage import refresh_snapshots
from fieldops.extensions import db
from fieldops.jobs.models import JobRun, RunStatus

log = logging.getLogger(__name__)

QUEUE_HOLDER = "queue"  # the holder of a queued run until the scheduler runs it
COVERAGE_REFRESH = "coverage_refresh"


def _refresh(now: datetime, details: Mapping[str, Any]) -> dict[str, Any]:
    return refresh_snapshots(details["store_ids"], now)


# What each kind of queued job does, from its details: takes `now`, flushes, never commits.
QUEUED: dict[str, Callable[[datetime, Mapping[str, Any]], Mapping[str, Any]]] = {
    COVERAGE_REFRESH: _refresh,
}


def enqueue(job_id: str, now: datetime, **details: Any) -> JobRun:
    """Queue a job in the current transaction: it runs only if that transaction commits."""
    if job_id not in QUEUED:
        raise ValueError(f"No queued job {job_id!r}; queued jobs: {', '.join(sorted(QUEUED))}")
    run = JobRun(
        job_id=job_id, holder=QUEUE_HOLDER, status=RunStatus.QUEUED, started_at=now, details=details
    )
    db.session.add(run)
    db.session.flush()
    return run


def refresh_coverage(sender: Any, *, store_ids: Collection[int], now: datetime) -> None:
    """Refresh the coverage snapshots of the stores a change made at `now` touched: in this
    transaction when they are few enough, else in a queued job. Connected to the features'
    signals."""
    if not store_ids:
        return
    if len(store_ids) <= current_app.config["COVERAGE_REFRESH_IN_REQUEST_MAX"]:
        refresh_snapshots(store_ids, now)
    else:
        enqueue(COVERAGE_REFRESH, now, store_ids=sorted(store_ids))


def run_queued(now: datetime) -> dict[str, Any]:
    """Run every queued job, oldest first, each in a savepoint of the caller's transaction:
    one that fails is rolled back alone and marked `failed`. Figures: how many ran."""
    runs = list(
        db.session.scalars(
            sa.select(JobRun).where(JobRun.status == RunStatus.QUEUED).order_by(JobRun.id)
        )
    )
    failed = 0
    for run in runs:
        try:
            with db.session.begin_nested():
                figures = dict(QUEUED[run.job_id](now, run.details))
        except Exception as err:  # recorded on the run; the others go on
            log.exception("Queued job %s (run %s) failed", run.job_id, run.id)
            failed += 1
            run.status = RunStatus.FAILED
            run.details = {**run.details, "error": f"{type(err).__name__}: {err}"}
        else:
            run.status = RunStatus.SUCCEEDED
            run.details = {**run.details, **figures}
        run.finished_at = utcnow()
    db.session.flush()
    return {"ran": len(runs), "failed": failed}
