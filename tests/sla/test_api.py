"""Service-level policies over HTTP, and the `sla` block of issues as users meet it.

world.store is in Chicago, posted Mon-Sat 09:00-20:00; NOW is Wednesday 2026-03-04 09:00
CST (15:00 UTC).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from fieldops.audit.models import AuditEvent
from fieldops.extensions import db
from fieldops.hours.learning import hours_learned
from fieldops.hours.models import HoursBasis, RealHours
from fieldops.issues.models import Issue, IssueEvent
from fieldops.issues.service_levels import derive_issue

pytestmark = pytest.mark.usefixtures("now")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def iso(at: datetime) -> str:
    return at.isoformat()


def file(client, store, **extra):
    body = {"store_id": store.id, "category": "wifi", "severity": "high", "title": "AP down"}
    r = client.post("/api/issues", json={**body, **extra})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def learn_friday_until(app, store, closes: time) -> None:
    """The store's customers are learned to stay until `closes` on Fridays."""
    with app.app_context():
        db.session.merge(
            RealHours(
                store_id=store.id,
                weekday=4,
                opens=time(9),
                closes=closes,
                sample_days=8,
                confidence=0.9,
                basis=HoursBasis.OBSERVED,
            )
        )
        db.session.commit()


def test_every_signed_in_role_reads_the_documented_defaults(world, as_manager):
    r = as_manager.get("/api/sla-policies")
    assert r.status_code == 200
    assert [
        (p["severity"], p["response_minutes"], p["resolve_minutes"], p["clock"])
        for p in r.get_json()
    ] == [
        ("critical", 30, 240, "always"),
        ("high", 60, 480, "customer_hours"),
        ("medium", 240, 1440, "customer_hours"),
        ("low", 1440, 4800, "customer_hours"),
    ]


def test_an_admin_changes_a_policy_and_the_change_is_audited(app, world, as_admin, now):
    body = {"response_minutes": 45, "resolve_minutes": 600, "clock": "posted_hours"}
    r = as_admin.put("/api/sla-policies/high", json=body)
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {**body, "severity": "high", "updated_at": iso(now)}
    assert as_admin.get("/api/sla-policies").get_json()[1]["clock"] == "posted_hours"
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent)).one()
    assert event.action == "sla_policy.updated" and event.actor_id == world.admin.id
    assert event.details["changes"]["clock"] == {"from": "customer_hours", "to": "posted_hours"}


def test_a_bad_policy_names_each_field(world, as_admin):
    r = as_admin.put(
        "/api/sla-policies/high",
        json={"response_minutes": 0, "resolve_minutes": "soon", "clock": "sometimes"},
    )
    assert r.status_code == 422
    assert set(r.get_json()["errors"]) == {"response_minutes", "resolve_minutes", "clock"}
    r = as_admin.put("/api/sla-policies/high", json={})
    assert set(r.get_json()["errors"]) == {"response_minutes", "resolve_minutes", "clock"}


def test_only_admins_change_policies_of_known_severities(world, as_engineer, as_admin):
    body = {"response_minutes": 45, "resolve_minutes": 600, "clock": "always"}
    assert as_engineer.put("/api/sla-policies/high", json=body).status_code == 403
    assert as_admin.put("/api/sla-policies/urgent", json=body).status_code == 404


