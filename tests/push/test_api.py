"""Push subscriptions over HTTP: a browser subscribes its user, once per endpoint."""

from __future__ import annotations

import base64
import os

import pytest
import sqlalchemy as sa

from fieldops.extensions import db
from fieldops.push import PushSubscription

pytestmark = pytest.mark.usefixtures("now")

ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123:APA91b-phone"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def browser_subscription(endpoint: str = ENDPOINT) -> dict:
    """What `PushSubscription.toJSON()` gives in a browser."""
    return {
        "endpoint": endpoint,
        "expirationTime": None,
        "keys": {"p256dh": b64url(b"\x04" + os.urandom(64)), "auth": b64url(os.urandom(16))},
    }


def stored(app) -> list[tuple[int, str, str]]:
    with app.app_context():
        rows = db.session.scalars(sa.select(PushSubscription).order_by(PushSubscription.id))
        return [(s.user_id, s.endpoint, s.p256dh) for s in rows]


def test_a_browser_subscribes_once_and_sending_it_again_changes_nothing(
    app, world, as_engineer, now
):
    body = browser_subscription()
    r = as_engineer.post("/api/push-subscriptions", json=body)
    assert r.status_code == 201, r.get_json()
    created = r.get_json()
    assert created["endpoint"] == ENDPOINT and created["created_at"] == now.isoformat()
    assert created["last_used"] is None and "keys" not in created
    r = as_engineer.post("/api/push-subscriptions", json=body)
    assert r.status_code == 200 and r.get_json() == created
    assert stored(app) == [(world.engineer.id, ENDPOINT, body["keys"]["p256dh"])]


def test_a_phone_passed_to_another_person_notifies_the_one_signed_in(
    app, world, as_engineer, as_manager
):
    as_engineer.post("/api/push-subscriptions", json=browser_subscription())
    again = browser_subscription()
    assert as_manager.post("/api/push-subscriptions", json=again).status_code == 200
    assert stored(app) == [(world.manager.id, ENDPOINT, again["keys"]["p256dh"])]


def test_unsubscribing_removes_only_your_own(app, world, as_engineer, as_manager):
    as_engineer.post("/api/push-subscriptions", json=browser_subscription())
    r = as_manager.delete("/api/push-subscriptions", json={"endpoint": ENDPOINT})
    assert r.status_code == 404
    assert len(stored(app)) == 1
    r = as_engineer.delete("/api/push-subscriptions", json={"endpoint": ENDPOINT})
    assert r.status_code == 200 and r.get_json()["endpoint"] == ENDPOINT
    assert stored(app) == []
    r = as_engineer.delete("/api/push-subscriptions", json={"endpoint": ENDPOINT})
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"endpoint": "http://push.example.com/x"}, "endpoint"),
        ({"endpoint": "https://127.0.0.1/x"}, "endpoint"),
        ({"endpoint": "https://[::1]/x"}, "endpoint"),
        ({"keys": {"p256dh": b64url(b"\x04" + bytes(10)), "auth": b64url(bytes(16))}}, "keys"),
        ({"keys": {"p256dh": b64url(b"\x04" + bytes(64)), "auth": "not base64!"}}, "keys"),
        ({"keys": None}, "keys"),
    ],
)
def test_a_subscription_that_is_not_a_browsers_is_refused(world, as_engineer, change, field):
    r = as_engineer.post("/api/push-subscriptions", json={**browser_subscription(), **change})
    assert r.status_code == 422
    assert field in r.get_json()["errors"]


def test_only_signed_in_users_subscribe(api):
    r = api.post("/api/push-subscriptions", json=browser_subscription())
    assert r.status_code == 401
