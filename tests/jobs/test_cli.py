"""`flask fieldops recompute-hours`, `jobs`, `scheduler` and `serve`."""

from __future__ import annotations

import sqlalchemy as sa

from fieldops.audit.models import AuditEvent
from fieldops.extensions import db
from fieldops.hours.models import RealHours
from fieldops.jobs.models import JobRun, RunStatus
from fieldops.jobs.scheduler import SchedulerProcess
from tests.helpers import count
from tests.jobs.helpers import take


def invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=["fieldops", *args])


def only_run(app) -> JobRun:
    with app.app_context():
        run = db.session.scalars(sa.select(JobRun)).one()
        db.session.expunge(run)
        return run


def test_recompute_hours_for_one_store_by_its_code(app, build, now, hours):
    build.store(code="CHI-01")
    store = build.store(code="MKE-02")
    result = invoke(app, "recompute-hours", "--store", "mke-02")

    assert result.exit_code == 0, result.output
    assert hours.calls == [("recompute", now, [store.id])]
    assert "Recomputed real hours: 3 stores, 21 weekdays" in result.output
    assert count(app, AuditEvent) == 1  # committed
    run = only_run(app)
    assert (run.job_id, run.status, run.details["store"]) == (
        "cli:recompute-hours",
        RunStatus.SUCCEEDED,
        "mke-02",
    )
    assert run.holder.startswith("cli:")


def test_recompute_hours_for_every_store(app, build, now, hours):
    build.store()
    result = invoke(app, "recompute-hours")

    assert result.exit_code == 0, result.output
    assert hours.calls == [("recompute", now, None)]
    assert only_run(app).details["store"] is None


def test_recompute_hours_for_an_unknown_store_says_so_and_fails(app, build, hours):
    build.store(code="CHI-01")
    result = invoke(app, "recompute-hours", "--store", "NOPE-9")

    assert result.exit_code != 0
    assert "No store with code 'NOPE-9'." in result.output
    assert hours.calls == []
    assert count(app, JobRun) == 0


def test_a_failed_recompute_is_rolled_back_recorded_and_fails_the_command(app, build, hours):
    build.store()
    hours.error = ValueError("no posted hours")
    result = invoke(app, "recompute-hours")

    assert result.exit_code == 1
    assert "Recompute failed: ValueError: no posted hours" in result.output
    assert count(app, AuditEvent) == 0
    assert only_run(app).status is RunStatus.FAILED


def test_jobs_lists_the_lease_and_the_recent_runs(app, build, now, hours):
    assert "Scheduler lease: free" in invoke(app, "jobs").output

    build.store()
    invoke(app, "recompute-hours")
    with app.app_context():
        take("host:1:aaaa", now)
    output = invoke(app, "jobs").output

    assert "Scheduler lease: host:1:aaaa, since 2026-03-04 15:00:00Z" in output
    assert "cli:recompute-hours" in output
    assert "succeeded" in output
    assert "stores=3 weekdays=21" in output


def test_the_scheduler_command_runs_the_scheduler_process(app, monkeypatch):
    ran: list[SchedulerProcess] = []
    monkeypatch.setattr(SchedulerProcess, "run", lambda process: ran.append(process))
    result = invoke(app, "scheduler")

    assert result.exit_code == 0, result.output
    [process] = ran
    assert process.app is app


def test_recompute_hours_runs_the_real_recompute(app, build, now):
    store = build.store(code="CHI-01")  # no evidence yet: posted hours stand
    result = invoke(app, "recompute-hours", "--store", "CHI-01")

    assert result.exit_code == 0, result.output
    assert "Recomputed real hours: 1 stores, 7 weekdays" in result.output
    assert count(app, RealHours, RealHours.store_id == store.id) == 7
    assert only_run(app).status is RunStatus.SUCCEEDED


class FakeProcess:
    pid = 4242

    def __init__(self, command: list[str], **kw) -> None:
        self.command, self.kw, self.calls = command, kw, []

    def terminate(self) -> None:
        self.calls.append("terminate")

    def wait(self) -> None:
        self.calls.append("wait")


def test_serve_runs_the_scheduler_beside_the_web_server_and_stops_it_after(app, monkeypatch):
    """`make run`: one command serves the app and runs the scheduler in a session of its own
    (Ctrl-C reaches the web server only), says so, and stops it with one SIGTERM."""
    started: list[FakeProcess] = []
    served: list[tuple] = []

    def popen(command, **kw):
        started.append(FakeProcess(command, **kw))
        return started[-1]

    def run_simple(host, port, application, **kw):
        assert started and not started[0].calls  # the scheduler runs while serving
        served.append((host, port, application))
        raise KeyboardInterrupt  # Ctrl-C

    monkeypatch.setattr("fieldops.cli.subprocess.Popen", popen)
    monkeypatch.setattr("fieldops.cli.run_simple", run_simple)
    monkeypatch.setattr("fieldops.cli.signal.signal", lambda *args: None)
    result = invoke(app, "serve", "--port", "5001")

    assert served == [("127.0.0.1", 5001, app)]
    [scheduler] = started
    assert scheduler.command[-2:] == ["fieldops", "scheduler"]
    assert scheduler.kw["start_new_session"] is True
    assert scheduler.calls == ["terminate", "wait"]
    assert "Scheduler running beside the web server (pid 4242)" in result.output