def test_an_issue_reported_before_closing_on_a_friday_counts_the_real_evening(
    app, world, as_manager, time_machine, now
):
    learn_friday_until(app, world.store, time(21, 30))
    time_machine.move_to(utc(2026, 3, 7, 1, 45), tick=False)  # Friday 19:45 CST
    issue = file(as_manager, world.store, reported_at="2026-03-07T01:30:00+00:00")
    assert issue["reported_at"] == "2026-03-07T01:30:00+00:00"
    assert issue["sla"] == {
        "policy": "high",
        "clock": "customer_hours",
        "reported_at": "2026-03-07T01:30:00+00:00",
        "paused": False,
        "response": {
            "due_at": "2026-03-07T02:30:00+00:00",  # Friday 20:30 CST
            "met_at": None,
            "state": "running",
            "remaining_minutes": 45,
        },
        "resolve": {
            "due_at": "2026-03-07T21:00:00+00:00",  # 120 on Friday, 360 on Saturday
            "met_at": None,
            "state": "running",
            "remaining_minutes": 465,
        },
    }
    listed = as_manager.get("/api/issues").get_json()["items"][0]
    assert listed["sla"] == issue["sla"]

    time_machine.move_to(utc(2026, 3, 7, 3, 0), tick=False)  # 21:00 CST: breached
    sla = as_manager.get(f"/api/issues/{issue['id']}").get_json()["sla"]
    assert sla["response"]["state"] == "breached"
    assert sla["response"]["remaining_minutes"] == -30


def test_reported_at_is_never_in_the_future_nor_too_far_back(world, as_manager, now):
    body = {"store_id": world.store.id, "category": "wifi", "severity": "high", "title": "x"}
    future = as_manager.post("/api/issues", json={**body, "reported_at": iso(now + timedelta(1))})
    assert future.status_code == 422
    assert "reported_at" in future.get_json()["errors"]
    old = as_manager.post("/api/issues", json={**body, "reported_at": iso(now - timedelta(91))})
    assert old.status_code == 422
    assert "reported_at" in old.get_json()["errors"]
    ok = as_manager.post("/api/issues", json={**body, "reported_at": iso(now - timedelta(90))})
    assert ok.status_code == 201
    ahead = {**body, "reported_at": iso(now + timedelta(minutes=1))}  # a phone clock ahead
    assert as_manager.post("/api/issues", json=ahead).get_json()["reported_at"] == iso(now)


def test_waiting_on_the_store_pauses_and_a_managers_comment_resumes(
    world, as_manager, as_engineer, time_machine, now
):
    issue = file(as_manager, world.store)  # Wednesday 09:00 CST
    time_machine.move_to(now + timedelta(minutes=20), tick=False)
    r = as_engineer.patch(f"/api/issues/{issue['id']}", json={"status": "waiting_on_store"})
    assert r.status_code == 200, r.get_json()
    sla = r.get_json()["sla"]
    assert sla["paused"] is True
    assert sla["response"]["state"] == "met"  # the engineer moved it off open
    assert sla["resolve"] == {
        "due_at": None,
        "met_at": None,
        "state": "paused",
        "remaining_minutes": 460,
    }
    assert [i["id"] for i in as_manager.get("/api/issues?open=true").get_json()["items"]] == [
        issue["id"]
    ]

    time_machine.move_to(now + timedelta(hours=3, minutes=20), tick=False)  # 12:20 CST
    r = as_manager.post(f"/api/issues/{issue['id']}/comments", json={"body": "Door is open now"})
    assert r.status_code == 201
    shown = as_manager.get(f"/api/issues/{issue['id']}").get_json()
    assert shown["status"] == "in_progress"
    assert shown["sla"]["paused"] is False
    # 460 left from 12:20 CST: Wednesday ends 20:00 (460 exactly): due 20:00 CST
    assert shown["sla"]["resolve"]["due_at"] == "2026-03-05T02:00:00+00:00"


def test_a_manager_may_answer_an_issue_waiting_on_the_store(world, as_manager, as_engineer):
    issue = file(as_manager, world.store)
    url = f"/api/issues/{issue['id']}"
    assert as_manager.patch(url, json={"status": "in_progress"}).status_code == 403
    assert as_manager.patch(url, json={"status": "waiting_on_store"}).status_code == 403
    as_engineer.patch(url, json={"status": "waiting_on_store"})
    r = as_manager.patch(url, json={"status": "in_progress"})
    assert r.status_code == 200 and r.get_json()["status"] == "in_progress"


