"""Notifications made by real requests reach the recipient's phone once the request has
committed, when the recipient wants them by push."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.notifications.conftest import file_issue, notifications_of, triage
from tests.push.conftest import Browser

pytestmark = pytest.mark.usefixtures("now", "vapid")


def test_an_assignment_reaches_the_assignees_phone_once(
    app, world, push_service, as_manager, as_admin, as_engineer
):
    phone = Browser.at(push_service)
    phone.subscribe(app, world.engineer)
    issue = file_issue(as_manager, world.store, title="Printer jams")

    triage(as_admin, issue["id"], assignee_id=world.engineer.id)

    [delivery] = push_service.received
    [told] = notifications_of(as_engineer)["items"]
    assert phone.read(delivery) == {
        "title": "Assigned to you: Printer jams",
        "body": told["body"],
        "url": f"/issues/{issue['id']}",
        "tag": f"issue-{issue['id']}",
    }


def test_an_assignment_is_not_pushed_to_someone_who_turned_push_off_for_it(
    app, world, push_service, as_manager, as_admin, as_engineer
):
    Browser.at(push_service).subscribe(app, world.engineer)
    r = as_engineer.put(
        "/api/notifications/preferences", json={"channels": {"assigned": {"push": False}}}
    )
    assert r.status_code == 200, r.get_json()
    issue = file_issue(as_manager, world.store)

    triage(as_admin, issue["id"], assignee_id=world.engineer.id)

    assert push_service.received == []
    assert [n["kind"] for n in notifications_of(as_engineer)["items"]] == ["assigned"]


def test_a_planned_visit_is_pushed_with_the_visits_tag(app, world, push_service, as_admin, now):
    phone = Browser.at(push_service)
    phone.subscribe(app, world.engineer)
    r = as_admin.post(
        "/api/visits",
        json={
            "store_id": world.store.id,
            "engineer_id": world.engineer.id,
            "planned_start": (now + timedelta(days=2)).isoformat(),
        },
    )
    assert r.status_code == 201, r.get_json()
    visit = r.get_json()

    [delivery] = push_service.received
    message = phone.read(delivery)
    assert message["tag"] == f"visit-{visit['id']}" and message["url"] == f"/visits/{visit['id']}"
    assert message["title"].startswith("Visit planned: Alpha Motors")


def test_a_refused_request_pushes_nothing(app, world, push_service, as_manager, as_admin):
    Browser.at(push_service).subscribe(app, world.engineer)
    issue = file_issue(as_manager, world.store)

    r = as_admin.patch(
        f"/api/issues/{issue['id']}", json={"assignee_id": world.engineer.id, "version": 99}
    )

    assert r.status_code == 409
    assert push_service.received == []
