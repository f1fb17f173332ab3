"""Escalation of service levels by the `sla_escalation` job, run as the scheduler runs it
(leased, fenced) under a frozen clock.

A critical issue counts on the `always` clock: 30 minutes to respond, 240 to resolve.
Filed at NOW (Wednesday 2026-03-04 15:00 UTC, 09:00 CST) its response is at 75 % at
15:22:30 and breached at 15:30; its resolution at 75 % at 18:00 and breached at 19:00.
world.store is in the Midwest region, in Chicago.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from fieldops.extensions import db
from fieldops.issues.models import IssueEvent
from fieldops.jobs import registry, runner
from fieldops.jobs.models import JobRun, RunStatus
from fieldops.sla import sla_escalated
from fieldops.sla.models import SlaEscalation
from tests.coverage.helpers import add_shift
from tests.jobs.helpers import release, take

pytestmark = pytest.mark.usefixtures("now")

JOB = registry.SLA_ESCALATION
LEADER = "host:1:aaaa"
RESTARTED = "host:9:zzzz"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


class Sent:
    """What `sla_escalated` carried, in order."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, sender, **kw) -> None:
        self.calls.append(kw)

    def take(self) -> list[tuple[str, str, datetime, list[int]]]:
        calls, self.calls = self.calls, []
        return [(c["kind"], c["target"], c["due_at"], c["user_ids"]) for c in calls]


@pytest.fixture
def sent():
    receiver = Sent()
    sla_escalated.connect(receiver)
    yield receiver
    sla_escalated.disconnect(receiver)


@pytest.fixture
def scheduler(app, time_machine):
    """Runs the job as a leading scheduler does, at a given instant."""

    class Scheduler:
        def __init__(self) -> None:
            with app.app_context():
                self.term = take(LEADER, utc(2026, 3, 4, 14, 59))

        def at(self, at: datetime) -> None:
            time_machine.move_to(at, tick=False)

        def run(self, at: datetime):
            self.at(at)
            return runner.run_job(app, JOB, self.term, now=at)

        def restart(self, at: datetime) -> None:
            """This scheduler stops (its lease released) and a new process leads."""
            with app.app_context():
                release(self.term, at)
                self.term = take(RESTARTED, at)

    return Scheduler()


def file(client, store, severity: str = "critical") -> int:
    body = {"store_id": store.id, "category": "network", "severity": severity, "title": "Down"}
    r = client.post("/api/issues", json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def change(client, issue_id: int, **changes) -> None:
    r = client.patch(f"/api/issues/{issue_id}", json=changes)
    assert r.status_code == 200, r.get_json()


def history(app, issue_id: int) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(IssueEvent.field, IssueEvent.old_value, IssueEvent.new_value)
            .where(IssueEvent.issue_id == issue_id, IssueEvent.field.like("sla_%"))
            .where(IssueEvent.field != "sla_checkpoint")
            .order_by(IssueEvent.id)
        )
        return [tuple(row) for row in rows]


def recorded_runs(app) -> list[tuple[RunStatus, dict]]:
    with app.app_context():
        runs = db.session.scalars(sa.select(JobRun).where(JobRun.job_id == JOB).order_by(JobRun.id))
        return [
            (run.status, {k: v for k, v in run.details.items() if k != "seconds"}) for run in runs
        ]


def test_a_warning_at_exactly_75_percent_goes_to_the_engineers_on_shift_once(
    app, world, as_manager, scheduler, sent
):
    on_shift = world.build.user("engineer", name="Sam Shift")
    away = world.build.user("engineer", name="Lou Left", active=False)
    add_shift(app, name="Midwest days", region="Midwest", engineers=[on_shift, away])
    add_shift(app, name="West days", region="West")  # covers other stores
    add_shift(app, name="Evenings", region="Midwest", start=time(20), end=time(23, 59))
    issue_id = file(as_manager, world.store)

    outcome = scheduler.run(utc(2026, 3, 4, 15, 22, 29))  # 1 s short of 22 min 30 s
    assert outcome.status is None and sent.take() == []
    assert recorded_runs(app) == []  # an idle run leaves no record

    scheduler.run(utc(2026, 3, 4, 15, 22, 30))
    assert sent.take() == [("sla_warning", "response", utc(2026, 3, 4, 15, 30), [on_shift.id])]
    assert history(app, issue_id) == [("sla_warning", "response", "Sam Shift")]
    page = as_manager.get(f"/issues/{issue_id}").get_data(as_text=True)
    assert "warned Sam Shift: the response is at 75 % of its time" in page
    assert recorded_runs(app) == [(RunStatus.SUCCEEDED, {"warnings": 1, "breaches": 0})]

    scheduler.run(utc(2026, 3, 4, 15, 23))  # the next minute: already sent
    assert sent.take() == []
    assert len(recorded_runs(app)) == 1


