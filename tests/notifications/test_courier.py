"""Delivery in the background (NOTIFICATIONS_IN_BACKGROUND, the default outside tests): a
slow channel (an unreachable push service, a slow SMTP server) does not hold the request
that notified; what it delivers still arrives, in order."""

from __future__ import annotations

import threading

import pytest

from fieldops.notifications import notification_created
from fieldops.notifications.courier import courier
from tests.notifications.conftest import comment, file_issue, notifications_of

pytestmark = pytest.mark.usefixtures("now")


def test_a_slow_channel_does_not_hold_the_request(app, monkeypatch, world, as_manager, as_engineer):
    monkeypatch.setitem(app.config, "NOTIFICATIONS_IN_BACKGROUND", True)
    issue = file_issue(as_manager, world.store)
    courier.drain()  # the filing's own deliveries are done
    release, heard = threading.Event(), []

    def slow_channel(sender, notification_id):
        release.wait(timeout=10)  # returns at once once released; 10 s only if never
        heard.append(notification_id)

    with notification_created.connected_to(slow_channel):
        comment(as_engineer, issue["id"], "first")
        comment(as_engineer, issue["id"], "second")
        assert heard == []  # both answered while the channel was still sending
        release.set()
        courier.drain()
    told = [n["id"] for n in notifications_of(as_manager)["items"]]
    assert heard == sorted(told) and len(told) == 2
