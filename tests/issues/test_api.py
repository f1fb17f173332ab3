"""/api/issues: filing, finding, triage with history, comments, client ids and versions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from fieldops.issues.models import Issue, IssueComment, IssueStatus, Severity
from tests.helpers import count, errors_of, fetch, new_client_id, race

pytestmark = pytest.mark.usefixtures("now")  # time frozen before the world is built


def issue_body(store, **extra: Any) -> dict[str, Any]:
    return {
        "store_id": store.id,
        "category": "wifi",
        "severity": "high",
        "title": "Guest Wi-Fi down in the showroom",
        "description": "Customers cannot sign the e-contract.",
        **extra,
    }


def test_manager_files_an_issue_for_their_store(world, as_manager, now):
    r = as_manager.post("/api/issues", json=issue_body(world.store))
    assert r.status_code == 201, r.get_json()
    issue = r.get_json()
    assert issue["status"] == "open" and issue["version"] == 1
    assert issue["reporter_id"] == world.manager.id
    assert issue["store"]["id"] == world.store.id
    assert [(h["field"], h["new_value"], h["actor_id"]) for h in issue["history"]] == [
        ("created", "open", world.manager.id)
    ]
    assert issue["history"][0]["at"] == now.isoformat()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"category": "plumbing"}, "category"),
        ({"severity": "urgent"}, "severity"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"store_id": None}, "store_id"),
        ({"client_id": "123"}, "client_id"),
        ({"status": "closed"}, "status"),
    ],
)
def test_bad_issue_is_refused_naming_the_field(app, world, as_engineer, change, field):
    r = as_engineer.post("/api/issues", json={**issue_body(world.store), **change})
    assert r.status_code == 422 and field in errors_of(r), r.get_json()
    assert count(app, Issue) == 0


def test_issue_for_an_unknown_store_is_404(app, world, as_engineer):
    r = as_engineer.post("/api/issues", json=issue_body(world.store, store_id=999999))
    assert r.status_code == 404 and "store_id" in errors_of(r)
    assert as_engineer.get("/api/issues/999999").status_code == 404


def test_list_filters(world, as_engineer, build):
    other = build.store()
    wifi = build.issue(world.store, world.manager, severity=Severity.LOW)
    printer = build.issue(
        world.store,
        world.manager,
        category="hardware",
        severity=Severity.CRITICAL,
        status=IssueStatus.IN_PROGRESS,
        assignee_id=world.engineer.id,
    )
    closed = build.issue(other, world.engineer, status=IssueStatus.CLOSED)
    client = as_engineer

    def ids(query: str) -> list[int]:
        r = client.get(f"/api/issues?{query}")
        assert r.status_code == 200, r.get_json()
        return sorted(i["id"] for i in r.get_json()["items"])

    assert ids(f"store_id={world.store.id}") == sorted([wifi.id, printer.id])
    assert ids("status=closed") == [closed.id]
    assert ids("category=hardware") == [printer.id]
    assert ids("severity=low") == [wifi.id]
    assert ids("assignee=me") == [printer.id]
    assert ids("assignee=none") == sorted([wifi.id, closed.id])
    assert ids("open=true") == sorted([wifi.id, printer.id])
    assert ids("open=false") == [closed.id]
    body = client.get("/api/issues?sort=-severity").get_json()
    assert [i["severity"] for i in body["items"]] == ["critical", "high", "low"]
    for bad in ("status=done", "category=plumbing", "assignee=somebody"):
        r = client.get(f"/api/issues?{bad}")
        assert r.status_code == 422 and bad.split("=")[0] in errors_of(r)


def test_list_text_search_and_sorts(world, as_engineer, build):
    alpha = build.issue(world.store, world.manager, title="Printer jams", severity=Severity.LOW)
    bravo = build.issue(
        world.other_store, world.manager, title="Router", description="100% PACKET loss"
    )

    def ids(query: str) -> list[int]:
        r = as_engineer.get(f"/api/issues?{query}")
        assert r.status_code == 200, r.get_json()
        return [i["id"] for i in r.get_json()["items"]]

    assert ids("q=packet") == [bravo.id]
    assert ids("q=100%25") == [bravo.id]  # a literal %
    assert ids("q=PRINTER&sort=store") == [alpha.id]
    assert ids("sort=store") == [alpha.id, bravo.id]  # Alpha Motors, Bravo Motors
    assert ids("sort=-store") == [bravo.id, alpha.id]
    assert ids("sort=-severity") == [bravo.id, alpha.id]  # high before low
    r = as_engineer.get("/api/issues?q=" + "x" * 201)
    assert r.status_code == 422 and "q" in errors_of(r)
    r = as_engineer.get("/api/issues?sort=store_name")
    assert r.status_code == 422 and "sort" in errors_of(r)


# --- triage and history -------------------------------------------------------------


def test_triage_records_who_changed_what_and_when(
    world, as_engineer, as_admin, as_manager, build, now, time_machine
):
    issue = build.issue(world.store, world.manager)
    client = as_engineer
    time_machine.move_to(now + timedelta(minutes=5), tick=False)
    r = client.patch(
        f"/api/issues/{issue.id}",
        json={
            "status": "in_progress",
            "assignee_id": world.engineer.id,
            "severity": "critical",
            "version": 1,
        },
    )
    assert r.status_code == 200, r.get_json()
    changed = r.get_json()
    assert changed["status"] == "in_progress" and changed["severity"] == "critical"
    assert changed["assignee"]["id"] == world.engineer.id
    assert changed["acknowledged_at"] == (now + timedelta(minutes=5)).isoformat()
    assert changed["version"] == 2

    time_machine.move_to(now + timedelta(minutes=30), tick=False)
    r = as_admin.patch(f"/api/issues/{issue.id}", json={"status": "resolved"})
    assert r.get_json()["resolved_at"] == (now + timedelta(minutes=30)).isoformat()

    history = as_manager.get(f"/api/issues/{issue.id}/history").get_json()
    assert history["total"] == 5  # the new severity's service level starts with a checkpoint
    checkpoint = history["items"][0]
    assert (checkpoint["field"], checkpoint["old_value"]) == ("sla_checkpoint", "severity")
    assert [
        (h["field"], h["old_value"], h["new_value"], h["actor"]["name"], h["at"])
        for h in history["items"][1:]
    ] == [
        (
            "status",
            "open",
            "in_progress",
            "Eddie Engineer",
            (now + timedelta(minutes=5)).isoformat(),
        ),
        (
            "assignee",
            None,
            "Eddie Engineer",
            "Eddie Engineer",
            (now + timedelta(minutes=5)).isoformat(),
        ),
        (
            "severity",
            "high",
            "critical",
            "Eddie Engineer",
            (now + timedelta(minutes=5)).isoformat(),
        ),
        (
            "status",
            "in_progress",
            "resolved",
            "Ada Admin",
            (now + timedelta(minutes=30)).isoformat(),
        ),
    ]


def test_an_update_that_changes_nothing_adds_no_history(world, as_engineer, build):
    issue = build.issue(world.store, world.manager, severity=Severity.HIGH)
    r = as_engineer.patch(f"/api/issues/{issue.id}", json={"severity": "high"})
    assert r.status_code == 200 and r.get_json()["version"] == 1
    assert r.get_json()["history"] == []


def test_manager_closes_and_reopens_their_issue(world, as_manager, build):
    issue = build.issue(world.store, world.manager, status=IssueStatus.RESOLVED)
    r = as_manager.patch(f"/api/issues/{issue.id}", json={"status": "closed"})
    assert r.status_code == 200 and r.get_json()["closed_at"] is not None
    r = as_manager.patch(f"/api/issues/{issue.id}", json={"status": "open"})
    assert r.status_code == 200
    reopened = r.get_json()
    assert reopened["status"] == "open"
    assert reopened["closed_at"] is None and reopened["resolved_at"] is None


@pytest.mark.parametrize(
    "change",
    [{"status": "in_progress"}, {"severity": "low"}, {"assignee_id": None}, {"status": "resolved"}],
)
def test_manager_may_do_nothing_else(app, world, as_manager, build, change):
    issue = build.issue(world.store, world.manager)
    r = as_manager.patch(f"/api/issues/{issue.id}", json=change)
    assert r.status_code == 403
    stored = fetch(app, Issue, issue.id)
    assert (stored.status, stored.severity, stored.version) == (IssueStatus.OPEN, Severity.HIGH, 1)


@pytest.mark.parametrize(
    "change, field, status",
    [
        ({"status": "fixed"}, "status", 422),
        ({"severity": "urgent"}, "severity", 422),
        ({"assignee_id": "bob"}, "assignee_id", 422),
        ({"assignee_id": 999999}, "assignee_id", 404),
        ({"title": "new title"}, "title", 422),
    ],
)
def test_bad_update_is_refused_and_changes_nothing(
    app, world, as_engineer, build, change, field, status
):
    issue = build.issue(world.store, world.manager)
    r = as_engineer.patch(f"/api/issues/{issue.id}", json=change)
    assert r.status_code == status and field in errors_of(r), r.get_json()
    stored = fetch(app, Issue, issue.id)
    assert (stored.status, stored.assignee_id, stored.version) == (IssueStatus.OPEN, None, 1)


def test_issues_go_to_engineers_or_admins_only(world, as_admin, build):
    issue = build.issue(world.store, world.manager)
    r = as_admin.patch(f"/api/issues/{issue.id}", json={"assignee_id": world.manager.id})
    assert r.status_code == 422 and "assignee_id" in errors_of(r)
    r = as_admin.patch(f"/api/issues/{issue.id}", json={"assignee_id": world.admin.id})
    assert r.status_code == 200


def test_stale_version_is_409_with_the_current_issue_and_changes_nothing(
    app, world, as_admin, as_engineer, build
):
    issue = build.issue(world.store, world.manager)
    first = as_admin.patch(f"/api/issues/{issue.id}", json={"status": "acknowledged", "version": 1})
    assert first.get_json()["version"] == 2
    r = as_engineer.patch(f"/api/issues/{issue.id}", json={"severity": "low", "version": 1})
    assert r.status_code == 409
    current = r.get_json()["current"]
    assert current["version"] == 2 and current["status"] == "acknowledged"
    assert current["severity"] == "high"
    stored = fetch(app, Issue, issue.id)
    assert (stored.severity, stored.version) == (Severity.HIGH, 2)
    assert len(as_admin.get(f"/api/issues/{issue.id}/history").get_json()["items"]) == 1


# --- comments -----------------------------------------------------------------------


def test_comment_is_listed_and_in_the_history(world, as_engineer, as_manager, build):
    issue = build.issue(world.store, world.manager)
    r = as_engineer.post(f"/api/issues/{issue.id}/comments", json={"body": "  On my way  "})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["body"] == "On my way"
    assert r.get_json()["author"]["name"] == "Eddie Engineer"
    comments = as_manager.get(f"/api/issues/{issue.id}/comments").get_json()
    assert [c["body"] for c in comments["items"]] == ["On my way"]
    detail = as_manager.get(f"/api/issues/{issue.id}").get_json()
    assert [c["body"] for c in detail["comments"]] == ["On my way"]
    assert [(h["field"], h["new_value"]) for h in detail["history"]] == [("comment", "On my way")]
    assert detail["version"] == 1  # a comment does not make the triage version stale


@pytest.mark.parametrize(
    "payload", [{}, {"body": ""}, {"body": " \n "}, {"body": "ok", "client_id": "x"}]
)
def test_bad_comment_is_refused(app, world, as_engineer, build, payload):
    issue = build.issue(world.store, world.manager)
    r = as_engineer.post(f"/api/issues/{issue.id}/comments", json=payload)
    assert r.status_code == 422 and errors_of(r)
    assert count(app, IssueComment) == 0


def test_comment_on_an_unknown_issue_is_404(as_engineer):
    r = as_engineer.post("/api/issues/999999/comments", json={"body": "hello"})
    assert r.status_code == 404


# --- client ids ---------------------------------------------------------------------


def test_repeated_issue_client_id_answers_the_original(app, world, as_manager):
    payload = issue_body(world.store, client_id=new_client_id())
    first = as_manager.post("/api/issues", json=payload)
    again = as_manager.post("/api/issues", json={**payload, "title": "retried"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert count(app, Issue) == 1


def test_repeated_comment_client_id_answers_the_original(app, world, as_engineer, build):
    issue = build.issue(world.store, world.manager)
    payload = {"body": "Rebooted the controller", "client_id": new_client_id()}
    url = f"/api/issues/{issue.id}/comments"
    first = as_engineer.post(url, json=payload)
    again = as_engineer.post(url, json=payload)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert count(app, IssueComment) == 1
    history = as_engineer.get(f"/api/issues/{issue.id}/history").get_json()
    assert history["total"] == 1


def test_racing_issue_repeats_create_exactly_one(app, world, login):
    clients = [login(world.manager) for _ in range(2)]
    answers = race(clients, "/api/issues", issue_body(world.store, client_id=new_client_id()))
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert answers[0].get_json()["id"] == answers[1].get_json()["id"]
    assert count(app, Issue) == 1


def test_racing_comment_repeats_create_exactly_one(app, world, build, login):
    issue = build.issue(world.store, world.manager)
    clients = [login(world.engineer) for _ in range(2)]
    payload = {"body": "Same comment", "client_id": new_client_id()}
    answers = race(clients, f"/api/issues/{issue.id}/comments", payload)
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert answers[0].get_json()["id"] == answers[1].get_json()["id"]
    assert count(app, IssueComment) == 1


def test_racing_triage_with_the_same_version_one_wins_one_gets_409(
    app, world, as_admin, build, login
):
    issue = build.issue(world.store, world.manager)
    clients = [login(world.engineer), login(world.admin)]
    answers = race(
        clients, f"/api/issues/{issue.id}", {"status": "acknowledged", "version": 1}, "patch"
    )
    assert sorted(a.status_code for a in answers) == [200, 409], [a.get_json() for a in answers]
    loser = next(a for a in answers if a.status_code == 409).get_json()
    assert loser["current"]["version"] == 2
    assert len(as_admin.get(f"/api/issues/{issue.id}/history").get_json()["items"]) == 1
