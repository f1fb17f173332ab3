"""run_job: the leader runs and records each job; one commit per run; errors are recorded."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import sqlalchemy as sa

from fieldops.audit.models import AuditEvent
from fieldops.extensions import db
from fieldops.jobs import registry, runner
from fieldops.jobs.lease import Tenure
from fieldops.jobs.models import JobRun, RunStatus
from tests.helpers import count
from tests.jobs.helpers import current, take

ME = "host:1:aaaa"
OTHER = "host:2:bbbb"


def runs(app) -> list[JobRun]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(JobRun).order_by(JobRun.id)))
        db.session.expunge_all()
        return found


def lead(app, holder, at) -> Tenure:
    with app.app_context():
        term = take(holder, at)
    assert term
    return term


def test_a_run_is_recorded_as_succeeded_with_its_figures_and_commits_the_work(app, now, probe):
    term = lead(app, ME, now)
    outcome = runner.run_job(app, probe.id, term)

    assert probe.runs == [now]
    assert (outcome.status, outcome.lost_lease) == (RunStatus.SUCCEEDED, False)
    [run] = runs(app)
    assert (run.id, run.job_id, run.holder, run.status) == (
        outcome.run_id,
        "probe",
        ME,
        RunStatus.SUCCEEDED,
    )
    assert (run.started_at, run.finished_at) == (now, now)
    assert run.details["rows"] == 1
    assert run.details["day"] == "2026-03-04"  # made JSON-safe
    assert run.details["seconds"] >= 0
    assert count(app, AuditEvent, AuditEvent.action == "probe") == 1


def test_a_failed_run_is_rolled_back_and_recorded_and_the_next_run_goes_ahead(app, now, probe):
    term = lead(app, ME, now)
    probe.error = RuntimeError("store 7 has no timezone")
    outcome = runner.run_job(app, probe.id, term)

    assert outcome.status is RunStatus.FAILED
    [run] = runs(app)
    assert run.status is RunStatus.FAILED
    assert run.finished_at == now
    assert run.details["error"] == "RuntimeError: store 7 has no timezone"
    assert count(app, AuditEvent, AuditEvent.action == "probe") == 0  # its work rolled back

    probe.error = None
    assert runner.run_job(app, probe.id, term).status is RunStatus.SUCCEEDED
    assert [r.status for r in runs(app)] == [RunStatus.FAILED, RunStatus.SUCCEEDED]
    assert count(app, AuditEvent, AuditEvent.action == "probe") == 1


def test_a_scheduler_that_is_not_the_leader_does_not_run_the_job(app, now, probe):
    lead(app, OTHER, now)
    outcome = runner.run_job(app, probe.id, Tenure(ME, 1))

    assert probe.runs == []
    assert (outcome.status, outcome.lost_lease) == (RunStatus.SKIPPED, True)
    [run] = runs(app)
    assert (run.holder, run.status) == (ME, RunStatus.SKIPPED)
    assert run.details == {"reason": "not the leader", "lease_holder": OTHER}
    with app.app_context():
        assert current().holder == OTHER  # untouched


def test_a_scheduler_whose_lease_was_taken_over_does_not_run_the_job(app, now, probe, time_machine):
    term = lead(app, ME, now)
    later = now + timedelta(seconds=90)
    lead(app, OTHER, later)  # ME failed to renew in time (frozen, partitioned)
    time_machine.move_to(later + timedelta(seconds=1), tick=False)

    assert runner.run_job(app, probe.id, term).lost_lease
    assert probe.runs == []


def test_every_run_renews_the_lease_first(app, now, probe):
    term = lead(app, ME, now)
    runner.run_job(app, probe.id, term, now=now + timedelta(seconds=60))
    with app.app_context():
        assert current().expires_at == now + timedelta(seconds=60 + 90)


def test_the_heartbeat_renews_the_lease_without_recording_a_run(app, now):
    term = lead(app, ME, now)
    outcome = runner.run_job(app, registry.HEARTBEAT, term, now=now + timedelta(seconds=30))

    assert (outcome.status, outcome.lost_lease) == (None, False)
    assert runs(app) == []
    with app.app_context():
        assert current().expires_at == now + timedelta(seconds=120)


def test_the_nightly_job_relearns_the_stores_with_new_evidence(app, now, hours):
    term = lead(app, ME, now)
    outcome = runner.run_job(app, registry.RECOMPUTE_REAL_HOURS, term)

    assert hours.calls == [("recompute_pending", now)]
    assert outcome.status is RunStatus.SUCCEEDED
    [run] = runs(app)
    assert run.job_id == "recompute_real_hours"
    assert {k: run.details[k] for k in ("stores", "weekdays")} == {"stores": 3, "weekdays": 21}
    assert count(app, AuditEvent) == 1  # the recompute's work, committed with its record


def test_runs_left_running_by_a_stopped_scheduler_are_marked_abandoned(app, now):
    with app.app_context():
        db.session.add_all(
            [
                JobRun(job_id="recompute_real_hours", holder=OTHER, status=RunStatus.RUNNING),
                JobRun(job_id="recompute_real_hours", holder=ME, status=RunStatus.RUNNING),
                JobRun(job_id="cli:recompute-hours", holder="cli:x", status=RunStatus.RUNNING),
            ]
        )
        db.session.commit()
        assert runner.abandon_runs(ME, now) == 1
    statuses = [(r.holder, r.status) for r in runs(app)]
    assert statuses == [
        (OTHER, RunStatus.ABANDONED),
        (ME, RunStatus.RUNNING),
        ("cli:x", RunStatus.RUNNING),  # a run by hand is not the scheduler's to judge
    ]


def test_a_job_that_does_not_record_idle_runs_records_only_runs_that_did_something(
    app, now, probe, monkeypatch
):
    term = lead(app, ME, now)
    figures: dict = {}

    def work(at):
        probe(at)
        return figures

    spec = dataclasses.replace(registry.JOBS[probe.id], func=work, record_idle=False)
    monkeypatch.setitem(registry.JOBS, probe.id, spec)
    idle = runner.run_job(app, probe.id, term)
    assert (idle.status, idle.run_id) == (None, None)
    assert runs(app) == []
    assert count(app, AuditEvent, AuditEvent.action == "probe") == 1  # its work committed

    figures["sent"] = 2
    busy = runner.run_job(app, probe.id, term)
    [run] = runs(app)
    assert (busy.status, busy.run_id) == (RunStatus.SUCCEEDED, run.id)
    assert (run.status, run.details["sent"], run.started_at) == (RunStatus.SUCCEEDED, 2, now)

    probe.error = RuntimeError("no users table")
    failed = runner.run_job(app, probe.id, term)
    assert failed.status is RunStatus.FAILED
    assert [(r.status, r.details.get("error")) for r in runs(app)] == [
        (RunStatus.SUCCEEDED, None),
        (RunStatus.FAILED, "RuntimeError: no users table"),
    ]
    assert count(app, AuditEvent, AuditEvent.action == "probe") == 2  # the failure rolled back
