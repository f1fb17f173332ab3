"""Runs missed while no scheduler led are caught up by the new leader, as `coalesce` says.

`missed_runs` finds, per job, the first run time missed within its grace time; the real
APScheduler scheduler (built by `build_scheduler`, started in a thread under the frozen
clock) then runs the job once (`coalesce`) or once per missed time.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger

from fieldops.extensions import db
from fieldops.jobs import registry, runner
from fieldops.jobs.models import JobRun, RunStatus
from fieldops.jobs.scheduler import build_scheduler

OTHER = "host:2:bbbb"


def record(job_id: str, status: RunStatus, started_at: datetime) -> None:
    db.session.add(JobRun(job_id=job_id, holder=OTHER, status=status, started_at=started_at))
    db.session.commit()


def test_a_nightly_run_missed_within_its_grace_time_is_due_from_that_time(app, now):
    config = dict(
        app.config,
        HOURS_RECOMPUTE_CRON="15 3 * * *",
        COVERAGE_SNAPSHOT_CRON="45 3 * * *",
        SIGNALS_RETENTION_CRON="0 12 * * *",  # out of the way of these two
    )
    fired = now.replace(hour=3, minute=15)
    snapshot = now.replace(hour=3, minute=45)
    with app.app_context():
        assert runner.missed_runs(config, now.replace(hour=3, minute=14)) == {}
        assert runner.missed_runs(config, fired) == {"recompute_real_hours": fired}
        assert runner.missed_runs(config, fired + timedelta(hours=6)) == {
            "recompute_real_hours": fired,
            "coverage_snapshot": snapshot,
        }
        late = fired + timedelta(hours=6, seconds=1)  # past the recompute's 6 h of grace
        assert runner.missed_runs(config, late) == {"coverage_snapshot": snapshot}

        # A run that failed, or that a frozen leader left and a new one marked abandoned,
        # did not happen: it is run again.
        record("recompute_real_hours", RunStatus.FAILED, fired)
        record("recompute_real_hours", RunStatus.ABANDONED, fired + timedelta(seconds=1))
        assert "recompute_real_hours" in runner.missed_runs(config, fired + timedelta(hours=1))

        record("recompute_real_hours", RunStatus.SUCCEEDED, fired + timedelta(seconds=2))
        assert runner.missed_runs(config, fired + timedelta(hours=1)) == {
            "coverage_snapshot": snapshot
        }


HOURLY_ONCE, HOURLY_EACH = "hourly_once", "hourly_each"


@pytest.fixture
def hourly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two hourly jobs with 2 h of grace: one coalesces missed runs, the other does not."""
    for job_id, coalesce in ((HOURLY_ONCE, True), (HOURLY_EACH, False)):
        spec = registry.JobSpec(
            id=job_id,
            description=job_id,
            func=lambda now: None,
            trigger=lambda config: CronTrigger(minute=0, timezone=UTC),
            misfire_grace_time=2 * 3600,
            coalesce=coalesce,
            max_instances=1,
        )
        monkeypatch.setitem(registry.JOBS, job_id, spec)


def test_a_new_leader_runs_missed_times_once_or_once_each_within_the_grace_time(
    app, now, time_machine, hourly
):
    # The old leader ran both at 01:00 and froze at 01:30; a standby takes over at 04:30.
    # 02:00 is past the grace time; 03:00 and 04:00 were missed within it.
    takeover = now.replace(hour=4, minute=30)
    with app.app_context():
        for job_id in (HOURLY_ONCE, HOURLY_EACH):
            record(job_id, RunStatus.SUCCEEDED, now.replace(hour=1, minute=0))
        time_machine.move_to(takeover, tick=False)
        catch_up = runner.missed_runs(app.config, takeover)
    hourly_catch_up = {job: catch_up[job] for job in (HOURLY_ONCE, HOURLY_EACH)}
    three = now.replace(hour=3, minute=0)
    assert hourly_catch_up == {HOURLY_ONCE: three, HOURLY_EACH: three}

    runs = run_due_jobs(app.config, hourly_catch_up, expected=3)

    assert runs == Counter({HOURLY_EACH: 2, HOURLY_ONCE: 1})  # 03:00, 04:00; then once


def run_due_jobs(config, catch_up, expected: int) -> Counter[str]:
    """Start the real scheduler in a thread until `expected` runs of the jobs caught up are
    in; then stop it (the every-minute escalation may run too: it is not counted)."""
    runs: Counter[str] = Counter()
    enough = threading.Event()
    lock = threading.Lock()

    def job_func(job_id: str) -> None:
        if job_id not in catch_up:
            return
        with lock:
            runs[job_id] += 1
            if sum(runs.values()) >= expected:
                enough.set()

    scheduler = build_scheduler(config, job_func, catch_up=catch_up)
    thread = threading.Thread(target=scheduler.start)
    thread.start()
    try:
        assert enough.wait(timeout=10), f"only {dict(runs)} ran"
    finally:
        scheduler.shutdown(wait=True)  # lets a run in progress finish: every run is counted
        thread.join(timeout=10)
    assert not thread.is_alive()
    return runs
