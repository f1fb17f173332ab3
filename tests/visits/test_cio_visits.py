"""The CIO's own visits (issue 14): an admin plans them for him, he checks in and out of
them (API, pages, offline sync) and of nobody else's; unplanned starts stay with engineers."""

from __future__ import annotations

import uuid

import pytest

from fieldops.visits.models import Visit, VisitStatus
from tests.helpers import errors_of, fetch
from tests.visits.helpers import check_in, utc

pytestmark = pytest.mark.usefixtures("now")  # time frozen before the world is built

AFTERNOON = utc(2026, 3, 4, 14, 30)  # 08:30 in Chicago, half an hour before now


@pytest.fixture
def cio_visit(world, build):
    """A visit planned for the CIO at world.store this morning."""
    return build.visit(world.store, world.cio, start=AFTERNOON)


@pytest.fixture
def engineer_visit(world, build):
    return build.visit(world.store, world.engineer, start=AFTERNOON)


def plan(client, world, engineer_id):
    body = {
        "store_id": world.store.id,
        "engineer_id": engineer_id,
        "planned_start": "2026-03-10T15:00:00Z",
    }
    return client.post("/api/visits", json=body)


def test_an_admin_plans_a_visit_for_the_cio(world, as_admin):
    r = plan(as_admin, world, world.cio.id)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["engineer"]["id"] == world.cio.id


@pytest.mark.parametrize("who", ["manager", "admin", "inactive cio"])
def test_other_roles_and_inactive_users_are_refused_in_words(world, build, as_admin, who):
    person = build.user("cio", active=False) if who == "inactive cio" else getattr(world, who)
    r = plan(as_admin, world, person.id)
    assert r.status_code == 422
    assert errors_of(r)["engineer_id"] == [
        "Visits are assigned to active engineers or the CIO only."
    ]


def test_the_cio_checks_in_and_out_of_his_own_visit(app, world, cio_visit, as_cio):
    r = check_in(as_cio, cio_visit, latitude=41.8791, longitude=-87.6298, accuracy_m=10)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "checked_in" and r.get_json()["distance_m"] > 100
    r = as_cio.post(
        f"/api/visits/{cio_visit.id}/check-out",
        json={"summary": "Met the general manager", "departments_met": ["management"]},
    )
    assert r.status_code == 200, r.get_json()
    assert fetch(app, Visit, cio_visit.id).status == VisitStatus.COMPLETED
    mine = as_cio.get("/api/visits?engineer=me").get_json()
    assert [v["id"] for v in mine["items"]] == [cio_visit.id]


@pytest.mark.parametrize("action", ["check-in", "check-out"])
def test_the_cio_may_not_act_on_an_engineers_visit(app, build, world, as_cio, action):
    status = VisitStatus.PLANNED if action == "check-in" else VisitStatus.CHECKED_IN
    visit = build.visit(world.store, world.engineer, start=AFTERNOON, status=status)
    r = as_cio.post(f"/api/visits/{visit.id}/{action}", json={"summary": "not mine"})
    assert r.status_code == 403
    assert "another engineer" in r.get_json()["message"]
    assert fetch(app, Visit, visit.id).status == status


def test_an_engineer_may_not_check_in_to_the_cios_visit(app, cio_visit, as_engineer):
    assert check_in(as_engineer, cio_visit).status_code == 403
    assert fetch(app, Visit, cio_visit.id).status == VisitStatus.PLANNED


def op(kind, payload):
    return {
        "client_id": str(uuid.uuid4()),
        "type": kind,
        "payload": payload,
        "created_at": "2026-03-04T14:55:00+00:00",
    }


def test_offline_sync_holds_the_same_rules_for_the_cio(
    app, world, cio_visit, engineer_visit, as_cio
):
    operations = [
        op("check_in", {"visit_id": cio_visit.id}),
        op("check_in", {"visit_id": engineer_visit.id}),
        op("visit_start", {"store_id": world.other_store.id, "client_id": str(uuid.uuid4())}),
    ]
    r = as_cio.post("/api/sync", json={"operations": operations})
    own, other, start = r.get_json()["results"]
    assert own["status"] == "applied"
    assert (other["status"], other["error"]["code"]) == ("rejected", 403)
    assert (start["status"], start["error"]["code"]) == ("rejected", 403)
    assert fetch(app, Visit, cio_visit.id).status == VisitStatus.CHECKED_IN
    assert fetch(app, Visit, engineer_visit.id).status == VisitStatus.PLANNED


def test_the_cio_does_not_start_unplanned_visits(world, as_cio):
    body = {"store_id": world.store.id, "client_id": str(uuid.uuid4())}
    assert as_cio.post("/api/visits/start", json=body).status_code == 403


def test_the_cio_checks_in_on_the_visit_page(app, world, cio_visit, engineer_visit, browser_as_cio):
    b = browser_as_cio
    page = b.get(f"/visits/{cio_visit.id}").get_data(as_text=True)
    assert f'action="/visits/{cio_visit.id}/check-in"' in page
    r = b.submit(f"/visits/{cio_visit.id}", {}, f"/visits/{cio_visit.id}/check-in")
    assert r.status_code == 302
    assert fetch(app, Visit, cio_visit.id).status == VisitStatus.CHECKED_IN
    other = f"/visits/{engineer_visit.id}"
    assert "/check-in" not in b.get(other).get_data(as_text=True)
    # the session's CSRF token, from his own visit's page: refused all the same
    assert b.submit(f"/visits/{cio_visit.id}", {}, f"{other}/check-in").status_code == 403
    store_page = b.get(f"/stores/{world.store.id}").get_data(as_text=True)
    assert "Start a visit now" not in store_page


def test_the_cio_sees_his_visits_on_his_today_page(
    world, cio_visit, engineer_visit, browser_as_cio
):
    r = browser_as_cio.get("/today")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert f"/visits/{cio_visit.id}" in page and f"/visits/{engineer_visit.id}" not in page
    assert "Add observation" not in page  # he files none
    assert 'href="/today"' in page  # "My visits" in his navigation


def test_the_plan_form_offers_the_cio(world, browser_as_admin):
    world.made("engineer", "cio")
    page = browser_as_admin.get("/visits/new").get_data(as_text=True)
    assert "Eddie Engineer</option>" in page and "Cleo Cio (CIO)</option>" in page
