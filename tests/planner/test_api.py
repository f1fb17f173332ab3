"""The plan's life through the API: proposed, trimmed or moved (checked again), accepted
(the visits created, audited, the engineer told; 409 naming what no longer fits) or
discarded; admins only; bad input answered in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from fieldops.audit.models import AuditEvent
from fieldops.extensions import db
from fieldops.notifications.models import Notification
from fieldops.visits import Visit, VisitStatus
from tests.planner.conftest import utc

pytestmark = pytest.mark.usefixtures("now")


@pytest.fixture
def plan(propose, stores, engineer):
    return propose()


def test_a_proposal_has_the_documented_shape(plan, stores, engineer):
    assert set(plan) >= {"id", "status", "visits", "unplanned", "totals"}
    visit = plan["visits"][0]
    assert set(visit) >= {
        "key", "store_id", "engineer_id", "planned_start", "planned_end",
        "travel_minutes_before", "reasons",
    }  # fmt: skip
    assert [v["key"] for v in plan["visits"]] == ["v1", "v2", "v3"]
    assert set(plan["totals"]) == {"visits", "travel_minutes", "stores_due", "stores_planned"}


def test_proposing_puts_nothing_on_the_calendar(app, plan):
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)) == 0


def test_a_plan_reads_back_as_proposed(as_admin, plan):
    assert as_admin.get(f"/api/visit-plans/{plan['id']}").get_json() == plan


@pytest.mark.parametrize(
    "body, field",
    [
        ({"from": "2026-03-05", "days": 0}, "days"),
        ({"from": "2026-03-05", "days": 29}, "days"),
        ({"from": "5 March", "days": 7}, "from"),
        ({"days": 7}, "from"),
        ({"from": "2026-03-05", "days": 7, "include": ["everything"]}, "include"),
        ({"from": "2026-03-05", "days": 7, "engineer_ids": []}, "engineer_ids"),
    ],
)
def test_bad_requests_are_refused_in_words(as_admin, now, body, field):
    r = as_admin.post("/api/visit-plans", json=body)

    assert r.status_code == 422
    assert field in r.get_json()["errors"]


def test_only_active_engineers_can_be_planned_for(as_admin, now, world):
    r = as_admin.post(
        "/api/visit-plans",
        json={"from": "2026-03-05", "days": 7, "engineer_ids": [world.manager.id]},
    )

    assert r.status_code == 422
    assert str(world.manager.id) in r.get_json()["errors"]["engineer_ids"][0]


@pytest.mark.parametrize("client", ["as_cio", "as_engineer", "as_manager"])
def test_only_admins_plan(request, plan, client):
    other = request.getfixturevalue(client)
    assert other.post("/api/visit-plans", json={"from": "2026-03-05", "days": 7}).status_code == 403
    assert other.get(f"/api/visit-plans/{plan['id']}").status_code == 403
    assert other.post(f"/api/visit-plans/{plan['id']}/accept", json={}).status_code == 403


def test_an_unknown_plan_is_not_found(as_admin, now):
    assert as_admin.get("/api/visit-plans/999").status_code == 404


def test_dropping_a_visit_takes_it_and_its_drives_out(as_admin, plan):
    r = as_admin.patch(f"/api/visit-plans/{plan['id']}", json={"drop": ["v2"]})

    assert r.status_code == 200
    changed = r.get_json()
    assert [v["key"] for v in changed["visits"]] == ["v1", "v3"]
    assert changed["totals"]["visits"] == 2
    assert changed["totals"]["travel_minutes"] == sum(
        v["travel_minutes_before"] + v["travel_minutes_home"] for v in changed["visits"]
    )
    assert (
        as_admin.patch(f"/api/visit-plans/{plan['id']}", json={"drop": ["v9"]}).status_code == 422
    )


def test_a_move_is_checked_again(as_admin, plan):
    key = plan["visits"][0]["key"]
    saturday = "2026-03-07T10:00:00-06:00"  # the store is open; the engineer is not working
    sunday_night = "2026-03-05T21:00:00-06:00"

    for when in (saturday, sunday_night):
        r = as_admin.patch(
            f"/api/visit-plans/{plan['id']}", json={"move": [{"key": key, "planned_start": when}]}
        )
        assert r.status_code == 422
        assert key in r.get_json()["errors"]["move"][0]
    unchanged = as_admin.get(f"/api/visit-plans/{plan['id']}").get_json()
    assert unchanged["visits"] == plan["visits"]


def test_a_fitting_move_changes_the_time_and_the_drives(as_admin, plan):
    last = plan["visits"][-1]
    monday = "2026-03-09T13:00:00-05:00"

    r = as_admin.patch(
        f"/api/visit-plans/{plan['id']}",
        json={"move": [{"key": last["key"], "planned_start": monday}]},
    )

    assert r.status_code == 200, r.get_json()
    moved = next(v for v in r.get_json()["visits"] if v["key"] == last["key"])
    assert utc(moved["planned_start"]) == utc(monday)
    assert utc(moved["planned_end"]) - utc(moved["planned_start"]) == timedelta(hours=2)
    assert moved["travel_minutes_before"] == moved["travel_minutes_home"] > 0  # alone that day


def test_accepting_creates_the_visits_audited_and_told(app, as_admin, plan, engineer):
    r = as_admin.post(f"/api/visit-plans/{plan['id']}/accept", json={})

    assert r.status_code == 200, r.get_json()
    accepted = r.get_json()
    assert accepted["status"] == "accepted"
    with app.app_context():
        visits = {v.id: v for v in db.session.scalars(sa.select(Visit))}
        for item in accepted["visits"]:
            visit = visits[item["visit_id"]]
            assert item["status"] == "accepted"
            assert (visit.store_id, visit.engineer_id) == (item["store_id"], item["engineer_id"])
            assert visit.planned_start == utc(item["planned_start"])
            assert visit.status == VisitStatus.PLANNED
        actions = list(db.session.scalars(sa.select(AuditEvent.action)))
        assert actions.count("visit.planned") == 3 and "visit_plan.accepted" in actions
        told = db.session.scalars(
            sa.select(Notification).where(Notification.recipient_id == engineer.id)
        )
        assert len(list(told)) == 3
    again = as_admin.post(f"/api/visit-plans/{plan['id']}/accept", json={})
    assert again.status_code == 409


def test_accepting_some_keys_leaves_the_rest_proposed(as_admin, plan):
    r = as_admin.post(f"/api/visit-plans/{plan['id']}/accept", json={"keys": ["v1"]})

    assert r.get_json()["status"] == "proposed"
    assert [v["status"] for v in r.get_json()["visits"]] == ["accepted", "proposed", "proposed"]


def test_what_no_longer_fits_is_named_and_nothing_is_created(
    app, build, as_admin, plan, engineer, stores
):
    first = plan["visits"][0]
    build.visit(stores[0], engineer, utc(first["planned_start"]) + timedelta(minutes=30))

    r = as_admin.post(f"/api/visit-plans/{plan['id']}/accept", json={})

    assert r.status_code == 409
    body = r.get_json()
    assert "Overlaps" in body["errors"][first["key"]][0]
    for (why,) in body["errors"].values():  # the same day: overlapping, or one visit too many
        assert "Overlaps" in why or "would have 4 visits that day (at most 3)" in why
    assert body["current"]["id"] == plan["id"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)) == 1


def test_a_discarded_plan_takes_no_more_changes(as_admin, plan):
    r = as_admin.post(f"/api/visit-plans/{plan['id']}/discard")

    assert r.status_code == 200 and r.get_json()["status"] == "discarded"
    assert as_admin.post(f"/api/visit-plans/{plan['id']}/accept", json={}).status_code == 409
    assert (
        as_admin.patch(f"/api/visit-plans/{plan['id']}", json={"drop": ["v1"]}).status_code == 409
    )


def test_a_plan_made_after_its_time_refuses_to_be_accepted(as_admin, plan, time_machine):
    time_machine.move_to(datetime(2026, 3, 6, tzinfo=UTC), tick=False)  # Friday

    r = as_admin.post(f"/api/visit-plans/{plan['id']}/accept", json={})

    assert r.status_code == 409
    assert set(r.get_json()["errors"]) == {"v1", "v2", "v3"}
    assert r.get_json()["errors"]["v1"] == ["Its time has passed."]
