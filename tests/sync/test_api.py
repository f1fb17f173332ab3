"""POST /api/sync: queued operations applied once each, whatever the replays and races."""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from fieldops.hours.models import Closeout
from fieldops.issues.models import Issue, IssueComment
from fieldops.observations.models import Observation
from fieldops.sync.models import SyncReceipt
from fieldops.visits.models import Visit, VisitStatus
from tests.helpers import count, fetch, race


def op(kind: str, payload: dict, created_at: str = "2026-03-04T14:55:00+00:00", **kw) -> dict:
    return {
        "client_id": kw.get("client_id", str(uuid.uuid4())),
        "type": kind,
        "payload": payload,
        "created_at": created_at,
    }


@pytest.fixture
def visit(world, build):
    """world.engineer's visit to world.store, planned for 14:00 UTC."""
    return build.visit(world.store, world.engineer, datetime(2026, 3, 4, 14, tzinfo=UTC))


def sync(client, *operations) -> list[dict]:
    r = client.post("/api/sync", json={"operations": list(operations)})
    assert r.status_code == 200, r.get_json()
    return r.get_json()["results"]


def test_a_check_in_queued_offline_is_applied_at_its_device_time(
    now, app, world, visit, as_engineer
):
    client = as_engineer
    check_in = op("check_in", {"visit_id": visit.id, "latitude": 41.8781, "longitude": -87.6298})
    [result] = sync(client, check_in)
    assert result == {
        "client_id": check_in["client_id"],
        "status": "applied",
        "id": visit.id,
        "error": None,
        "current": None,
    }
    visit = fetch(app, Visit, visit.id)
    assert visit.status == VisitStatus.CHECKED_IN
    assert visit.checked_in_at == datetime(2026, 3, 4, 14, 55, tzinfo=UTC)  # created_at


def test_a_replayed_batch_changes_nothing(now, app, world, visit, as_engineer):
    client = as_engineer
    batch = [
        op("check_in", {"visit_id": visit.id}),
        op(
            "observation",
            {
                "store_id": world.store.id,
                "visit_id": visit.id,
                "category": "wifi",
                "fields": {"zone": "Showroom", "rssi_dbm": -70},
            },
        ),
        op(
            "issue_create",
            {
                "store_id": world.store.id,
                "category": "wifi",
                "severity": "high",
                "title": "AP down",
            },
        ),
    ]
    first = sync(client, *batch)
    assert [r["status"] for r in first] == ["applied"] * 3
    again = sync(client, *batch)
    assert [r["status"] for r in again] == ["duplicate"] * 3
    assert [r["id"] for r in again] == [r["id"] for r in first]
    assert (count(app, Observation), count(app, Issue), count(app, SyncReceipt)) == (1, 1, 3)


def test_the_same_client_id_through_the_plain_route_is_a_duplicate_too(
    now, app, world, as_engineer
):
    client = as_engineer
    body = {"store_id": world.store.id, "category": "general", "fields": {"text": "ok"}}
    queued = op("observation", body)
    [result] = sync(client, queued)
    r = client.post("/api/observations", json={**body, "client_id": queued["client_id"]})
    assert r.status_code == 200 and r.get_json()["id"] == result["id"]
    assert count(app, Observation) == 1


def test_one_bad_operation_does_not_stop_the_others(now, app, world, visit, as_engineer):
    client = as_engineer
    results = sync(
        client,
        op(
            "observation",
            {
                "store_id": world.store.id,
                "category": "wifi",
                "fields": {"zone": "Lot", "rssi_dbm": -150},
            },
        ),
        {"type": "check_in", "payload": {}},  # no client id, no time
        op("teleport", {}),
        op("check_in", {"visit_id": visit.id}),
    )
    assert [r["status"] for r in results] == ["rejected", "rejected", "rejected", "applied"]
    assert results[0]["error"]["code"] == 422
    assert results[0]["error"]["errors"] == {
        "fields": {
            "rssi_dbm": ["Must be greater than or equal to -120 and less than or equal to 0."]
        }
    }
    assert set(results[1]["error"]["errors"]) == {"client_id", "created_at"}
    assert "type" in results[2]["error"]["errors"]
    assert count(app, Observation) == 0 and count(app, SyncReceipt) == 1


