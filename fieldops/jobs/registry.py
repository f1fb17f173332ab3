"""Every scheduled job, in one list: stable id, trigger and run settings (after redash's jobs).

A job's id names its runs in `job_runs` and its entry in the scheduler, so it never
changes once deployed. Every job states `misfire_grace_time`, `coalesce` and
`max_instances` itself (JobSpec has no defaults for them): the scheduler's defaults (a
one-second grace time) would silently drop a nightly run that starts a little late.

Triggers are built from the app's config and run in UTC. APScheduler 3's crontab parser
numbers weekdays from Monday = 0 (crontab's 0 is Sunday): use names (`mon`, `sun`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from fieldops.jobs import tasks

Config = Mapping[str, Any]

RECOMPUTE_REAL_HOURS = "recompute_real_hours"
COVERAGE_SNAPSHOT = "coverage_snapshot"
HEARTBEAT = "scheduler_heartbeat"
QUEUED_JOBS = "queued_jobs"
SLA_ESCALATION = "sla_escalation"
MISSED_VISITS = "missed_visits"
SIGNAL_RETENTION = "signal_retention"


@dataclass(frozen=True)
class JobSpec:
    id: str
    description: str
    # takes `now` (and `commit` when `batched`); flushes, never commits
    func: Callable[..., Mapping[str, Any] | None]
    trigger: Callable[[Config], BaseTrigger]
    misfire_grace_time: int  # seconds late a run may start; later, it is dropped
    coalesce: bool  # several missed run times: run once, not once each
    max_instances: int  # runs of this job at the same time
    recorded: bool = True  # each run leaves a row in job_runs
    # False: a run whose work returns no figures (it found nothing to do) leaves no row;
    # runs that did something, and failures, are recorded when they end.
    record_idle: bool = True
    # True: the work commits batch by batch through the `commit` it is given, which checks
    # the lease first (runner.Fence.checkpoint); a run that loses the lease keeps the
    # batches committed before (each is whole and correct on its own).
    batched: bool = False


def lease_ttl(config: Config) -> timedelta:
    return timedelta(seconds=int(config["SCHEDULER_LEASE_SECONDS"]))


def heartbeat_seconds(config: Config) -> int:
    """Renew the lease three times per lease: two heartbeats may be missed before it lapses."""
    return max(1, int(config["SCHEDULER_LEASE_SECONDS"]) // 3)


def _nightly_recompute(config: Config) -> CronTrigger:
    return CronTrigger.from_crontab(config["HOURS_RECOMPUTE_CRON"], timezone=UTC)


def _nightly_snapshot(config: Config) -> CronTrigger:
    return CronTrigger.from_crontab(config["COVERAGE_SNAPSHOT_CRON"], timezone=UTC)


def _nightly_retention(config: Config) -> CronTrigger:
    return CronTrigger.from_crontab(config["SIGNALS_RETENTION_CRON"], timezone=UTC)


def _queue(config: Config) -> IntervalTrigger:
    return IntervalTrigger(seconds=int(config["JOBS_QUEUE_SECONDS"]), timezone=UTC)


def _every_minute(config: Config) -> CronTrigger:
    return CronTrigger(minute="*", timezone=UTC)


def _hourly(config: Config) -> CronTrigger:
    return CronTrigger(minute=5, timezone=UTC)


def _heartbeat(config: Config) -> IntervalTrigger:
    return IntervalTrigger(seconds=heartbeat_seconds(config), timezone=UTC)


JOBS: dict[str, JobSpec] = {
    spec.id: spec
    for spec in (
        JobSpec(
            id=RECOMPUTE_REAL_HOURS,
            description="Relearn real customer hours for stores with new evidence",
            func=tasks.recompute_real_hours,
            trigger=_nightly_recompute,
            # Up to six hours late (a scheduler restarted or taken over during the night)
            # the run is still worth doing; later, the next night's run does the work.
            misfire_grace_time=6 * 3600,
            coalesce=True,
            max_instances=1,
        ),
        JobSpec(
            id=COVERAGE_SNAPSHOT,
            description="Snapshot every store's coverage; open and close coverage alerts",
            func=tasks.coverage_snapshot,
            trigger=_nightly_snapshot,
            # A snapshot taken hours late is still that day's: worth taking up to twelve
            # hours late (a catch-up by a new leader), else the next night's run does.
            misfire_grace_time=12 * 3600,
            coalesce=True,
            max_instances=1,
        ),
        JobSpec(
            id=SIGNAL_RETENTION,
            description="Delete raw signals past retention whose days are summarised",
            func=tasks.signal_retention,
            trigger=_nightly_retention,
            # Any time of the day will do: what a late run deletes is the same, and the
            # next night's run deletes what a dropped one would have.
            misfire_grace_time=12 * 3600,
            coalesce=True,
            max_instances=1,
            batched=True,
        ),
        JobSpec(
            id=QUEUED_JOBS,
            description="Run the jobs changes queued (a refresh of many stores' coverage)",
            func=tasks.queued_jobs,
            trigger=_queue,
            # A late turn is dropped: the next one comes JOBS_QUEUE_SECONDS later and finds
            # the same queue.
            misfire_grace_time=15,
            coalesce=True,
            max_instances=1,
            recorded=False,  # each queued job is its own row in job_runs
        ),
        JobSpec(
            id=SLA_ESCALATION,
            description="Warn at 75 % of service-level targets; tell of breaches",
            func=tasks.sla_escalation,
            trigger=_every_minute,
            # A late minute is dropped: the next one comes a minute later and finds the same
            # escalations (they are sent once, whichever run sends them).
            misfire_grace_time=50,
            coalesce=True,
            max_instances=1,
            record_idle=False,  # 1,440 idle runs a day would say nothing
        ),
        JobSpec(
            id=MISSED_VISITS,
            description="Mark planned visits nobody checked in to missed; tell the admins",
            func=tasks.missed_visits,
            trigger=_hourly,
            # Up to an hour late the run is worth doing; later, the next hour's does the
            # same work (a missed visit is marked once, whichever run marks it).
            misfire_grace_time=3600,
            coalesce=True,
            max_instances=1,
            record_idle=False,  # most hours mark nothing
        ),
        JobSpec(
            id=HEARTBEAT,
            description="Renew the scheduler's lease",
            func=tasks.heartbeat,
            trigger=_heartbeat,
            # A late heartbeat is dropped: the next one comes a third of a lease later.
            misfire_grace_time=15,
            coalesce=True,
            max_instances=1,
            recorded=False,  # 2,880 rows a day would say nothing; the lease row shows it
        ),
    )
}


def get(job_id: str) -> JobSpec:
    try:
        return JOBS[job_id]
    except KeyError:
        raise ValueError(f"No job {job_id!r}; jobs: {', '.join(sorted(JOBS))}") from None
