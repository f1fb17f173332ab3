"""Pushing to a user's browsers: pywebpush posts each message, encrypted for the browser and
signed with the server's VAPID key, to a push service on this machine; the tests decrypt
what arrived as the browser would."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fieldops.extensions import db
from fieldops.push import PushSubscription, send_to_user
from fieldops.push.services import MAX_PAYLOAD_BYTES
from tests.push.conftest import Browser

pytestmark = pytest.mark.usefixtures("now", "vapid")

PAYLOAD = {
    "title": "Assigned to you: Printer jams",
    "body": "Store 12",
    "url": "/issues/7",
    "tag": "issue-7",
}


def send(app, user_id: int, payload: dict = PAYLOAD) -> int:
    with app.app_context():
        return send_to_user(user_id, payload)


def subscriptions(app) -> dict[str, object]:
    """endpoint -> last_used of every stored subscription."""
    with app.app_context():
        rows = db.session.scalars(sa.select(PushSubscription))
        return {row.endpoint: row.last_used for row in rows}


def test_a_message_reaches_the_browser_encrypted_for_it(app, world, push_service, vapid, now):
    phone = Browser.at(push_service)
    phone.subscribe(app, world.engineer)

    assert send(app, world.engineer.id) == 1

    [delivery] = push_service.received
    assert delivery.path == "/phone"
    assert phone.read(delivery) == PAYLOAD
    assert delivery.headers["authorization"].endswith(f",k={vapid}")
    assert int(delivery.headers["ttl"]) > 0  # kept a while for a phone that is off
    assert delivery.headers["authorization"].startswith("vapid t=")
    claims = delivery.claims()
    assert claims["aud"] == push_service.url and claims["sub"] == "mailto:it-support@example.com"
    assert claims["exp"] > now.timestamp()
    # accepted (201): kept, and marked as used now
    assert subscriptions(app) == {phone.endpoint: now}


def test_each_push_service_gets_a_token_for_its_own_origin(app, world, push_service_factory):
    """pywebpush writes `aud` into the claims it is given: reused, the second push service
    would get the first one's audience and refuse the message."""
    first, second = push_service_factory(), push_service_factory()
    Browser.at(first, "phone").subscribe(app, world.engineer)
    Browser.at(second, "laptop").subscribe(app, world.engineer)

    assert send(app, world.engineer.id) == 2

    assert [d.claims()["aud"] for d in first.received] == [first.url]
    assert [d.claims()["aud"] for d in second.received] == [second.url]
    assert first.url != second.url


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_no_longer_knows_is_deleted(
    app, world, push_service, status
):
    gone = Browser.at(push_service, "gone")
    gone.subscribe(app, world.engineer)
    push_service.status = status

    assert send(app, world.engineer.id) == 0

    assert len(push_service.received) == 1
    assert subscriptions(app) == {}


def test_a_failing_push_service_is_logged_and_the_subscription_kept(
    app, world, push_service, push_service_factory, caplog
):
    down = Browser.at(push_service, "down")
    down.subscribe(app, world.engineer)
    push_service.status = 500
    working = push_service_factory()
    phone = Browser.at(working)
    phone.subscribe(app, world.engineer)

    with caplog.at_level(logging.ERROR, logger="fieldops.push"):
        assert send(app, world.engineer.id) == 1  # the other browser still hears of it

    assert phone.read(working.received[0]) == PAYLOAD
    stored = subscriptions(app)
    assert stored[down.endpoint] is None and stored[phone.endpoint] is not None
    assert any("500" in record.getMessage() for record in caplog.records)
    assert "/down" not in caplog.text  # the browser's endpoint path is its secret


def test_an_unreachable_push_service_is_logged_without_raising(app, world, push_service, caplog):
    phone = Browser.at(push_service)
    phone.subscribe(app, world.engineer)
    with app.app_context():
        row = db.session.scalar(sa.select(PushSubscription))
        row.endpoint = "http://127.0.0.1:9/phone"  # the discard port: nothing listens
        db.session.commit()

    with caplog.at_level(logging.ERROR, logger="fieldops.push"):
        assert send(app, world.engineer.id) == 0

    assert "Push to http://127.0.0.1:9 failed" in caplog.text
    assert list(subscriptions(app).values()) == [None]


def test_a_deactivated_user_is_sent_nothing(app, world, push_service):
    Browser.at(push_service).subscribe(app, world.engineer)
    with app.app_context():
        user = db.session.get(type(world.engineer), world.engineer.id)
        user.active = False
        db.session.commit()

    assert send(app, world.engineer.id) == 0
    assert push_service.received == []


def test_without_vapid_keys_nothing_is_sent(app, world, push_service, monkeypatch):
    Browser.at(push_service).subscribe(app, world.engineer)
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", "")

    assert send(app, world.engineer.id) == 0
    assert push_service.received == []


def test_no_transaction_is_open_while_the_push_service_answers(app, world, push_service):
    Browser.at(push_service).subscribe(app, world.engineer)
    with app.app_context():
        session = db.session()
        open_while_posting = []
        push_service.on_receive = lambda: open_while_posting.append(session.in_transaction())
        assert send_to_user(world.engineer.id, PAYLOAD) == 1
        assert not session.in_transaction()  # what it learnt is committed
        with pytest.raises(RuntimeError):
            session.scalar(sa.select(1))  # a transaction begins
            send_to_user(world.engineer.id, PAYLOAD)
        session.rollback()
    assert open_while_posting == [False]


def test_a_long_body_is_shortened_to_fit_one_push_message(app, world, push_service):
    phone = Browser.at(push_service)
    phone.subscribe(app, world.engineer)
    long = {**PAYLOAD, "body": "Ça ne marche pas. " * 400}

    assert send(app, world.engineer.id, long) == 1

    received = phone.read(push_service.received[0])
    assert received["body"].endswith("…") and long["body"].startswith(received["body"][:-1])
    assert len(phone.read_text(push_service.received[0]).encode()) <= MAX_PAYLOAD_BYTES
    assert len(push_service.received[0].body) <= 4096
    assert {k: v for k, v in received.items() if k != "body"} == {
        k: v for k, v in long.items() if k != "body"
    }


def test_the_expiry_of_a_token_follows_the_clock(app, world, push_service, time_machine, now):
    Browser.at(push_service).subscribe(app, world.engineer)
    send(app, world.engineer.id)
    time_machine.move_to(now + timedelta(days=2), tick=False)
    send(app, world.engineer.id)
    first, second = (d.claims()["exp"] for d in push_service.received)
    assert second - first == 2 * 24 * 3600
