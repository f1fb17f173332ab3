"""A leader paused mid-job while a standby took over must not commit when it wakes.

The pause is played in-process: the probe job of leader ME stops at a hook, the clock
moves past ME's lease, OTHER takes the lease over and runs the job as a new leader does
(`abandon_runs`, then the job), and then ME's run carries on to its commit.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import timedelta
from typing import Any

import pytest
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
TTL = timedelta(seconds=90)


def stored_runs(app) -> dict[int, dict[str, Any]]:
    """Every run record as stored now, column by column."""
    with app.app_context():
        rows = db.session.execute(sa.select(JobRun.__table__)).mappings()
        return {row["id"]: dict(row) for row in rows}


def probe_rows(app) -> list[Any]:
    """When each committed probe row was written (each run writes one, at its `now`)."""
    with app.app_context():
        return list(
            db.session.scalars(sa.select(AuditEvent.at).where(AuditEvent.action == "probe"))
        )


class Takeover:
    """What happens while ME is paused: its lease lapses, OTHER takes over and runs the job."""

    def __init__(self, app, now, time_machine, probe, *, abandon: bool = True) -> None:
        self.app, self.probe, self.abandon = app, probe, abandon
        self.at = now + TTL + timedelta(seconds=1)
        self.time_machine = time_machine
        self.runs_after: dict[int, dict[str, Any]] = {}
        self.lease_after: Any = None
        self.term: Tenure | None = None

    def __call__(self) -> None:
        self.time_machine.move_to(self.at, tick=False)
        with self.app.app_context():  # a new context: OTHER's own session and connection
            self.term = take(OTHER, self.at)
            assert self.term
            if self.abandon:
                assert runner.abandon_runs(OTHER, self.at) == 1  # ME's run, still `running`
        outcome = runner.run_job(self.app, self.probe.id, self.term)
        assert outcome.status is RunStatus.SUCCEEDED, outcome.details
        self.runs_after = stored_runs(self.app)
        with self.app.app_context():
            self.lease_after = current()


def lead(app, now) -> Tenure:
    with app.app_context():
        term = take(ME, now)
    assert term
    return term


def test_a_leader_woken_after_a_takeover_rolls_its_run_back_and_leaves_the_new_records(
    app, now, time_machine, probe
):
    term = lead(app, now)
    takeover = Takeover(app, now, time_machine, probe)
    probe.before_write = takeover

    outcome = runner.run_job(app, probe.id, term)

    assert (outcome.status, outcome.lost_lease) == (RunStatus.ABANDONED, True)
    assert probe.runs == [now, takeover.at]
    assert probe_rows(app) == [takeover.at]  # OTHER's work only: ME's was rolled back
    runs = stored_runs(app)
    assert runs == takeover.runs_after  # not a column of any record rewritten since
    assert [(r["holder"], r["status"], r["finished_at"]) for r in runs.values()] == [
        (ME, RunStatus.ABANDONED, takeover.at),  # as the new leader marked it
        (OTHER, RunStatus.SUCCEEDED, takeover.at),
    ]
    with app.app_context():
        assert current() == takeover.lease_after  # OTHER's term, untouched
        assert current().generation == term.generation + 1


def test_a_stale_run_the_new_leader_has_not_marked_yet_records_itself_abandoned(
    app, now, time_machine, probe
):
    term = lead(app, now)
    takeover = Takeover(app, now, time_machine, probe, abandon=False)
    probe.before_write = takeover

    outcome = runner.run_job(app, probe.id, term)

    assert outcome.status is RunStatus.ABANDONED
    assert probe_rows(app) == [takeover.at]
    runs = stored_runs(app)
    mine = runs.pop(outcome.run_id)
    assert (mine["status"], mine["finished_at"]) == (RunStatus.ABANDONED, takeover.at)
    assert mine["details"]["reason"] == "the scheduler lost its lease before the commit"
    assert "error" not in mine["details"]
    assert runs == {k: v for k, v in takeover.runs_after.items() if k != outcome.run_id}


def test_a_run_that_fails_after_its_term_ended_is_recorded_abandoned_with_its_error(
    app, now, time_machine, probe
):
    term = lead(app, now)
    takeover = Takeover(app, now, time_machine, probe, abandon=False)

    def takeover_then_fail() -> None:
        takeover()  # OTHER's run succeeds; ME's then fails
        probe.error = RuntimeError("store 7 has no timezone")

    probe.before_write = takeover_then_fail

    outcome = runner.run_job(app, probe.id, term)

    assert (outcome.status, outcome.lost_lease) == (RunStatus.ABANDONED, True)
    assert outcome.details["error"] == "RuntimeError: store 7 has no timezone"


def test_an_unrecorded_job_whose_term_ended_commits_nothing(
    app, now, time_machine, probe, monkeypatch
):
    spec = dataclasses.replace(registry.JOBS[probe.id], recorded=False)
    monkeypatch.setitem(registry.JOBS, probe.id, spec)
    term = lead(app, now)

    def takeover() -> None:
        time_machine.move_to(now + TTL, tick=False)
        with app.app_context():
            assert take(OTHER, now + TTL)

    probe.before_write = takeover
    outcome = runner.run_job(app, probe.id, term)

    assert (outcome.status, outcome.lost_lease) == (None, True)
    assert probe_rows(app) == []
    assert count(app, JobRun) == 0


def test_a_run_whose_lease_lapsed_unclaimed_still_commits(app, now, time_machine, probe):
    term = lead(app, now)

    def lapse() -> None:  # frozen past its lease, but no standby took over
        time_machine.move_to(now + 2 * TTL, tick=False)

    probe.after_write = lapse
    outcome = runner.run_job(app, probe.id, term)

    assert (outcome.status, outcome.lost_lease) == (RunStatus.SUCCEEDED, False)
    assert probe_rows(app) == [now]


@pytest.mark.postgres_only
def test_on_postgresql_a_leader_paused_inside_its_transaction_is_fenced_too(
    app, now, time_machine, probe
):
    term = lead(app, now)
    takeover = Takeover(app, now, time_machine, probe)
    probe.after_write = takeover  # ME's row is written, its transaction open

    outcome = runner.run_job(app, probe.id, term)

    assert outcome.status is RunStatus.ABANDONED
    assert probe_rows(app) == [takeover.at]
    assert stored_runs(app) == takeover.runs_after


@pytest.mark.sqlite_only
def test_on_sqlite_a_leader_paused_inside_its_transaction_blocks_any_takeover(
    app, now, time_machine, probe
):
    term = lead(app, now)
    refused: list[Exception] = []

    def standby_tries() -> None:
        time_machine.move_to(now + 2 * TTL, tick=False)
        standby = sqlite3.connect(db.engine.url.database, timeout=0)  # no 15 s busy wait
        try:
            standby.execute("BEGIN IMMEDIATE")  # what taking the lease starts with
        except sqlite3.OperationalError as err:
            refused.append(err)
        finally:
            standby.close()

    probe.after_write = standby_tries
    outcome = runner.run_job(app, probe.id, term)

    assert [str(err) for err in refused] == ["database is locked"]
    assert outcome.status is RunStatus.SUCCEEDED  # nobody could take over: still the leader
    assert probe_rows(app) == [now]
