"""An observation naming a visit, and the photos attached to it, come only from that visit's
engineer; an admin may name any visit, a manager none. A visit of another store stays 422.

Every way in is checked: the API, the page form, a photo upload and the offline sync.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from fieldops.observations.models import Observation
from fieldops.photos.models import Photo
from tests.helpers import count, errors_of, image_bytes, new_client_id

# who -> the person of the shared world (the owner is the engineer whose visit it is)
PEOPLE = {"owner": "engineer", "other": "other_engineer", "admin": "admin", "manager": "manager"}


@pytest.fixture
def visit(now, world, build):
    """The owner's visit to world.store."""
    return build.visit(world.store, world.engineer, datetime(2026, 3, 4, 14, tzinfo=UTC))


@pytest.fixture
def visit_elsewhere(now, world, build):
    """The owner's visit to world.other_store."""
    return build.visit(world.other_store, world.engineer, datetime(2026, 3, 4, 17, tzinfo=UTC))


def observation_on(visit, store=None) -> dict:
    return {
        "store_id": store.id if store else visit.store_id,
        "visit_id": visit.id,
        "category": "wifi",
        "fields": {"zone": "showroom", "rssi_dbm": -70},
    }


@pytest.mark.parametrize(
    ("who", "status"), [("owner", 201), ("admin", 201), ("other", 403), ("manager", 403)]
)
def test_only_the_visits_engineer_or_an_admin_logs_an_observation_on_it(
    app, world, visit, login, who, status
):
    r = login(getattr(world, PEOPLE[who])).post("/api/observations", json=observation_on(visit))
    assert r.status_code == status, r.get_json()
    if status == 403:
        assert r.get_json()["code"] == 403 and "visit_id" in errors_of(r)
        assert count(app, Observation) == 0


def test_the_same_store_without_the_visit_stays_open_to_every_engineer(app, world, visit, login):
    body = {**observation_on(visit), "visit_id": None}
    assert login(world.other_engineer).post("/api/observations", json=body).status_code == 201


@pytest.mark.parametrize(("who", "status"), [("owner", 422), ("admin", 422), ("other", 403)])
def test_a_visit_to_another_store_stays_422_for_those_who_may_name_it(
    app, world, visit_elsewhere, login, who, status
):
    body = observation_on(visit_elsewhere, store=world.store)
    r = login(getattr(world, PEOPLE[who])).post("/api/observations", json=body)
    assert r.status_code == status and "visit_id" in errors_of(r)
    assert count(app, Observation) == 0


def upload_photo(client, observation_id: int):
    boundary, body = encode_multipart(
        {
            "client_id": new_client_id(),
            "observation_id": str(observation_id),
            "file": FileStorage(io.BytesIO(image_bytes("PNG")), filename="shot.png"),
        }
    )
    return client.post(
        "/api/photos", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


@pytest.mark.parametrize(
    ("who", "status"), [("owner", 201), ("admin", 201), ("other", 403), ("manager", 403)]
)
def test_a_photo_on_a_visits_observation_follows_the_same_rule(
    app, world, visit, login, build, who, status
):
    observation = build.observation(world.store, world.engineer, visit_id=visit.id)
    r = upload_photo(login(getattr(world, PEOPLE[who])), observation.id)
    assert r.status_code == status, r.get_json()
    assert count(app, Photo) == (1 if status == 201 else 0)


def test_the_offline_sync_refuses_the_operation_as_the_route_does(app, world, visit, login):
    def sync(user):
        operation = {
            "client_id": new_client_id(),
            "type": "observation",
            "payload": observation_on(visit),
            "created_at": "2026-03-04T14:55:00+00:00",
        }
        r = login(user).post("/api/sync", json={"operations": [operation]})
        assert r.status_code == 200
        return r.get_json()["results"][0]

    refused = sync(world.other_engineer)
    assert refused["status"] == "rejected" and refused["error"]["code"] == 403
    assert "visit_id" in refused["error"]["errors"]
    assert sync(world.manager)["error"]["code"] == 403
    assert count(app, Observation) == 0
    assert sync(world.engineer)["status"] == "applied"


def test_the_page_form_is_refused_to_another_engineer(app, world, visit, signed_in):
    url = f"/observations/new?store_id={world.store.id}&visit_id={visit.id}&category=wifi"
    other = signed_in(world.other_engineer)
    assert other.get(url).status_code == 403
    r = other.client.post(url, data={"zone": "Showroom", "csrf_token": other.token("/account")})
    assert r.status_code == 403 and count(app, Observation) == 0
    r = signed_in(world.engineer).submit(url, {"zone": "Showroom"})
    assert r.status_code == 302 and count(app, Observation) == 1


def test_the_visit_page_offers_the_form_only_to_those_who_may_use_it(world, visit, signed_in):
    link = f"/observations/new?store_id={world.store.id}&amp;visit_id={visit.id}"
    for user, offered in (
        (world.engineer, True),
        (world.admin, True),
        (world.other_engineer, False),
    ):
        page = signed_in(user).get(f"/visits/{visit.id}").get_data(as_text=True)
        assert (link in page) is offered, user.role