def test_a_reporters_own_comment_is_no_response(world, as_engineer, as_admin, time_machine, now):
    issue = file(as_engineer, world.store)
    time_machine.move_to(now + timedelta(minutes=10), tick=False)
    as_engineer.post(f"/api/issues/{issue['id']}/comments", json={"body": "Still down"})
    sla = as_engineer.get(f"/api/issues/{issue['id']}").get_json()["sla"]
    assert sla["response"]["state"] == "running"
    time_machine.move_to(now + timedelta(minutes=15), tick=False)
    as_admin.post(f"/api/issues/{issue['id']}/comments", json={"body": "On it"})
    sla = as_engineer.get(f"/api/issues/{issue['id']}").get_json()["sla"]
    assert sla["response"]["met_at"] == iso(now + timedelta(minutes=15))


def test_a_changed_policy_moves_open_issues_due_times_keeping_elapsed_minutes(
    app, world, as_manager, as_admin, time_machine, now
):
    issue = file(as_manager, world.store)  # high, Wednesday 09:00 CST
    done = file(as_manager, world.store)
    as_admin.patch(f"/api/issues/{done['id']}", json={"status": "resolved"})
    time_machine.move_to(now + timedelta(minutes=30), tick=False)
    body = {"response_minutes": 120, "resolve_minutes": 480, "clock": "customer_hours"}
    assert as_admin.put("/api/sla-policies/high", json=body).status_code == 200
    sla = as_manager.get(f"/api/issues/{issue['id']}").get_json()["sla"]
    assert sla["response"]["due_at"] == "2026-03-04T17:00:00+00:00"  # 11:00 CST
    history = as_manager.get(f"/api/issues/{issue['id']}/history").get_json()["items"]
    assert [h["old_value"] for h in history if h["field"] == "sla_checkpoint"] == ["policy"]
    untouched = as_manager.get(f"/api/issues/{done['id']}").get_json()["sla"]
    assert untouched["response"]["state"] == "met"
    assert untouched["response"]["due_at"] == "2026-03-04T16:00:00+00:00"
    with app.app_context():
        assert_cache_is_fresh(issue["id"], now + timedelta(minutes=30))


def test_learned_hours_that_change_checkpoint_what_elapsed(app, world, as_manager, time_machine):
    # Friday 2026-03-06 19:30 CST, medium: posted hours end at 20:00
    time_machine.move_to(utc(2026, 3, 7, 1, 30), tick=False)
    issue = file(as_manager, world.store, severity="medium")
    assert issue["sla"]["response"]["due_at"] == "2026-03-07T18:30:00+00:00"  # Sat 12:30 CST
    at = utc(2026, 3, 7, 1, 50)  # 19:50 CST: 20 min elapsed; customers now learned till 22:00
    time_machine.move_to(at, tick=False)
    learn_friday_until(app, world.store, time(22))
    with app.app_context():
        hours_learned.send(store_ids={world.store.id}, now=at)
        db.session.commit()
    shown = as_manager.get(f"/api/issues/{issue['id']}").get_json()
    # 220 left from 19:50 CST: 130 until 22:00, then 90 on Saturday: 10:30 CST
    assert shown["sla"]["response"]["due_at"] == "2026-03-07T16:30:00+00:00"
    with app.app_context():
        checkpoint = db.session.scalars(
            sa.select(IssueEvent).where(IssueEvent.field == "sla_checkpoint")
        ).one()
        assert checkpoint.old_value == "hours"
        assert checkpoint.detail["response_elapsed"] == 20 * 60
        assert_cache_is_fresh(issue["id"], at)


