"""/api/notifications: one's own only, paged, the unread count; marking read; preferences;
the signal fired for each committed notification."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from fieldops.notifications import notification_created
from tests.helpers import errors_of
from tests.notifications.conftest import comment, file_issue, notifications_of, triage

pytestmark = pytest.mark.usefixtures("now")


@pytest.fixture
def three_for_the_manager(now, world, as_manager, as_engineer):
    issue = file_issue(as_manager, world.store)
    for text in ("one", "two", "three"):
        comment(as_engineer, issue["id"], text)
    return issue


@pytest.mark.usefixtures("three_for_the_manager")
def test_the_list_is_paged_newest_first_with_the_unread_count(as_manager):
    page = notifications_of(as_manager, per_page=2)
    assert (page["total"], page["page"], page["per_page"], page["unread"]) == (3, 1, 2, 3)
    assert [n["body"].splitlines()[-1] for n in page["items"]] == ["three", "two"]
    assert notifications_of(as_manager, per_page=2, page=2)["items"][0]["body"].endswith("one")


@pytest.mark.usefixtures("three_for_the_manager")
def test_one_sees_only_their_own(as_engineer, as_admin):
    assert notifications_of(as_admin)["total"] == 0
    assert notifications_of(as_engineer)["total"] == 0


@pytest.mark.usefixtures("three_for_the_manager")
def test_marking_read_by_id_and_all(as_manager, as_admin, now):
    ids = [n["id"] for n in notifications_of(as_manager)["items"]]
    r = as_admin.post("/api/notifications/read", json={"ids": ids})  # not the admin's
    assert r.get_json() == {"marked": 0, "unread": 0}
    assert notifications_of(as_manager)["unread"] == 3

    r = as_manager.post("/api/notifications/read", json={"ids": ids[:1]})
    assert r.status_code == 200 and r.get_json() == {"marked": 1, "unread": 2}
    assert notifications_of(as_manager, unread="true")["total"] == 2
    [read] = notifications_of(as_manager, unread="false")["items"]
    assert read["id"] == ids[0] and read["read_at"] == now.isoformat()

    assert as_manager.post("/api/notifications/read", json={"all": True}).get_json() == {
        "marked": 2,
        "unread": 0,
    }


def test_marking_read_needs_ids_or_all(as_manager):
    r = as_manager.post("/api/notifications/read", json={})
    assert r.status_code == 422, r.get_json()
    assert errors_of(r) == {"ids": ["Give the ids to mark read, or all: true."]}


def test_signed_out_gets_401(api):
    assert api.get("/api/notifications").status_code == 401


def test_preferences_start_on_and_keep_what_is_not_given(as_engineer):
    prefs = as_engineer.get("/api/notifications/preferences").get_json()
    assert prefs["quiet_outside_shifts"] is False
    assert prefs["channels"]["sla_warning"] == {"in_app": True, "email": True, "push": True}
    r = as_engineer.put(
        "/api/notifications/preferences",
        json={"channels": {"issue_comment": {"push": False}}, "quiet_outside_shifts": True},
    )
    assert r.status_code == 200, r.get_json()
    prefs = as_engineer.get("/api/notifications/preferences").get_json()
    assert prefs["channels"]["issue_comment"] == {"in_app": True, "email": True, "push": False}
    assert prefs["quiet_outside_shifts"] is True


def test_preferences_refuse_an_unknown_kind(as_engineer):
    r = as_engineer.put("/api/notifications/preferences", json={"channels": {"gossip": {}}})
    assert r.status_code == 422


def test_in_app_off_leaves_the_kind_out_of_the_inbox(world, as_manager, as_engineer):
    r = as_manager.put(
        "/api/notifications/preferences", json={"channels": {"issue_comment": {"in_app": False}}}
    )
    assert r.status_code == 200
    issue = file_issue(as_manager, world.store)
    comment(as_engineer, issue["id"])
    assert notifications_of(as_manager) == {
        "items": [],
        "total": 0,
        "page": 1,
        "per_page": 50,
        "unread": 0,
    }


def test_each_committed_notification_is_signalled_after_the_commit(
    app, world, as_manager, as_admin
):
    from fieldops.extensions import db

    heard = []

    def receiver(sender, notification_id):
        # after the commit: the row can be read from a connection of its own
        with db.engine.connect() as conn:
            row = conn.execute(
                sa.text("SELECT kind FROM notifications WHERE id = :id"), {"id": notification_id}
            ).one()
        heard.append((notification_id, row[0]))

    issue = file_issue(as_manager, world.store)
    with notification_created.connected_to(receiver):
        triage(as_admin, issue["id"], assignee_id=world.engineer.id, status="acknowledged")
        refused = as_admin.patch(
            f"/api/issues/{issue['id']}", json={"status": "resolved", "version": 99}
        )
        assert refused.status_code == 409
    # the assignee (now a follower) and the reporter are told of the status; nothing of the 409
    assert sorted(kind for _, kind in heard) == ["assigned", "issue_status", "issue_status"]


def test_a_notification_of_a_savepoint_rolled_back_is_never_delivered(app, world, build):
    """An offline sync rolls back a rejected operation's savepoint and keeps the others."""
    from fieldops.extensions import db
    from fieldops.notifications import deliver_committed, notify

    issue = build.issue(world.store, world.manager)
    heard = []
    with (
        app.app_context(),
        notification_created.connected_to(
            lambda sender, notification_id: heard.append(notification_id)
        ),
    ):

        def tell(title):
            [n] = notify(
                [world.manager.id],
                "issue_comment",
                title=title,
                body="",
                link="/",
                issue_id=issue.id,
            )
            return n.id

        with pytest.raises(RuntimeError), db.session.begin_nested():
            tell("rejected")
            raise RuntimeError("the operation is refused")
        kept = tell("applied")
        db.session.commit()
        deliver_committed()
    assert heard == [kept]