def test_nobody_on_shift_warns_the_admins_and_a_breach_tells_the_admins_and_the_cio(
    app, world, as_manager, scheduler, sent
):
    world.made("admin", "cio")
    world.build.user("admin", name="Old Admin", active=False)
    world.build.user("engineer", name="Nora Nightless")  # on no shift
    add_shift(app, region="Midwest", start=time(10), end=time(18))  # from 10:00 CST only
    file(as_manager, world.store)

    scheduler.run(utc(2026, 3, 4, 15, 22, 30))  # 09:22 CST: nobody on shift yet
    assert sent.take() == [("sla_warning", "response", utc(2026, 3, 4, 15, 30), [world.admin.id])]

    scheduler.run(utc(2026, 3, 4, 15, 30))
    assert sent.take() == [
        ("sla_breach", "response", utc(2026, 3, 4, 15, 30), [world.admin.id, world.cio.id])
    ]
    scheduler.run(utc(2026, 3, 4, 15, 31))
    assert sent.take() == []


def test_a_warning_goes_to_the_assignee_and_a_met_target_is_not_escalated(
    app, world, as_manager, as_admin, scheduler, sent
):
    add_shift(app, region="Midwest")  # someone is on shift, but the issue has an assignee
    issue_id = file(as_manager, world.store)
    change(as_admin, issue_id, assignee_id=world.engineer.id)  # responds at 15:00

    scheduler.run(utc(2026, 3, 4, 17, 59, 59))
    assert sent.take() == []  # the response is met; the resolution is at 74.99 %
    scheduler.run(utc(2026, 3, 4, 18, 0))
    assert sent.take() == [("sla_warning", "resolve", utc(2026, 3, 4, 19, 0), [world.engineer.id])]
    assert history(app, issue_id) == [("sla_warning", "resolve", "Eddie Engineer")]


def test_nothing_while_paused_and_a_due_time_moved_later_arms_the_escalations_again(
    app, world, as_manager, as_engineer, scheduler, sent
):
    world.made("admin", "cio")
    issue_id = file(as_manager, world.store)
    change(as_engineer, issue_id, assignee_id=world.engineer.id)
    scheduler.run(utc(2026, 3, 4, 18, 0))
    assert sent.take() == [("sla_warning", "resolve", utc(2026, 3, 4, 19), [world.engineer.id])]

    scheduler.at(utc(2026, 3, 4, 18, 10))
    change(as_engineer, issue_id, status="waiting_on_store")  # at 18:10, 190 min elapsed
    for at in (utc(2026, 3, 4, 18, 30), utc(2026, 3, 4, 19, 0), utc(2026, 3, 4, 19, 30)):
        assert scheduler.run(at).status is None  # paused: nothing, not even at the old due
    assert sent.take() == []

    scheduler.at(utc(2026, 3, 4, 19, 40))
    change(as_engineer, issue_id, status="in_progress")  # resumed: due 20:30 (50 min left)
    scheduler.run(utc(2026, 3, 4, 19, 41))
    assert sent.take() == [("sla_warning", "resolve", utc(2026, 3, 4, 20, 30), [world.engineer.id])]
    scheduler.run(utc(2026, 3, 4, 20, 30))
    assert sent.take() == [
        ("sla_breach", "resolve", utc(2026, 3, 4, 20, 30), [world.admin.id, world.cio.id])
    ]
    assert [field for field, _, _ in history(app, issue_id)] == [
        "sla_warning",
        "sla_warning",
        "sla_breach",
    ]


