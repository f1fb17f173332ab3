"""/api/observations: per-category fields, scoping, and creating at most once per client id."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from fieldops.observations.models import Observation
from tests.helpers import count, errors_of, new_client_id, race

pytestmark = pytest.mark.usefixtures("now")  # time frozen before the world is built


def body(store, category: str = "wifi", fields: dict[str, Any] | None = None, **extra: Any):
    if fields is None:
        fields = {"zone": "showroom", "ssid": "Guest", "rssi_dbm": -71, "download_mbps": 12.5}
    return {"store_id": store.id, "category": category, "fields": fields, **extra}


GOOD_FIELDS = {
    "wifi": {
        "zone": "service lane",
        "ssid": "Dealer-Guest",
        "rssi_dbm": -120,
        "download_mbps": 0,
        "upload_mbps": 10000,
        "latency_ms": 60000,
    },
    "paperwork": {"process": "lease contract", "pages": 14, "signature": "wet", "minutes": 35},
    "hours": {"customers_present": 12, "last_customer_at": "21:40"},
    "hardware": {"device": "receipt printer", "problem": "paper jams"},
    "general": {"text": "Manager asks for a second access point"},
}


@pytest.mark.parametrize("category", GOOD_FIELDS)
def test_each_category_is_accepted_with_its_fields(world, as_engineer, category):
    r = as_engineer.post(
        "/api/observations", json=body(world.store, category, GOOD_FIELDS[category])
    )
    assert r.status_code == 201, r.get_json()
    created = r.get_json()
    assert created["category"] == category and created["fields"] == GOOD_FIELDS[category]
    assert created["author_id"] == world.engineer.id
    again = as_engineer.get(f"/api/observations/{created['id']}").get_json()
    assert again["fields"] == GOOD_FIELDS[category]


BAD_FIELDS = [
    ("wifi", {"zone": "showroom", "rssi_dbm": -130}, "rssi_dbm"),
    ("wifi", {"zone": "showroom", "rssi_dbm": 5}, "rssi_dbm"),
    ("wifi", {"zone": "showroom", "download_mbps": 10001}, "download_mbps"),
    ("wifi", {"zone": "showroom", "upload_mbps": -1}, "upload_mbps"),
    ("wifi", {"zone": "showroom", "latency_ms": 60001}, "latency_ms"),
    ("wifi", {"ssid": "Guest"}, "zone"),
    ("wifi", {"zone": "showroom", "colour": "blue"}, "colour"),
    ("paperwork", {"process": "sale", "pages": 1001}, "pages"),
    ("paperwork", {"process": "sale", "signature": "stamp"}, "signature"),
    ("hours", {"customers_present": 10001}, "customers_present"),
    ("hours", {"last_customer_at": "9:40pm"}, "last_customer_at"),
    ("hours", {}, "customers_present"),
    ("hardware", {"device": "printer"}, "problem"),
    ("general", {"text": ""}, "text"),
    ("general", {"text": "   "}, "text"),
    ("general", {"text": "ok", "zone": "showroom"}, "zone"),  # another category's field
]


@pytest.mark.parametrize("category, fields, field", BAD_FIELDS)
def test_bad_category_field_is_refused_naming_it(app, world, as_engineer, category, fields, field):
    r = as_engineer.post("/api/observations", json=body(world.store, category, fields))
    assert r.status_code == 422, r.get_json()
    assert field in errors_of(r)["fields"]
    assert f"fields.{field}" in r.get_json()["message"]
    assert count(app, Observation) == 0


@pytest.mark.parametrize(
    "change, field",
    [
        ({"category": "weather"}, "category"),
        ({"fields": "strong"}, "fields"),
        ({"store_id": None}, "store_id"),
        ({"observed_at": "2026-03-04T15:00:00"}, "observed_at"),
        ({"observed_at": "2026-03-04T17:00:00Z"}, "observed_at"),  # two hours ahead
        ({"client_id": "not-a-uuid"}, "client_id"),
        ({"photos": []}, "photos"),
    ],
)
def test_bad_observation_is_refused_naming_the_field(app, world, as_engineer, change, field):
    r = as_engineer.post("/api/observations", json={**body(world.store), **change})
    assert r.status_code == 422 and field in errors_of(r), r.get_json()
    assert count(app, Observation) == 0


def test_device_time_is_kept(world, as_engineer):
    r = as_engineer.post(
        "/api/observations", json=body(world.store, observed_at="2026-03-03T20:45:00-06:00")
    )
    created = r.get_json()
    assert created["observed_at"] == "2026-03-04T02:45:00+00:00"
    assert created["created_at"] == "2026-03-04T15:00:00+00:00"


def test_visit_of_another_store_is_refused(app, world, as_engineer, build):
    other = build.store()
    visit = build.visit(other, world.engineer)
    r = as_engineer.post("/api/observations", json=body(world.store, visit_id=visit.id))
    assert r.status_code == 422 and "visit_id" in errors_of(r)
    assert count(app, Observation) == 0


def test_unknown_store_or_visit_is_404(world, as_engineer):
    r = as_engineer.post("/api/observations", json=body(world.store, visit_id=999999))
    assert r.status_code == 404 and "visit_id" in errors_of(r)
    r = as_engineer.post("/api/observations", json={**body(world.store), "store_id": 999999})
    assert r.status_code == 404 and "store_id" in errors_of(r)


def test_list_by_store_and_by_visit_newest_first(world, as_engineer, build):
    other = build.store()
    visit = build.visit(world.store, world.engineer)
    older = build.observation(
        world.store, world.engineer, observed_at=datetime(2026, 3, 1, tzinfo=UTC)
    )
    newer = build.observation(world.store, world.engineer, visit_id=visit.id)
    build.observation(other, world.engineer)
    client = as_engineer

    def ids(query):
        return [o["id"] for o in client.get(f"/api/observations?{query}").get_json()["items"]]

    assert ids(f"store_id={world.store.id}") == [newer.id, older.id]
    assert ids(f"visit_id={visit.id}") == [newer.id]
    assert ids(f"store_id={world.store.id}&sort=observed_at") == [older.id, newer.id]
    assert ids("category=wifi") == []


# --- client ids ---------------------------------------------------------------------


def test_repeated_client_id_answers_200_with_the_original_and_creates_nothing(
    app, world, as_engineer
):
    client_id = new_client_id()
    first = as_engineer.post("/api/observations", json=body(world.store, client_id=client_id))
    assert first.status_code == 201
    # a retry from the phone's outbox, even one whose content drifted, changes nothing
    again = as_engineer.post(
        "/api/observations",
        json=body(world.store, "general", {"text": "edited offline"}, client_id=client_id),
    )
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert count(app, Observation) == 1


def test_client_ids_are_per_author(app, world, as_engineer, as_other_engineer):
    client_id = new_client_id()
    other = as_other_engineer
    a = as_engineer.post("/api/observations", json=body(world.store, client_id=client_id))
    b = other.post("/api/observations", json=body(world.store, client_id=client_id))
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.get_json()["id"] != b.get_json()["id"]
    assert count(app, Observation) == 2


def test_without_client_id_each_post_creates_a_record(app, world, as_engineer):
    for _ in range(2):
        assert as_engineer.post("/api/observations", json=body(world.store)).status_code == 201
    assert count(app, Observation) == 2


def test_racing_repeats_create_exactly_one(app, world, login):
    clients = [login(world.engineer) for _ in range(2)]
    answers = race(clients, "/api/observations", body(world.store, client_id=new_client_id()))
    assert sorted(a.status_code for a in answers) == [200, 201], [a.get_json() for a in answers]
    assert answers[0].get_json()["id"] == answers[1].get_json()["id"]
    assert count(app, Observation) == 1
