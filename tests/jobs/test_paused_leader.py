"""Two real `flask fieldops scheduler` processes: the leader is stopped mid-job (SIGSTOP),
the standby takes over and runs the job, then the old leader is woken (SIGCONT).

PostgreSQL only: on SQLite a leader stopped inside its transaction holds the database's
write lock, so no standby can take over until it wakes (docs/jobs.md). Every wait polls
the database against a deadline; the whole test takes about 20 s.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa

from config import BASE_DIR
from fieldops.audit.models import AuditEvent
from fieldops.extensions import db
from fieldops.jobs.models import JobRun, RunStatus, SchedulerLease
from tests.jobs.paused_app import PROBE

pytestmark = pytest.mark.postgres_only

T = TypeVar("T")
DEADLINE_SECONDS = 45


def test_a_leader_stopped_mid_job_and_woken_after_a_takeover_commits_nothing(app, tmp_path):
    with schedulers(tmp_path) as start:
        leader = start("leader")
        wait_for(lambda: lease_pid(app) == leader.pid, "the first scheduler to lead")
        standby = start("standby")
        paused = wait_for(lambda: first_run(app, leader.pid), "the leader to start the job")
        os.kill(leader.pid, signal.SIGSTOP)
        assert fetch_run(app, paused.id).status is RunStatus.RUNNING  # stopped mid-job

        wait_for(
            lambda: first_run(app, standby.pid, RunStatus.SUCCEEDED),
            "the standby to take over and run the job",
        )
        settled = finished_runs(app)  # the standby's runs, and the paused one it abandoned
        os.kill(leader.pid, signal.SIGCONT)
        stop(leader)  # SIGTERM: it lets its running job end, then exits

    stale_rows = committed_work(app, leader.pid)
    paused_now = fetch_run(app, paused.id)
    now_stored = finished_runs(app)
    rewritten = [run_id for run_id in settled if now_stored.get(run_id) != settled[run_id]]
    assert (stale_rows, rewritten, paused_now.status) == (0, [], RunStatus.ABANDONED), (
        f"the stale leader committed {stale_rows} row(s) of work and rewrote run records "
        f"{rewritten}; its paused run ended {paused_now.status.value}"
    )
    assert committed_work(app, standby.pid) >= 1


# --- the processes ---


@contextlib.contextmanager
def schedulers(tmp_path: Path) -> Iterator[Callable[[str], subprocess.Popen[bytes]]]:
    """`start(name)` starts a scheduler process (its log in tmp_path); all end on the way out."""
    processes: list[subprocess.Popen[bytes]] = []

    def start(name: str) -> subprocess.Popen[bytes]:
        with (tmp_path / f"{name}.log").open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "tests.jobs.paused_app:create"]
                + ["fieldops", "scheduler"],
                cwd=BASE_DIR,
                env={**os.environ, "FIELDOPS_ENV": "testing"},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        processes.append(process)
        return process

    try:
        yield start
    finally:
        for process in processes:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGCONT)
                stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=DEADLINE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise


def wait_for(found: Callable[[], T], what: str) -> T:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        result = found()
        if result:
            return result
        time.sleep(0.05)  # polling real processes; bounded by the deadline
    raise AssertionError(f"Timed out waiting for {what}")


# --- what the database says ---


def _of(pid: int) -> Any:
    return JobRun.holder.like(f"%:{pid}:%")


def lease_pid(app) -> int | None:
    with app.app_context(), db.engine.connect() as conn:
        holder = conn.scalar(sa.select(SchedulerLease.holder))
    return int(holder.split(":")[-2]) if holder else None


def first_run(app, pid: int, status: RunStatus = RunStatus.RUNNING) -> JobRun | None:
    with app.app_context():
        run = db.session.scalars(
            sa.select(JobRun)
            .where(JobRun.job_id == PROBE, _of(pid), JobRun.status == status)
            .order_by(JobRun.id)
        ).first()
        db.session.expunge_all()
        return run


def fetch_run(app, run_id: int) -> JobRun:
    with app.app_context():
        run = db.session.get(JobRun, run_id)
        db.session.expunge_all()
        return run


def finished_runs(app) -> dict[int, tuple[Any, ...]]:
    """Every run record no longer `running`, as stored now."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(
                JobRun.id, JobRun.holder, JobRun.status, JobRun.finished_at, JobRun.details
            ).where(JobRun.status != RunStatus.RUNNING)
        )
        return {row.id: tuple(row) for row in rows}


def committed_work(app, pid: int) -> int:
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == PROBE))
        return sum(1 for event in events if event.details.get("pid") == pid)