def test_a_rejected_operation_can_be_fixed_and_sent_again_under_its_id(
    now, app, world, as_engineer
):
    client = as_engineer
    bad = op(
        "observation",
        {
            "store_id": world.store.id,
            "category": "paperwork",
            "fields": {"process": "contract", "pages": 5000},
        },
    )
    assert sync(client, bad)[0]["status"] == "rejected"
    bad["payload"]["fields"]["pages"] = 12
    assert sync(client, bad)[0]["status"] == "applied"


def test_a_stale_version_is_a_conflict_with_the_record_as_it_is(
    now, app, world, build, as_engineer
):
    issue = build.issue(world.store, world.engineer)
    client = as_engineer
    assert (
        client.patch(f"/api/issues/{issue.id}", json={"severity": "low", "version": 1}).status_code
        == 200
    )
    [result] = sync(
        client, op("issue_update", {"issue_id": issue.id, "status": "resolved", "version": 1})
    )
    assert result["status"] == "conflict" and result["error"]["code"] == 409
    assert result["current"]["severity"] == "low" and result["current"]["version"] == 2
    assert fetch(app, Issue, issue.id).status == "open"


def test_the_route_rules_hold_role_scope_and_own_visits(
    now, app, world, visit, as_other_engineer, as_cio, as_manager
):
    mine = as_other_engineer
    [result] = sync(mine, op("check_in", {"visit_id": visit.id, "at": "nonsense"}))
    assert result["status"] == "rejected" and result["error"]["code"] == 403  # before validation
    [result] = sync(mine, op("check_in", {"visit_id": 99999}))
    assert result["error"]["code"] == 404
    cio = as_cio
    [result] = sync(cio, op("issue_comment", {"issue_id": 1, "body": "hi"}))
    assert result["error"]["code"] == 403
    other_store = world.other_store
    manager = as_manager
    [result] = sync(
        manager,
        op(
            "issue_create",
            {"store_id": other_store.id, "category": "wifi", "severity": "low", "title": "x"},
        ),
    )
    assert result["error"]["code"] == 404  # another store's ids cannot be probed
    assert count(app, Issue) == 0


def test_a_closeout_queued_at_the_last_customers_leaving(now, app, world, as_manager):
    manager = as_manager
    # queued at 20:40 Chicago on 3 March, sent the next morning
    [result] = sync(
        manager,
        op("closeout", {"store_id": world.store.id}, created_at="2026-03-04T02:40:00+00:00"),
    )
    assert result["status"] == "applied"
    closeout = fetch(app, Closeout, result["id"])
    assert str(closeout.business_date) == "2026-03-03"
    assert closeout.last_customer_at.strftime("%H:%M") == "20:40"


def test_a_comment_and_the_check_out(now, app, world, visit, build, as_engineer):
    issue = build.issue(world.store, world.engineer)
    client = as_engineer
    results = sync(
        client,
        op("check_in", {"visit_id": visit.id}),
        op("issue_comment", {"issue_id": issue.id, "body": "Rebooted the switch"}),
        op(
            "check_out",
            {"visit_id": visit.id, "summary": "Done", "departments_met": ["sales"]},
            created_at="2026-03-04T14:58:00+00:00",
        ),
    )
    assert [r["status"] for r in results] == ["applied"] * 3
    assert fetch(app, Visit, visit.id).status == VisitStatus.COMPLETED
    assert count(app, IssueComment) == 1


def test_a_device_clock_ahead_is_taken_as_now(now, app, world, visit, as_engineer):
    client = as_engineer
    later = (now + timedelta(hours=3)).isoformat()
    [result] = sync(client, op("check_in", {"visit_id": visit.id}, created_at=later))
    assert result["status"] == "applied"
    assert fetch(app, Visit, visit.id).checked_in_at == now


