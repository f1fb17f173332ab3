"""Missed visits: the `missed_visits` job marks a planned visit missed 24 hours after the
end of its store-local day with nobody checked in, and tells the admins; a check-in queued
offline on the visit's day still counts; a visit left checked in is flagged.

world.store is in Chicago: a visit on Wednesday 4 March 2026 (CST) has its day end at
Thursday 06:00 UTC, so it is missed from Friday 6 March 06:00 UTC.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from fieldops.audit.models import AuditEvent
from fieldops.extensions import db
from fieldops.jobs import registry, runner
from fieldops.jobs.models import JobRun
from fieldops.notifications import Notification
from fieldops.visits import Visit, VisitStatus
from tests.jobs.helpers import take
from tests.visits.helpers import check_in, utc

JOB = registry.MISSED_VISITS
pytestmark = pytest.mark.usefixtures("now")


def run(app, time_machine, at):
    time_machine.move_to(at, tick=False)
    with app.app_context():
        term = take("host:1:aaaa", at)
    return runner.run_job(app, JOB, term, now=at)


def status_of(app, visit) -> str:
    with app.app_context():
        return db.session.get(Visit, visit.id).status.value


def told(app, user) -> list[Notification]:
    with app.app_context():
        stmt = sa.select(Notification).where(Notification.recipient_id == user.id)
        return list(db.session.scalars(stmt))


def test_a_visit_nobody_came_to_is_missed_a_day_after_its_day_and_the_admins_are_told(
    app, world, build, time_machine, visit
):
    honolulu = build.store(name="Aloha Honda", timezone="Pacific/Honolulu")
    # 10:00 HST on Wednesday: its day ends Thursday 10:00 UTC
    later = build.visit(honolulu, world.engineer, start=utc(2026, 3, 4, 20, 0))
    world.made("admin")

    run(app, time_machine, utc(2026, 3, 6, 5, 59))
    assert status_of(app, visit) == "planned"
    run(app, time_machine, utc(2026, 3, 6, 6, 0))
    assert (status_of(app, visit), status_of(app, later)) == ("missed", "planned")
    [note] = told(app, world.admin)
    assert note.kind == "visit_missed" and note.link == f"/visits/{visit.id}"
    assert note.title == f"Visit missed: {world.store.name}, Wed 04 Mar 08:30 CST"
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
        runs = db.session.scalars(sa.select(JobRun.details).where(JobRun.job_id == JOB)).all()
    assert actions.count("visit.missed") == 1
    assert [{k: v for k, v in r.items() if k != "seconds"} for r in runs] == [{"missed": 1}]

    run(app, time_machine, utc(2026, 3, 6, 7, 0))  # nothing new: nothing recorded or told
    assert len(told(app, world.admin)) == 1
    run(app, time_machine, utc(2026, 3, 6, 10, 0))  # Honolulu's turn
    assert status_of(app, later) == "missed"


def test_a_check_in_queued_on_the_day_still_counts_on_a_missed_visit(
    app, world, time_machine, visit, login
):
    run(app, time_machine, utc(2026, 3, 6, 6, 0))
    assert status_of(app, visit) == "missed"
    as_engineer = login(world.engineer)
    # the phone's clock: the next day (Thursday in Chicago) is not the visit's day
    r = check_in(as_engineer, visit, at="2026-03-05T15:00:00Z")
    assert r.status_code == 409, r.get_json()
    r = check_in(as_engineer, visit, at="2026-03-04T14:40:00Z")  # Wednesday 08:40 CST
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == VisitStatus.CHECKED_IN


def test_a_visit_left_checked_in_is_flagged_once_its_day_is_over(
    app, world, time_machine, visit, as_engineer, login, signed_in
):
    assert check_in(as_engineer, visit).status_code == 200
    assert as_engineer.get(f"/api/visits/{visit.id}").get_json()["left_open"] is False
    time_machine.move_to(utc(2026, 3, 6, 5, 59), tick=False)
    assert login(world.engineer).get(f"/api/visits/{visit.id}").get_json()["left_open"] is False
    time_machine.move_to(utc(2026, 3, 6, 6, 0), tick=False)
    assert login(world.engineer).get(f"/api/visits/{visit.id}").get_json()["left_open"] is True
    page = signed_in(world.engineer).get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "Not checked out" in page
    run(app, time_machine, utc(2026, 3, 6, 6, 0))
    assert status_of(app, visit) == "checked_in"  # not missed: someone came
