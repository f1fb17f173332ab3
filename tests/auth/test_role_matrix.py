"""Who may do what (issue 2, "Who may do what"), tested as a matrix of roles x actions.

Every cell is one request made by a user of that role against a small world: store A,
run by the manager, and store B, run by someone else, each with a visit, an observation
and an issue. A manager gets 404 for store B's records, so ids cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from fieldops.auth.models import ApiToken
from fieldops.extensions import db
from fieldops.issues.models import IssueStatus
from fieldops.stores.models import Store
from fieldops.visits.models import VisitStatus
from tests.helpers import image_bytes, new_client_id
from tests.world import World

ROLES = ("admin", "cio", "engineer", "manager")


@dataclass
class Records:
    people: World  # the shared world: its admin, cio, engineer, manager (of a), other_engineer
    a: Store
    b: Store
    visit_a: Any
    visit_b: Any
    visit_checked_in: Any
    observation_a: Any
    observation_b: Any
    issue_a: Any
    issue_b: Any
    closed_issue_a: Any
    token_id: int


@pytest.fixture
def records(app, build, now, world) -> Records:
    """Store A (world.store, run by world.manager) and store B (world.other_store, run by
    world.other_manager), each with a visit, an observation and an issue."""
    a, b = world.store, world.other_store
    for person in ("admin", "cio", "engineer", "manager", "other_manager", "other_engineer"):
        getattr(world, person)  # everyone exists before the first request
    engineer, manager = world.engineer, world.manager
    build.token(world.other_engineer)
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    return Records(
        people=world,
        a=a,
        b=b,
        visit_a=build.visit(a, engineer),
        visit_b=build.visit(b, engineer),
        visit_checked_in=build.visit(a, engineer, status=VisitStatus.CHECKED_IN, checked_in_at=now),
        observation_a=build.observation(a, engineer),
        observation_b=build.observation(b, engineer),
        issue_a=build.issue(a, manager),
        issue_b=build.issue(b, engineer),
        closed_issue_a=build.issue(a, manager, status=IssueStatus.CLOSED),
        token_id=token_id,
    )


def expect(admin: int, cio: int, engineer: int, manager: int) -> dict[str, int]:
    return dict(zip(ROLES, (admin, cio, engineer, manager), strict=True))


def new_store() -> dict[str, Any]:
    return {"code": "NEW-1", "name": "New Store", "timezone": "America/Denver"}


def observation_for(store: Store) -> dict[str, Any]:
    return {"store_id": store.id, "category": "wifi", "fields": {"zone": "showroom"}}


def issue_for(store: Store) -> dict[str, Any]:
    return {"store_id": store.id, "category": "wifi", "severity": "high", "title": "No Wi-Fi"}


def photo_on(kind: str, record_id: int) -> dict[str, Any]:
    from io import BytesIO

    return {
        "data": {
            "client_id": new_client_id(),
            f"{kind}_id": str(record_id),
            "file": (BytesIO(image_bytes("PNG")), "shot.png"),
        },
        "content_type": "multipart/form-data",
    }


# action name -> (request, expected status per role)
MATRIX: dict[str, tuple[Any, dict[str, int]]] = {
    # reading: everyone, a manager only their own stores
    "read own store": (lambda c, w: c.get(f"/api/stores/{w.a.id}"), expect(200, 200, 200, 200)),
    "read other store": (lambda c, w: c.get(f"/api/stores/{w.b.id}"), expect(200, 200, 200, 404)),
    "read own visit": (
        lambda c, w: c.get(f"/api/visits/{w.visit_a.id}"),
        expect(200, 200, 200, 200),
    ),
    "read other store's visit": (
        lambda c, w: c.get(f"/api/visits/{w.visit_b.id}"),
        expect(200, 200, 200, 404),
    ),
    "read own observation": (
        lambda c, w: c.get(f"/api/observations/{w.observation_a.id}"),
        expect(200, 200, 200, 200),
    ),
    "read other store's observation": (
        lambda c, w: c.get(f"/api/observations/{w.observation_b.id}"),
        expect(200, 200, 200, 404),
    ),
    "read own issue": (
        lambda c, w: c.get(f"/api/issues/{w.issue_a.id}"),
        expect(200, 200, 200, 200),
    ),
    "read other store's issue": (
        lambda c, w: c.get(f"/api/issues/{w.issue_b.id}"),
        expect(200, 200, 200, 404),
    ),
    "read other store's issue comments": (
        lambda c, w: c.get(f"/api/issues/{w.issue_b.id}/comments"),
        expect(200, 200, 200, 404),
    ),
    "read other store's issue history": (
        lambda c, w: c.get(f"/api/issues/{w.issue_b.id}/history"),
        expect(200, 200, 200, 404),
    ),
    "list users": (lambda c, w: c.get("/api/users"), expect(200, 200, 403, 403)),
    "read a user": (
        lambda c, w: c.get(f"/api/users/{w.people.other_engineer.id}"),
        expect(200, 200, 403, 403),
    ),
    # stores, users, tokens, planning: admin only
    "create store": (
        lambda c, w: c.post("/api/stores", json=new_store()),
        expect(201, 403, 403, 403),
    ),
    "update own store": (
        lambda c, w: c.patch(f"/api/stores/{w.a.id}", json={"name": "Renamed"}),
        expect(200, 403, 403, 403),
    ),
    "create user": (
        lambda c, w: c.post(
            "/api/users",
            json={"email": "x@ex.test", "name": "X", "role": "cio", "password": "0123456789ab"},
        ),
        expect(201, 403, 403, 403),
    ),
    "update user": (
        lambda c, w: c.patch(f"/api/users/{w.people.other_engineer.id}", json={"name": "Renamed"}),
        expect(200, 403, 403, 403),
    ),
    "deactivate user": (
        lambda c, w: c.post(f"/api/users/{w.people.other_engineer.id}/deactivate"),
        expect(200, 403, 403, 403),
    ),
    "list tokens": (lambda c, w: c.get("/api/tokens"), expect(200, 403, 403, 403)),
    "create token": (
        lambda c, w: c.post(
            "/api/tokens", json={"user_id": w.people.other_engineer.id, "name": "dms"}
        ),
        expect(201, 403, 403, 403),
    ),
    "revoke token": (
        lambda c, w: c.delete(f"/api/tokens/{w.token_id}"),
        expect(200, 403, 403, 403),
    ),
    "plan visit": (
        lambda c, w: c.post(
            "/api/visits",
            json={
                "store_id": w.a.id,
                "engineer_id": w.people.engineer.id,
                "planned_start": "2026-03-10T15:00:00Z",
            },
        ),
        expect(201, 403, 403, 403),
    ),
    "reschedule visit": (
        lambda c, w: c.patch(
            f"/api/visits/{w.visit_a.id}", json={"planned_start": "2026-03-11T15:00:00Z"}
        ),
        expect(200, 403, 403, 403),
    ),
    "cancel visit": (
        lambda c, w: c.post(f"/api/visits/{w.visit_a.id}/cancel", json={"reason": "x"}),
        expect(200, 403, 403, 403),
    ),
    # check in / out: the engineer, on their own visits
    "check in": (
        lambda c, w: c.post(f"/api/visits/{w.visit_a.id}/check-in", json={}),
        expect(403, 403, 200, 403),
    ),
    "check out": (
        lambda c, w: c.post(
            f"/api/visits/{w.visit_checked_in.id}/check-out", json={"summary": "Done"}
        ),
        expect(403, 403, 200, 403),
    ),
    # observations, new issues, comments, photos
    "observation, own store": (
        lambda c, w: c.post("/api/observations", json=observation_for(w.a)),
        expect(201, 403, 201, 201),
    ),
    "observation, other store": (
        lambda c, w: c.post("/api/observations", json=observation_for(w.b)),
        expect(201, 403, 201, 404),
    ),
    "observation, other store's visit": (
        lambda c, w: c.post(
            "/api/observations", json={**observation_for(w.a), "visit_id": w.visit_b.id}
        ),
        expect(422, 403, 422, 404),
    ),
    "issue, own store": (
        lambda c, w: c.post("/api/issues", json=issue_for(w.a)),
        expect(201, 403, 201, 201),
    ),
    "issue, other store": (
        lambda c, w: c.post("/api/issues", json=issue_for(w.b)),
        expect(201, 403, 201, 404),
    ),
    "comment, own store": (
        lambda c, w: c.post(f"/api/issues/{w.issue_a.id}/comments", json={"body": "On it"}),
        expect(201, 403, 201, 201),
    ),
    "comment, other store": (
        lambda c, w: c.post(f"/api/issues/{w.issue_b.id}/comments", json={"body": "On it"}),
        expect(201, 403, 201, 404),
    ),
    "photo, own store's observation": (
        lambda c, w: c.post("/api/photos", **photo_on("observation", w.observation_a.id)),
        expect(201, 403, 201, 201),
    ),
    "photo, other store's issue": (
        lambda c, w: c.post("/api/photos", **photo_on("issue", w.issue_b.id)),
        expect(201, 403, 201, 404),
    ),
    # issue triage: admin and engineer; a manager may close or reopen their own
    "acknowledge issue": (
        lambda c, w: c.patch(f"/api/issues/{w.issue_a.id}", json={"status": "acknowledged"}),
        expect(200, 403, 200, 403),
    ),
    "change severity": (
        lambda c, w: c.patch(f"/api/issues/{w.issue_a.id}", json={"severity": "low"}),
        expect(200, 403, 200, 403),
    ),
    "assign issue": (
        lambda c, w: c.patch(
            f"/api/issues/{w.issue_a.id}", json={"assignee_id": w.people.engineer.id}
        ),
        expect(200, 403, 200, 403),
    ),
    "close own store's issue": (
        lambda c, w: c.patch(f"/api/issues/{w.issue_a.id}", json={"status": "closed"}),
        expect(200, 403, 200, 200),
    ),
    "reopen own store's issue": (
        lambda c, w: c.patch(f"/api/issues/{w.closed_issue_a.id}", json={"status": "open"}),
        expect(200, 403, 200, 200),
    ),
    "close other store's issue": (
        lambda c, w: c.patch(f"/api/issues/{w.issue_b.id}", json={"status": "closed"}),
        expect(200, 403, 200, 404),
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", MATRIX)
def test_role_matrix(world, records, login, role, action):
    send, expected = MATRIX[action]
    r = send(login(getattr(world, role)), records)
    assert r.status_code == expected[role], (role, action, r.get_json())
    if r.status_code >= 400:
        assert r.is_json and r.get_json()["code"] == r.status_code


LISTS = {
    "/api/stores": lambda w: {w.a.id},
    "/api/visits": lambda w: {w.visit_a.id, w.visit_checked_in.id},
    "/api/observations": lambda w: {w.observation_a.id},
    "/api/issues": lambda w: {w.issue_a.id, w.closed_issue_a.id},
}


@pytest.mark.parametrize("url", LISTS)
def test_lists_show_a_manager_only_their_stores(world, records, login, url):
    own = LISTS[url](records)
    for role in ROLES:
        body = login(getattr(world, role)).get(url).get_json()
        ids = {item["id"] for item in body["items"]}
        if role == "manager":
            assert ids == own and body["total"] == len(own)
        else:
            assert own < ids


def test_filtering_a_list_by_another_store_shows_a_manager_nothing(records, as_manager):
    client = as_manager
    for url in ("/api/visits", "/api/observations", "/api/issues"):
        body = client.get(f"{url}?store_id={records.b.id}").get_json()
        assert body["items"] == [] and body["total"] == 0


@pytest.mark.parametrize("action", ["check-in", "check-out"])
def test_another_engineers_visit_is_403(records, as_other_engineer, action):
    visit = records.visit_a if action == "check-in" else records.visit_checked_in
    r = as_other_engineer.post(f"/api/visits/{visit.id}/{action}", json={"summary": "not mine"})
    assert r.status_code == 403
    assert "another engineer" in r.get_json()["message"]


def test_a_manager_may_not_reopen_an_issue_still_being_worked_on(world, records, as_manager, build):
    in_progress = build.issue(records.a, world.manager, status=IssueStatus.IN_PROGRESS)
    r = as_manager.patch(f"/api/issues/{in_progress.id}", json={"status": "open"})
    assert r.status_code == 403


# A forbidden request is refused before its body is read: 403 even when the body is wrong.
FORBIDDEN_WITH_BAD_BODY = {
    "engineer creates a store": ("engineer", "post", lambda w: "/api/stores", {"code": ""}),
    "manager plans a visit": (
        "manager",
        "post",
        lambda w: "/api/visits",
        {"planned_start": "yesterday"},
    ),
    "cio reschedules a visit": (
        "cio",
        "patch",
        lambda w: f"/api/visits/{w.visit_a.id}",
        {"planned_end": 5, "version": "x"},
    ),
    "admin checks in": (
        "admin",
        "post",
        lambda w: f"/api/visits/{w.visit_a.id}/check-in",
        {"at": "not a time"},
    ),
    "another engineer checks in": (
        "other_engineer",
        "post",
        lambda w: f"/api/visits/{w.visit_a.id}/check-in",
        {"latitude": 500},
    ),
    "cio logs an observation": ("cio", "post", lambda w: "/api/observations", {"category": 1}),
    "cio files an issue": ("cio", "post", lambda w: "/api/issues", {"severity": "apocalyptic"}),
    "cio comments": ("cio", "post", lambda w: f"/api/issues/{w.issue_a.id}/comments", {}),
    "cio triages": ("cio", "patch", lambda w: f"/api/issues/{w.issue_a.id}", {"status": "x"}),
    "manager sets severity": (
        "manager",
        "patch",
        lambda w: f"/api/issues/{w.issue_a.id}",
        {"severity": "apocalyptic"},
    ),
    "manager sets a bad status": (
        "manager",
        "patch",
        lambda w: f"/api/issues/{w.issue_a.id}",
        {"status": ["closed"]},
    ),
    "engineer creates a user": ("engineer", "post", lambda w: "/api/users", {"email": "x"}),
    "manager creates a token": ("manager", "post", lambda w: "/api/tokens", {"user_id": "x"}),
    "cio uploads a photo": ("cio", "post", lambda w: "/api/photos", {}),
}


@pytest.mark.parametrize("case", FORBIDDEN_WITH_BAD_BODY)
def test_authorization_comes_before_validation(world, records, login, case):
    who, method, url, body = FORBIDDEN_WITH_BAD_BODY[case]
    user = getattr(world, who)
    r = getattr(login(user), method)(url(records), json=body)
    assert r.status_code == 403, r.get_json()


def test_anonymous_request_with_a_bad_body_is_401(records, api):
    r = api.post("/api/issues", json={"severity": "apocalyptic"})
    assert r.status_code == 401