def test_a_restarted_scheduler_sends_nothing_twice(app, world, as_manager, scheduler, sent):
    world.made("admin", "cio")
    issue_id = file(as_manager, world.store)
    scheduler.run(utc(2026, 3, 4, 15, 30))  # the warning's moment passed unseen: the breach
    assert [kind for kind, *_ in sent.take()] == ["sla_breach"]

    scheduler.restart(utc(2026, 3, 4, 15, 31))
    with app.app_context():  # a new process: nothing remembered but the database
        db.session.remove()
    assert scheduler.run(utc(2026, 3, 4, 15, 32)).status is None
    assert sent.take() == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SlaEscalation)) == 1
    assert history(app, issue_id) == [("sla_breach", "response", "Ada Admin, Cleo Cio")]
    page = as_manager.get(f"/issues/{issue_id}").get_data(as_text=True)
    assert "told Ada Admin, Cleo Cio: the response target is breached" in page


def test_a_run_whose_scheduler_lost_the_lease_sends_nothing_and_a_later_run_does(
    app, world, as_manager, scheduler, sent
):
    world.made("admin")
    file(as_manager, world.store)
    stale = scheduler.term
    scheduler.restart(utc(2026, 3, 4, 15, 22))
    outcome = runner.run_job(app, JOB, stale, now=utc(2026, 3, 4, 15, 23))
    assert outcome.lost_lease
    sent.take()  # the stale run's signal went out inside its transaction, rolled back
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SlaEscalation)) == 0

    scheduler.run(utc(2026, 3, 4, 15, 24))
    assert [kind for kind, *_ in sent.take()] == ["sla_warning"]


def test_the_engineers_of_an_overnight_shift_listing_the_store_are_on_shift_after_midnight(
    app, world, as_manager, scheduler, sent
):
    night = world.build.user("engineer", name="Nat Night")
    # Wednesday 22:00 to Thursday 06:00 Chicago, listing the store (not by region).
    add_shift(
        app, stores=[world.store], weekdays=[2], start=time(22), end=time(6), engineers=[night]
    )
    scheduler.at(utc(2026, 3, 5, 8, 0))  # 02:00 CST Thursday
    file(as_manager, world.store)
    scheduler.run(utc(2026, 3, 5, 8, 22, 30))
    assert sent.take() == [("sla_warning", "response", utc(2026, 3, 5, 8, 30), [night.id])]


def test_a_failing_run_is_recorded(app, world, as_manager, scheduler, monkeypatch):
    file(as_manager, world.store)
    monkeypatch.setattr(
        "fieldops.issues.escalation.recipients",
        lambda *a: (_ for _ in ()).throw(RuntimeError("no users table")),
    )
    outcome = scheduler.run(utc(2026, 3, 4, 15, 22, 30))
    assert outcome.status is RunStatus.FAILED
    [(status, details)] = recorded_runs(app)
    assert (status, details["error"]) == (RunStatus.FAILED, "RuntimeError: no users table")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SlaEscalation)) == 0


def test_an_issue_waiting_on_the_store_from_the_start_is_never_escalated(
    app, world, as_manager, as_engineer, scheduler, sent
):
    issue_id = file(as_manager, world.store)
    change(as_engineer, issue_id, status="waiting_on_store")
    scheduler.run(utc(2026, 3, 4, 15, 0) + timedelta(days=2))
    assert sent.take() == []


def test_a_shift_kept_in_another_zone_is_on_shift_by_its_own_clock(
    app, world, as_manager, scheduler, sent
):
    eastern = world.build.user("engineer", name="Ed East")
    # 10:00-18:00 New York time: 09:00-17:00 in Chicago. At 09:22 CST it is 10:22 EST.
    add_shift(
        app,
        region="Midwest",
        timezone="America/New_York",
        start=time(10),
        end=time(18),
        engineers=[eastern],
    )
    add_shift(app, region="Midwest", timezone="America/Los_Angeles", start=time(8), end=time(16))
    file(as_manager, world.store)  # 07:22 in Los Angeles: that shift has not begun
    scheduler.run(utc(2026, 3, 4, 15, 22, 30))
    assert sent.take() == [("sla_warning", "response", utc(2026, 3, 4, 15, 30), [eastern.id])]
