"""The registry, the scheduler built from it (never started here), and the scheduler process.

The process tests give it a stand-in scheduler whose `start` plays out what happens while
leading (a signal, a lost lease) and a `wait` that moves the frozen clock instead of
sleeping: no wall-clock waits, no threads left behind.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
from collections.abc import Callable
from datetime import UTC, timedelta
from typing import Any

import pytest
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from config import TestingConfig
from fieldops.jobs import registry
from fieldops.jobs.models import JobRun, RunStatus
from fieldops.jobs.scheduler import SchedulerProcess, build_scheduler
from tests.helpers import count, other_app
from tests.jobs.helpers import current, take

ME = "host:1:aaaa"
OTHER = "host:2:bbbb"
STANDBY_SECONDS = 30  # a third of SCHEDULER_LEASE_SECONDS: as often as the leader renews


def test_every_job_states_its_misfire_grace_time_coalesce_and_max_instances():
    explicit = {"misfire_grace_time", "coalesce", "max_instances"}
    for f in dataclasses.fields(registry.JobSpec):
        if f.name in explicit:  # no default to fall back on: each job must say
            assert f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    assert set(registry.JOBS) == {
        "recompute_real_hours",
        "coverage_snapshot",
        "queued_jobs",
        "sla_escalation",
        "missed_visits",
        "signal_retention",
        "scheduler_heartbeat",
    }
    for job_id, spec in registry.JOBS.items():
        assert spec.id == job_id
        assert isinstance(spec.misfire_grace_time, int) and spec.misfire_grace_time > 0
        assert isinstance(spec.coalesce, bool)
        assert spec.max_instances == 1


def test_the_scheduler_is_built_from_the_registry_in_utc(app, now):
    calls: list[str] = []
    scheduler = build_scheduler(app.config, calls.append)

    assert scheduler.state == STATE_STOPPED
    assert scheduler.timezone == UTC
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == set(registry.JOBS)
    for job_id, job in jobs.items():
        spec = registry.JOBS[job_id]
        assert (job.misfire_grace_time, job.coalesce, job.max_instances) == (
            spec.misfire_grace_time,
            spec.coalesce,
            spec.max_instances,
        )
        assert tuple(job.args) == (job_id,)
        job.func(*job.args)
    assert sorted(calls) == sorted(registry.JOBS)

    nightly = jobs["recompute_real_hours"].trigger
    assert isinstance(nightly, CronTrigger)
    assert nightly.timezone == UTC
    assert nightly.get_next_fire_time(None, now) == (now + timedelta(days=1)).replace(
        hour=3, minute=15
    )
    snapshot = jobs["coverage_snapshot"].trigger  # COVERAGE_SNAPSHOT_CRON, after the recompute
    assert snapshot.get_next_fire_time(None, now) == (now + timedelta(days=1)).replace(
        hour=3, minute=45
    )
    heartbeat = jobs["scheduler_heartbeat"].trigger
    assert isinstance(heartbeat, IntervalTrigger)
    assert heartbeat.interval == timedelta(seconds=30)  # a third of SCHEDULER_LEASE_SECONDS


def test_the_nightly_schedule_and_the_heartbeat_follow_the_settings(app, now):
    config = dict(app.config, HOURS_RECOMPUTE_CRON="30 4 * * sun", SCHEDULER_LEASE_SECONDS=60)
    jobs = {job.id: job for job in build_scheduler(config, print).get_jobs()}

    sunday = now + timedelta(days=4)
    assert jobs["recompute_real_hours"].trigger.get_next_fire_time(None, now) == sunday.replace(
        hour=4, minute=30
    )
    assert jobs["scheduler_heartbeat"].trigger.interval == timedelta(seconds=20)
    with pytest.raises(ValueError):
        build_scheduler(dict(config, HOURS_RECOMPUTE_CRON="nightly"), print)


def test_a_standby_tries_to_take_the_lease_as_often_as_the_leader_renews_it(app):
    assert SchedulerProcess(app).standby_seconds == STANDBY_SECONDS
    with other_app(app, TestingConfig, SCHEDULER_LEASE_SECONDS=6) as short:
        assert SchedulerProcess(short).standby_seconds == 2


def test_missed_runs_are_due_from_their_first_missed_time_and_the_others_wait(app, now):
    missed = now.replace(hour=3, minute=15)
    scheduler = build_scheduler(app.config, print, catch_up={"recompute_real_hours": missed})
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert jobs["recompute_real_hours"].next_run_time == missed
    assert not hasattr(jobs["scheduler_heartbeat"], "next_run_time")  # from its trigger


def test_creating_the_app_starts_no_scheduler(app):
    before = threading.active_count()
    with other_app(app, TestingConfig) as second:
        assert "scheduler" in second.cli.commands["fieldops"].commands
        assert threading.active_count() == before


class FakeScheduler:
    """Stands in for the BlockingScheduler: `start` runs `play` instead of blocking."""

    def __init__(self, play: Callable[[FakeScheduler], None]) -> None:
        self.play = play
        self.running = False
        self.started = 0
        self.shutdowns: list[bool] = []
        self.catch_up: dict[str, Any] = {}

    def __call__(self, config: Any, job_func: Any, *, executor: Any, catch_up: Any) -> Any:
        self.job_func, self.catch_up = job_func, dict(catch_up)
        return self

    def start(self) -> None:
        self.running = True
        self.started += 1
        self.play(self)

    def shutdown(self, wait: bool = True) -> None:
        self.running = False
        self.shutdowns.append(wait)


class Waits:
    """The standby wait: records each wait, then does what the test says (move the clock)."""

    def __init__(self, *steps: Callable[[], None]) -> None:
        self.steps = list(steps)
        self.seconds: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)
        self.steps.pop(0)()


def interrupt() -> None:
    raise KeyboardInterrupt


def test_a_second_scheduler_stands_by_and_takes_over_when_the_lease_expires(app, now, time_machine):
    with app.app_context():
        assert take(OTHER, now)  # the first scheduler leads, then dies without releasing

    def expire() -> None:
        time_machine.move_to(now + timedelta(seconds=90), tick=False)

    def play(fake: FakeScheduler) -> None:
        with app.app_context():
            assert current().holder == ME
        raise KeyboardInterrupt  # Ctrl-C while leading

    fake = FakeScheduler(play)
    waits = Waits(expire)
    SchedulerProcess(app, holder=ME, make_scheduler=fake, wait=waits).run()

    assert waits.seconds == [STANDBY_SECONDS]  # stood by once, then took over
    assert fake.started == 1
    assert fake.shutdowns == [True]  # stopped: running jobs were waited for
    with app.app_context():
        assert current() is None  # released on the way out: a standby may take over at once


def test_sigterm_stops_the_scheduler_and_releases_the_lease(app, now):
    before = signal.getsignal(signal.SIGTERM)

    def play(fake: FakeScheduler) -> None:
        assert signal.getsignal(signal.SIGTERM) is not before
        os.kill(os.getpid(), signal.SIGTERM)
        raise AssertionError("SIGTERM did not stop the scheduler")

    fake = FakeScheduler(play)
    SchedulerProcess(app, holder=ME, make_scheduler=fake, wait=Waits()).run()

    assert (fake.started, fake.shutdowns) == (1, [True])
    assert signal.getsignal(signal.SIGTERM) is before
    with app.app_context():
        assert current() is None


@pytest.mark.parametrize("noticed_at", ["heartbeat", "commit"])
def test_a_scheduler_that_lost_its_lease_steps_down_and_stands_by(
    app, now, time_machine, probe, noticed_at
):
    def takeover() -> None:
        # This process froze past its lease; another scheduler took over meanwhile.
        later = now + timedelta(seconds=120)
        time_machine.move_to(later, tick=False)
        with app.app_context():
            assert take(OTHER, later)

    def play(fake: FakeScheduler) -> None:
        if noticed_at == "heartbeat":
            takeover()
            fake.job_func(registry.HEARTBEAT)  # the next heartbeat finds the lease gone
        else:
            probe.before_write = takeover  # frozen in the middle of a job
            fake.job_func(probe.id)  # which finds its term over just before committing

    fake = FakeScheduler(play)
    waits = Waits(interrupt)
    SchedulerProcess(app, holder=ME, make_scheduler=fake, wait=waits).run()

    assert fake.shutdowns == [False]  # stopped from the job's own thread: no waiting
    assert waits.seconds == [STANDBY_SECONDS]  # back to standing by
    with app.app_context():
        assert current().holder == OTHER  # its lease is not ours to release
    abandoned = count(app, JobRun, JobRun.status == RunStatus.ABANDONED)
    assert (count(app, JobRun), abandoned) == ((0, 0) if noticed_at == "heartbeat" else (1, 1))


def test_a_new_leader_catches_up_on_a_nightly_run_missed_while_nobody_led(app, now, time_machine):
    time_machine.move_to(now.replace(hour=5, minute=0), tick=False)  # 03:15, 03:45: no runs

    def play(fake: FakeScheduler) -> None:
        raise KeyboardInterrupt

    fake = FakeScheduler(play)
    SchedulerProcess(app, holder=ME, make_scheduler=fake, wait=Waits()).run()
    assert fake.catch_up == {
        "signal_retention": now.replace(hour=2, minute=30),
        "recompute_real_hours": now.replace(hour=3, minute=15),
        "coverage_snapshot": now.replace(hour=3, minute=45),
    }