def test_a_severity_change_and_an_offline_issue(app, world, as_engineer, time_machine, now):
    created = now - timedelta(minutes=40)  # filed offline at 08:20 CST, sent at 09:00
    r = as_engineer.post(
        "/api/sync",
        json={
            "operations": [
                {
                    "client_id": str(uuid.uuid4()),
                    "type": "issue_create",
                    "created_at": iso(created),
                    "payload": {
                        "store_id": world.store.id,
                        "category": "wifi",
                        "severity": "medium",
                        "title": "AP down",
                    },
                }
            ]
        },
    )
    [result] = r.get_json()["results"]
    assert result["status"] == "applied", result
    issue = as_engineer.get(f"/api/issues/{result['id']}").get_json()
    assert issue["reported_at"] == iso(created)
    # before 09:00 nothing counts: 240 min from 09:00 CST
    assert issue["sla"]["response"]["due_at"] == "2026-03-04T19:00:00+00:00"

    time_machine.move_to(now + timedelta(minutes=30), tick=False)  # 09:30 CST: high
    r = as_engineer.patch(f"/api/issues/{issue['id']}", json={"severity": "high"})
    sla = r.get_json()["sla"]
    assert sla["policy"] == "high"
    assert sla["response"]["due_at"] == "2026-03-04T16:00:00+00:00"  # 30 left: 10:00 CST
    assert sla["resolve"]["due_at"] == "2026-03-04T23:00:00+00:00"  # 450 left: 17:00 CST
    with app.app_context():
        assert_cache_is_fresh(issue["id"], now + timedelta(minutes=30))


def test_a_reopened_issue_resumes_its_resolution_clock(
    app, world, as_manager, as_engineer, time_machine, now
):
    issue = file(as_manager, world.store)  # Wednesday 09:00 CST
    time_machine.move_to(now + timedelta(minutes=40), tick=False)
    as_engineer.patch(f"/api/issues/{issue['id']}", json={"status": "resolved"})
    time_machine.move_to(now + timedelta(hours=5), tick=False)  # 14:00 CST
    r = as_manager.patch(f"/api/issues/{issue['id']}", json={"status": "open"})
    sla = r.get_json()["sla"]
    assert sla["response"] == {
        "due_at": "2026-03-04T16:00:00+00:00",
        "met_at": "2026-03-04T15:40:00+00:00",
        "state": "met",
        "remaining_minutes": 20,
    }
    # 440 left from 14:00 CST: 360 on Wednesday, 80 on Thursday: 10:20 CST
    assert sla["resolve"]["due_at"] == "2026-03-05T16:20:00+00:00"
    assert sla["resolve"]["state"] == "running"
    with app.app_context():
        assert_cache_is_fresh(issue["id"], now + timedelta(hours=5))


def assert_cache_is_fresh(issue_id: int, at: datetime) -> None:
    """The due times cached on the issue are those of a computation from scratch."""
    issue = db.session.get(Issue, issue_id)
    fresh = derive_issue(issue, at)
    assert (issue.response_due_at, issue.resolve_due_at) == (
        fresh.response.due_at,
        fresh.resolve.due_at,
    )
    assert issue.sla["response"] == fresh.response.as_json()
    assert issue.sla["resolve"] == fresh.resolve.as_json()


def test_an_offline_comment_responds_at_the_phones_time(
    world, as_manager, as_engineer, now, time_machine
):
    issue = file(as_manager, world.store)  # Wednesday 09:00 CST
    time_machine.move_to(now + timedelta(hours=2), tick=False)  # sent at 11:00 CST
    r = as_engineer.post(
        "/api/sync",
        json={
            "operations": [
                {
                    "client_id": str(uuid.uuid4()),
                    "type": "issue_comment",
                    "created_at": iso(now + timedelta(minutes=25)),  # written at 09:25 CST
                    "payload": {"issue_id": issue["id"], "body": "On my way"},
                },
                {
                    "client_id": str(uuid.uuid4()),
                    "type": "issue_comment",
                    "created_at": iso(now - timedelta(hours=1)),  # a phone clock before the report
                    "payload": {"issue_id": issue["id"], "body": "Earlier?"},
                },
            ]
        },
    )
    assert [x["status"] for x in r.get_json()["results"]] == ["applied", "applied"]
    sla = as_manager.get(f"/api/issues/{issue['id']}").get_json()["sla"]
    # the second comment counts no earlier than the report: at 09:00 CST
    assert sla["response"]["met_at"] == iso(now)
    assert sla["response"]["state"] == "met"