def test_racing_replays_apply_once(now, app, world, visit, login):
    clients = [login(world.engineer) for _ in range(2)]
    batch = {"operations": [op("check_in", {"visit_id": visit.id})]}
    answers = race(clients, "/api/sync", batch)
    statuses = sorted(a.get_json()["results"][0]["status"] for a in answers)
    assert statuses == ["applied", "duplicate"]
    assert count(app, SyncReceipt) == 1


def test_sync_needs_a_session_and_the_csrf_token(now, api, app):
    r = api.post("/api/sync", json={"operations": []})
    assert r.status_code == 401 and r.is_json
    bare = app.test_client()
    assert bare.post("/api/sync", json={"operations": []}).status_code in (400, 401)


def test_too_many_operations_at_once(now, world, as_engineer):
    client = as_engineer
    r = client.post("/api/sync", json={"operations": [{}] * 501})
    assert r.status_code == 413 and "operations" in r.get_json()["errors"]


def test_an_operation_the_server_fails_on_is_refused_alone(
    now, app, world, visit, monkeypatch, as_engineer
):
    from fieldops.sync import services

    def broken(*_args):
        raise RuntimeError("a bug")  # not a database failure: this operation's own

    failing = dataclasses.replace(services.OPERATIONS["issue_comment"], apply=broken)
    monkeypatch.setitem(services.OPERATIONS, "issue_comment", failing)
    client = as_engineer
    issue = op(
        "issue_create",
        {
            "store_id": world.store.id,
            "category": "wifi",
            "severity": "high",
            "title": "Guest Wi-Fi down",
        },
    )
    comment = op("issue_comment", {"issue_id": 1, "body": "Rebooted"})
    results = sync(client, comment, op("check_in", {"visit_id": visit.id}), issue)
    assert [r["status"] for r in results] == ["rejected", "applied", "applied"]
    assert results[0]["error"]["code"] == 500 and "logged" in results[0]["error"]["message"]
    assert count(app, IssueComment) == 0 and count(app, Issue) == 1
    assert count(app, SyncReceipt) == 2  # the failed one can be sent again under its id


def test_a_value_the_database_refuses_stops_only_its_operation(now, app, world, visit, as_engineer):
    client = as_engineer
    nul = op(
        "issue_create",
        {"store_id": world.store.id, "category": "wifi", "severity": "high", "title": "A\x00B"},
    )
    results = sync(client, nul, op("check_in", {"visit_id": visit.id}))
    # PostgreSQL cannot store a NUL in text: refused, on both databases, naming the field.
    assert results[0]["status"] == "rejected"
    assert "title" in results[0]["error"]["errors"]
    assert results[1]["status"] == "applied"
    assert fetch(app, Visit, visit.id).status == VisitStatus.CHECKED_IN


PATH = re.compile(r"\b[a-z_]{2,}\.(?:\d+\.)?[a-z_]{2,}\b")  # fields.rssi_dbm, exceptions.0.date


def test_a_refusal_says_each_field_in_the_form_s_words_never_its_path(
    now, world, visit, as_engineer
):
    wifi = {"store_id": world.store.id, "category": "wifi", "fields": {"rssi_dbm": -150}}
    results = sync(
        as_engineer,
        op("observation", wifi),
        op("check_out", {"visit_id": visit.id}),
        op("issue_create", {"store_id": world.store.id}),
    )
    assert [r["status"] for r in results] == ["rejected"] * 3
    observation, check_out, issue = (r["error"] for r in results)
    assert observation["words"] == {
        "fields.rssi_dbm": ["Signal (dBm) must be between \u2212120 and 0."],
        "fields.zone": ["Zone is required."],
    }
    assert check_out["words"]["summary"] == ["Summary of the visit is required."]
    assert issue["words"]["title"] == ["Title is required."]
    for error in (observation, check_out, issue):
        said = [error["message"], *(s for sentences in error["words"].values() for s in sentences)]
        assert not any(PATH.search(text) for text in said), said
    assert observation["errors"]["fields"]["rssi_dbm"]  # the route's own answer is kept
