"""POST /api/visits/start: an engineer starts an unplanned visit on the spot."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from fieldops.visits.models import Visit, VisitStatus
from tests.dashboard.test_live_cadence import live_tiles
from tests.helpers import count, errors_of, fetch, new_client_id, race

pytestmark = pytest.mark.usefixtures("now")  # time frozen before the world is built

# ~110 m north of world.store (Chicago), then ~1.1 km north
NEAR = {"latitude": 41.8791, "longitude": -87.6298, "accuracy_m": 10}
FAR = {"latitude": 41.8881, "longitude": -87.6298, "accuracy_m": 20}


def start(client, store, **body):
    body.setdefault("client_id", new_client_id())
    return client.post("/api/visits/start", json={"store_id": store.id, **body})


def test_an_engineer_starts_a_visit_already_checked_in(as_engineer, as_admin, world, now):
    r = start(as_engineer, world.store, **NEAR)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["status"] == "checked_in" and body["unplanned"] is True
    assert body["engineer_id"] == world.engineer.id and body["store_id"] == world.store.id
    assert datetime.fromisoformat(body["checked_in_at"]) == now
    assert datetime.fromisoformat(body["planned_start"]) == now
    assert datetime.fromisoformat(body["planned_end"]) == now + timedelta(hours=2)
    assert body["local_date"] == "2026-03-04"  # 09:00 in Chicago
    assert body["far_from_store"] is False and 100 < body["distance_m"] < 120
    assert body["off_schedule"] is False
    # everyone who may read visits sees it as unplanned
    assert as_admin.get(f"/api/visits/{body['id']}").get_json()["unplanned"] is True


def test_the_local_day_is_the_stores(as_engineer, build):
    tokyo = build.store(timezone="Asia/Tokyo", latitude=None, longitude=None)
    r = start(as_engineer, tokyo, at="2026-03-04T14:30:00Z")  # 23:30 in Tokyo
    assert r.status_code == 201 and r.get_json()["local_date"] == "2026-03-04"
    r = start(as_engineer, build.store(timezone="Asia/Tokyo"))  # now: 00:00 in Tokyo
    assert r.get_json()["local_date"] == "2026-03-05"


def test_a_start_far_from_the_store_is_flagged(as_engineer, world):
    body = start(as_engineer, world.store, **FAR).get_json()
    assert body["far_from_store"] is True and 1100 < body["distance_m"] < 1125


def test_a_repeated_client_id_answers_the_original(app, as_engineer, world):
    client_id = new_client_id()
    first = start(as_engineer, world.store, client_id=client_id, **NEAR)
    again = start(as_engineer, world.store, client_id=client_id, **FAR)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["far_from_store"] is False  # the original, unchanged
    assert count(app, Visit) == 1


def test_a_client_id_of_another_record_is_refused(app, as_engineer, world):
    client_id = new_client_id()
    operation = {
        "client_id": client_id,
        "type": "observation",
        "payload": {"store_id": world.store.id, "category": "general", "fields": {"text": "ok"}},
        "created_at": "2026-03-04T14:55:00+00:00",
    }
    assert as_engineer.post("/api/sync", json={"operations": [operation]}).status_code == 200
    r = start(as_engineer, world.store, client_id=client_id)
    assert r.status_code == 422 and "client_id" in errors_of(r)
    assert count(app, Visit) == 0


@pytest.mark.parametrize("who", ["admin", "cio", "manager"])
def test_only_engineers_start_visits(app, request, world, who):
    client = request.getfixturevalue(f"as_{who}")
    r = start(client, world.store)
    assert r.status_code == 403
    assert count(app, Visit) == 0


def test_an_unknown_store_is_404(as_engineer):
    r = as_engineer.post(
        "/api/visits/start", json={"store_id": 99999, "client_id": new_client_id()}
    )
    assert r.status_code == 404 and "store_id" in errors_of(r)


def test_an_inactive_store_is_refused(app, as_engineer, build):
    r = start(as_engineer, build.store(active=False))
    assert r.status_code == 422 and "store_id" in errors_of(r)
    assert count(app, Visit) == 0


@pytest.mark.parametrize(
    "body, field",
    [
        ({"store_id": None}, "store_id"),
        ({"client_id": "not-a-uuid"}, "client_id"),
        ({"client_id": None}, "client_id"),
        ({"at": "2026-03-04T16:00:00Z"}, "at"),  # an hour in the future
        ({"at": "2026-03-04T14:00:00"}, "at"),  # no offset
        ({"latitude": 41.9}, "latitude"),  # latitude without longitude
        ({"latitude": 91, "longitude": 0}, "latitude"),
        ({"unplanned": False}, "unplanned"),  # read-only
    ],
)
def test_bad_input_is_refused_and_changes_nothing(app, as_engineer, world, body, field):
    payload = {"store_id": world.store.id, "client_id": new_client_id(), **body}
    r = as_engineer.post("/api/visits/start", json=payload)
    assert r.status_code == 422 and field in errors_of(r), r.get_json()
    assert count(app, Visit) == 0


def test_an_earlier_time_from_an_offline_phone(as_engineer, world):
    r = start(as_engineer, world.store, at="2026-03-04T07:40:00-06:00")
    assert r.status_code == 201
    assert r.get_json()["checked_in_at"].startswith("2026-03-04T13:40:00")


def test_a_second_start_while_checked_in_at_the_store_is_409(app, as_engineer, world):
    first = start(as_engineer, world.store).get_json()
    r = start(as_engineer, world.store)
    assert r.status_code == 409
    message = f"You are already checked in at this store (visit {first['id']})"
    assert r.get_json()["message"].startswith(message) and "store_id" in errors_of(r)
    # after checking out, a new one may start; and an open visit elsewhere does not stop it
    done = as_engineer.post(f"/api/visits/{first['id']}/check-out", json={"summary": "Fixed"})
    assert done.status_code == 200
    assert start(as_engineer, world.store).status_code == 201
    assert start(as_engineer, world.other_store).status_code == 201
    assert count(app, Visit) == 3


def test_another_engineers_open_visit_does_not_stop_a_start(as_engineer, as_other_engineer, world):
    assert start(as_other_engineer, world.store).status_code == 201
    assert start(as_engineer, world.store).status_code == 201


def test_an_unplanned_visit_counts_toward_the_cadence(app, as_engineer, as_cio, world, now):
    code = world.store.code

    def visits_of_store() -> dict:
        body = as_cio.get("/api/coverage?from=2026-03-02&days=7").get_json()
        return next(i for i in body["items"] if i["code"] == code)["visits"]

    assert visits_of_store()["completed_12m"] == 0
    visit = start(as_engineer, world.store, at="2026-03-04T13:00:00Z").get_json()
    r = as_engineer.post(f"/api/visits/{visit['id']}/check-out", json={"summary": "Swapped AP"})
    assert r.status_code == 200 and r.get_json()["status"] == "completed"
    assert visits_of_store()["completed_12m"] == 1
    assert fetch(app, Visit, visit["id"]).status == VisitStatus.COMPLETED


def test_it_is_listed_with_the_days_visits(as_engineer, world, now):
    visit = start(as_engineer, world.store).get_json()
    listed = as_engineer.get("/api/visits?engineer=me&date=2026-03-04").get_json()["items"]
    assert [v["id"] for v in listed] == [visit["id"]]
    assert date.fromisoformat(listed[0]["local_date"]) == now.astimezone(UTC).date()


def test_an_unplanned_visit_counts_on_the_overview(build, as_engineer, browser_as_cio):
    store = build.store(code="UNP", name="Unplanned Motors", cadence_per_year=1)
    assert live_tiles(browser_as_cio) == ("0 of 1", "1")
    visit = start(as_engineer, store).get_json()
    as_engineer.post(f"/api/visits/{visit['id']}/check-out", json={"summary": "Checked the APs"})
    assert live_tiles(browser_as_cio) == ("1 of 1", "0")


def test_racing_repeats_start_exactly_one(app, world, login):
    clients = [login(world.engineer) for _ in range(2)]
    body = {"store_id": world.store.id, "client_id": new_client_id()}
    answers = race(clients, "/api/visits/start", body)
    assert sorted(a.status_code for a in answers) == [200, 201], [a.get_json() for a in answers]
    assert answers[0].get_json()["id"] == answers[1].get_json()["id"]
    assert count(app, Visit) == 1
