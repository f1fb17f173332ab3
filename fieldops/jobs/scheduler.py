"""The scheduler process (`flask fieldops scheduler`): one leader runs the registry's jobs.

Run exactly one beside the web workers, never inside them (each gunicorn worker would
run every job). A second one started by mistake is harmless: it finds the lease taken
and stands by, trying again as often as the leader renews it (a third of the lease); when
the leader stops renewing (it died), the lease expires and the standby takes over. See
docs/jobs.md.

While leading, the process runs an APScheduler BlockingScheduler (UTC, jobs in memory,
built afresh from the registry for each term as leader). Every job goes through
`runner.run_job` with the term (`lease.Tenure`) it was scheduled under: the lease is
renewed for that term before the job runs and checked again just before it commits; a
job that finds the term over makes the process step down: the scheduler stops and the
process stands by again.

SIGTERM and SIGINT raise SystemExit in the main thread, the documented way out of a
BlockingScheduler (as Ctrl-C is): running jobs finish, then the lease is released so a
standby takes over at once. A second signal ends the process without waiting.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from types import FrameType
from typing import Any, Protocol

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from fieldops.clock import utcnow
from fieldops.extensions import db
from fieldops.jobs import lease, registry, runner

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Scheduler(Protocol):
    running: bool

    def start(self) -> None: ...

    def shutdown(self, wait: bool = True) -> None: ...


def build_scheduler(
    config: Mapping[str, Any],
    job_func: Callable[[str], Any],
    *,
    executor: ThreadPoolExecutor | None = None,
    catch_up: Mapping[str, datetime] | None = None,
) -> BlockingScheduler:
    """A BlockingScheduler (not started) with every registry job, each calling `job_func(id)`.

    A job in `catch_up` is scheduled from its first missed run time (runner.missed_runs),
    so APScheduler runs it at once, once or once per missed time as its `coalesce` says,
    each within its `misfire_grace_time`; then it follows its trigger. The pool has a
    thread per job, so the heartbeat never waits behind a long job.
    """
    catch_up = catch_up or {}
    executor = executor or ThreadPoolExecutor(max_workers=len(registry.JOBS))
    scheduler = BlockingScheduler(timezone=UTC, executors={"default": executor})
    for spec in registry.JOBS.values():
        extra = {"next_run_time": catch_up[spec.id]} if spec.id in catch_up else {}
        scheduler.add_job(
            job_func,
            spec.trigger(config),
            args=[spec.id],
            id=spec.id,
            name=spec.description,
            misfire_grace_time=spec.misfire_grace_time,
            coalesce=spec.coalesce,
            max_instances=spec.max_instances,
            **extra,
        )
    return scheduler


class SchedulerProcess:
    """Stand by until the lease is ours, then run the jobs until stopped or the lease is lost.

    `make_scheduler` and `wait` are seams for tests (a scheduler that is never started, a
    wait that moves a frozen clock instead of sleeping).
    """

    def __init__(
        self,
        app: Flask,
        *,
        holder: str | None = None,
        standby_seconds: float | None = None,
        make_scheduler: Callable[..., Scheduler] = build_scheduler,
        wait: Callable[[float], None] = time.sleep,
    ) -> None:
        self.app = app
        self.holder = holder or lease.new_holder()
        # A standby tries as often as the leader renews: a lapsed lease is taken within a
        # third of a lease, whatever SCHEDULER_LEASE_SECONDS says.
        self.standby_seconds = standby_seconds or registry.heartbeat_seconds(app.config)
        self._make_scheduler = make_scheduler
        self._wait = wait
        self._lock = threading.Lock()
        self._scheduler: Scheduler | None = None
        self._tenure: lease.Tenure | None = None

    def run(self) -> None:
        """Serve until SIGTERM/SIGINT; then wait for running jobs and release the lease."""
        previous = self._install_signal_handlers()
        log.info("Scheduler %s starting", self.holder)
        try:
            while True:
                tenure = self.try_lead()
                if tenure is not None:
                    self._lead(tenure)
                else:
                    self._wait(self.standby_seconds)
        except (KeyboardInterrupt, SystemExit):
            log.info("Scheduler %s stopping", self.holder)
        finally:
            self.release()
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def try_lead(self) -> lease.Tenure | None:
        """Take the lease if it is free, expired or ours; say who holds it otherwise."""
        now = utcnow()
        with self.app.app_context():
            try:
                with db.engine.begin() as conn:
                    ttl = registry.lease_ttl(self.app.config)
                    tenure = lease.acquire(conn, self.holder, now, ttl)
                    other = None if tenure else lease.current(conn)
            except SQLAlchemyError:
                log.exception("Scheduler lease unreachable; trying again shortly")
                return None
        if tenure is not None:
            self._tenure = tenure  # the term to release on the way out
            return tenure
        log.info(
            "Scheduler lease held by %s until %s; standing by",
            other.holder if other else "nobody",
            other.expires_at.isoformat() if other else "-",
        )
        return None

    def release(self) -> None:
        """Release the lease if our last term still holds it, so a standby takes over at once."""
        if self._tenure is None:
            return
        with self.app.app_context():
            try:
                with db.engine.begin() as conn:
                    released = lease.release(conn, self._tenure, utcnow())
            except SQLAlchemyError:
                log.exception("Could not release the scheduler lease; it lapses by itself")
                return
        if released:
            log.info("Scheduler lease released by %s", self.holder)

    def step_down(self) -> None:
        """Stop the scheduler (from a job's thread): the lease is someone else's now."""
        with self._lock:
            scheduler = self._scheduler
        if scheduler is not None and scheduler.running:
            log.warning("Scheduler %s lost its lease; standing by", self.holder)
            # Not waiting: that would wait for this very job. Two jobs may step down at once.
            with contextlib.suppress(SchedulerNotRunningError):
                scheduler.shutdown(wait=False)

    def run_job(self, tenure: lease.Tenure, job_id: str) -> None:
        """What the scheduler calls for each job (in a worker thread), in the term it leads."""
        outcome = runner.run_job(self.app, job_id, tenure)
        if outcome.lost_lease:
            self.step_down()

    def _lead(self, tenure: lease.Tenure) -> None:
        now = utcnow()
        abandoned, catch_up = 0, {}
        with self.app.app_context():
            try:
                abandoned = runner.abandon_runs(self.holder, now)
                catch_up = runner.missed_runs(self.app.config, now)
            except SQLAlchemyError:
                log.exception("Could not check earlier runs; starting without a catch-up")
                db.session.rollback()
        log.info(
            "Scheduler %s leads, term %d (%d runs left running marked abandoned; catching up: %s)",
            self.holder,
            tenure.generation,
            abandoned,
            ", ".join(f"{job} from {at:%H:%M:%S}Z" for job, at in sorted(catch_up.items()))
            or "nothing",
        )
        executor = ThreadPoolExecutor(max_workers=len(registry.JOBS))
        scheduler = self._make_scheduler(
            self.app.config, partial(self.run_job, tenure), executor=executor, catch_up=catch_up
        )
        with self._lock:
            self._scheduler = scheduler
        try:
            scheduler.start()  # blocks until stopped
        finally:
            with self._lock:
                self._scheduler = None
            if scheduler.running:  # stopped by a signal: let running jobs finish
                scheduler.shutdown(wait=True)
            executor.shutdown(wait=True)  # stepped down: jobs may still be finishing

    def _install_signal_handlers(self) -> dict[int, Any]:
        if threading.current_thread() is not threading.main_thread():
            return {}
        previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
        for signum in STOP_SIGNALS:
            signal.signal(signum, _stop)
        return previous


def _stop(signum: int, frame: FrameType | None) -> None:
    """Leave `run` through SystemExit; a second signal ends the process at once."""
    for other in STOP_SIGNALS:
        signal.signal(other, signal.SIG_DFL)
    raise SystemExit(0)
