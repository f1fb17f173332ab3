"""Who is told of what: assignments, comments and status changes of followed issues, visits
planned or changed; never of one's own action, never of an issue one may not see."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fieldops.notifications import notify
from tests.notifications.conftest import comment, file_issue, kinds_of, notifications_of, triage

pytestmark = pytest.mark.usefixtures("now")


def test_an_assignment_tells_the_assignee_not_the_admin_who_made_it(
    world, as_manager, as_admin, as_engineer
):
    issue = file_issue(as_manager, world.store, title="Printer jams")
    triage(as_admin, issue["id"], assignee_id=world.engineer.id)

    told = notifications_of(as_engineer)
    assert told["unread"] == 1 and told["total"] == 1
    [n] = told["items"]
    assert n["kind"] == "assigned" and n["title"] == "Assigned to you: Printer jams"
    assert n["link"] == f"/issues/{issue['id']}" and n["issue_id"] == issue["id"]
    assert n["read_at"] is None
    assert kinds_of(as_admin) == []
    assert kinds_of(as_manager) == []  # the reporter follows, but an assignment is no news


def test_taking_an_issue_yourself_tells_you_nothing(world, as_manager, as_engineer):
    issue = file_issue(as_manager, world.store)
    triage(as_engineer, issue["id"], assignee_id=world.engineer.id)
    assert kinds_of(as_engineer) == []


def test_a_comment_tells_the_followers_but_not_its_author(world, as_manager, as_admin, as_engineer):
    issue = file_issue(as_manager, world.store)
    triage(as_admin, issue["id"], assignee_id=world.engineer.id)  # the assignee now follows
    comment(as_engineer, issue["id"], "Replacing the access point at 14:00.")

    [n] = notifications_of(as_manager)["items"]
    assert n["kind"] == "issue_comment"
    assert "Replacing the access point at 14:00." in n["body"]
    assert kinds_of(as_engineer) == ["assigned"]  # not their own comment
    assert kinds_of(as_admin) == []  # the admin does not follow it


def test_a_status_change_tells_the_followers_but_not_who_made_it(
    world, as_manager, as_admin, as_engineer
):
    issue = file_issue(as_manager, world.store, title="Scanner offline")
    triage(as_admin, issue["id"], assignee_id=world.engineer.id)
    triage(as_engineer, issue["id"], status="in_progress")

    [n] = notifications_of(as_manager)["items"]
    assert n["kind"] == "issue_status" and n["title"] == "In progress: Scanner offline"
    assert "from open to in progress" in n["body"]
    assert kinds_of(as_engineer) == ["assigned"]


def test_following_and_unfollowing_an_issue(world, as_manager, as_cio, as_engineer):
    issue = file_issue(as_manager, world.store)
    url = f"/api/issues/{issue['id']}/follow"
    assert as_cio.get(url).get_json() == {"following": False}
    assert as_manager.get(url).get_json() == {"following": True}  # the reporter follows

    assert as_cio.put(url).get_json() == {"following": True}
    comment(as_engineer, issue["id"], "first")
    assert kinds_of(as_cio) == ["issue_comment"]

    assert as_cio.delete(url).get_json() == {"following": False}
    comment(as_engineer, issue["id"], "second")
    assert kinds_of(as_cio) == ["issue_comment"]


def test_a_manager_may_not_follow_another_stores_issue(world, as_manager, as_other_manager):
    issue = file_issue(as_manager, world.store)
    assert as_other_manager.put(f"/api/issues/{issue['id']}/follow").status_code == 404


def test_a_manager_is_only_told_of_issues_they_may_see(
    app, world, build, as_manager, as_other_manager
):
    issue = build.issue(world.store, world.manager)
    with app.app_context():
        from fieldops.extensions import db

        told = notify(
            [world.manager.id, world.other_manager.id, world.admin.id],
            "sla_breach",
            title="Breached: Wi-Fi down",
            body="The resolution target was missed.",
            link=f"/issues/{issue.id}",
            issue_id=issue.id,
            critical=True,
        )
        assert sorted(n.recipient_id for n in told) == sorted([world.manager.id, world.admin.id])
        db.session.commit()
    assert kinds_of(as_manager) == ["sla_breach"]
    assert kinds_of(as_other_manager) == []


def test_notify_refuses_an_unknown_kind(ctx):
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notify([1], "gossip", title="t", body="b", link="/")


def test_a_visit_planned_for_an_engineer_tells_them(world, as_admin, as_engineer, now):
    start = now + timedelta(days=2)
    r = as_admin.post(
        "/api/visits",
        json={
            "store_id": world.store.id,
            "engineer_id": world.engineer.id,
            "planned_start": start.isoformat(),
        },
    )
    assert r.status_code == 201, r.get_json()
    visit = r.get_json()
    [n] = notifications_of(as_engineer)["items"]
    assert n["kind"] == "visit_planned" and n["visit_id"] == visit["id"]
    # Friday 6 March 2026, 09:00 in Chicago (CST)
    assert n["title"] == "Visit planned: Alpha Motors, Fri 06 Mar 09:00 CST"
    assert n["link"] == f"/visits/{visit['id']}"
    assert kinds_of(as_admin) == []


def test_a_rescheduled_or_cancelled_visit_tells_its_engineer(
    world, build, as_admin, as_engineer, now
):
    visit = build.visit(world.store, world.engineer, start=now + timedelta(days=1))
    r = as_admin.patch(
        f"/api/visits/{visit.id}",
        json={"planned_start": (now + timedelta(days=3)).isoformat(), "version": visit.version},
    )
    assert r.status_code == 200, r.get_json()
    r = as_admin.post(f"/api/visits/{visit.id}/cancel", json={"version": r.get_json()["version"]})
    assert r.status_code == 200, r.get_json()
    titles = [n["title"] for n in notifications_of(as_engineer)["items"]]
    assert titles == [
        "Visit cancelled: Alpha Motors, Sat 07 Mar 09:00 CST",
        "Visit changed: Alpha Motors, Sat 07 Mar 09:00 CST",
    ]


def test_a_reassigned_visit_tells_both_engineers(
    world, build, as_admin, as_engineer, as_other_engineer, now
):
    visit = build.visit(world.store, world.engineer, start=now + timedelta(days=1))
    r = as_admin.patch(
        f"/api/visits/{visit.id}",
        json={"engineer_id": world.other_engineer.id, "version": visit.version},
    )
    assert r.status_code == 200, r.get_json()
    assert kinds_of(as_engineer) == ["visit_changed"]
    assert kinds_of(as_other_engineer) == ["visit_planned"]


def test_an_offline_comment_tells_the_followers_when_it_arrives(
    world, smtp, as_manager, as_engineer
):
    issue = file_issue(as_manager, world.store, title="Tablet will not charge")
    r = as_engineer.post(
        "/api/sync",
        json={
            "operations": [
                {
                    "client_id": "0b6c7a4e-7a43-4b7e-9a52-7b0f5f0c1d11",
                    "type": "issue_comment",
                    "payload": {"issue_id": issue["id"], "body": "New cable on its way."},
                    "created_at": "2026-03-04T14:55:00+00:00",
                },
                {
                    "client_id": "0b6c7a4e-7a43-4b7e-9a52-7b0f5f0c1d12",
                    "type": "issue_update",
                    "payload": {"issue_id": issue["id"], "status": "resolved", "version": 99},
                    "created_at": "2026-03-04T14:56:00+00:00",
                },
            ]
        },
    )
    assert r.status_code == 200, r.get_json()
    assert [o["status"] for o in r.get_json()["results"]] == ["applied", "conflict"]
    assert kinds_of(as_manager) == ["issue_comment"]  # nothing of the refused change
    [(recipients, mail)] = smtp.mails
    assert recipients == [world.manager.email]
    assert mail["Subject"] == "[FieldOps] New comment: Tablet will not charge"
