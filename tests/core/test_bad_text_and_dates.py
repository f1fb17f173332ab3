"""Bad input answers 4xx, never 500: NUL bytes in text, instants and dates out of range.

PostgreSQL cannot store a NUL in text and SQLite cannot compare one sensibly; dates
before 1900 or after 2199 overflowed when turned into store-local time. Both are refused
with 422 naming the field, on both databases.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from fieldops.issues.models import Issue, IssueComment
from fieldops.observations.models import Observation
from fieldops.visits.models import Visit
from tests.helpers import count, errors_of

NUL = "a\x00b"
FAR = "9999-12-31T22:00:00Z"
YEAR_ONE = "0001-01-01T00:00:00Z"


@pytest.fixture
def records(world, build):
    """A visit of world.engineer and an issue filed by world.manager, both at world.store."""
    return SimpleNamespace(
        visit=build.visit(world.store, world.engineer, datetime(2026, 3, 4, 14, tzinfo=UTC)),
        issue=build.issue(world.store, world.manager),
    )


def issue_body(store_id: int, **kw) -> dict:
    return {"store_id": store_id, "category": "wifi", "severity": "high", "title": "Down", **kw}


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/stores?q=a%00b", "q"),
        ("/api/users?q=%00", "q"),
        ("/api/coverage?region=x%00", "region"),
        ("/api/stores?region%00=x", "region\\u0000"),
    ],
)
def test_a_nul_in_a_query_is_refused(as_admin, url, field):
    r = as_admin.get(url)
    assert r.status_code == 422, r.get_json()
    assert field in errors_of(r)


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/issues", lambda w: issue_body(w.store.id, title=NUL), "title"),
        ("/api/issues", lambda w: issue_body(w.store.id, description=NUL), "description"),
        ("/api/issues/{issue}/comments", lambda w: {"body": NUL}, "body"),
        (
            "/api/observations",
            lambda w: {"store_id": w.store.id, "category": "general", "fields": {"text": NUL}},
            "fields.text",
        ),
        (
            "/api/observations",
            lambda w: {"store_id": w.store.id, "category": "general", "fields": {NUL: "x"}},
            "fields",
        ),
    ],
)
def test_a_nul_in_a_body_is_refused_and_nothing_is_kept(
    app, as_admin, world, records, url, body, field
):
    path = url.format(issue=records.issue.id, store=world.store.id)
    r = as_admin.post(path, json=body(world))
    assert r.status_code == 422, r.get_json()
    errors = errors_of(r)
    for part in field.split("."):
        errors = errors[part]
    assert errors
    assert count(app, Issue) == 1
    assert count(app, IssueComment) == 0
    assert count(app, Observation) == 0


def test_a_signal_row_with_a_nul_is_rejected_on_its_own(now, app, as_admin, world, records):
    row = {"source": "wifi_session", "start": "2026-03-04T14:00:00Z", "end": "2026-03-04T14:10:00Z"}
    rows = [row | {"device": NUL}, row | {"device": "aa:01"}]
    r = as_admin.post(f"/api/stores/{world.store.id}/signals", json={"signals": rows})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["accepted"] == 1
    assert [row["index"] for row in body["rejected"]] == [0]
    assert "device: Must not contain a NUL character" in body["rejected"][0]["error"]


def test_a_nul_in_the_login_email_is_refused(api, world):
    user = world.admin
    r = api.login(user.email + "\x00")
    assert r.status_code == 422
    assert "email" in errors_of(r)


def test_a_nul_in_a_form_is_refused(app, world, records, browser_as_admin):
    browser = browser_as_admin
    r = browser.submit(
        "/issues/new",
        {"store_id": world.store.id, "category": "wifi", "severity": "high", "title": NUL},
    )
    assert r.status_code == 422
    assert "title" in r.get_data(as_text=True)
    assert count(app, Issue) == 1


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("post", "/api/visits", {"planned_start": FAR}, "planned_start"),
        ("post", "/api/visits", {"planned_start": YEAR_ONE}, "planned_start"),
        (
            "post",
            "/api/visits",
            {"planned_start": "2026-03-05T15:00:00Z", "planned_end": FAR},
            "planned_end",
        ),
        ("patch", "/api/visits/{visit}", {"planned_start": "1899-12-31T23:59Z"}, "planned_start"),
        ("post", "/api/visits/{visit}/check-in", {"at": FAR}, "at"),
        ("post", "/api/observations", {"observed_at": YEAR_ONE}, "observed_at"),
        ("post", "/api/stores/{store}/closeouts", {"date": "9999-12-31"}, "date"),
        ("patch", "/api/stores/{store}", {"exceptions": [{"date": "0001-01-01", "closed": True}]},
         "exceptions"),
    ],
)  # fmt: skip
def test_instants_and_dates_out_of_range_are_refused(
    as_admin, as_engineer, world, records, method, url, body, field
):
    base = {"store_id": world.store.id, "engineer_id": world.engineer.id}
    client = as_admin
    if url in ("/api/observations", "/api/visits/{visit}/check-in"):  # an engineer's doing
        base = {"store_id": world.store.id, "category": "general", "fields": {"text": "ok"}}
        client = as_engineer
    path = url.format(visit=records.visit.id, store=world.store.id)
    r = getattr(client, method)(path, json=(base if method == "post" else {}) | body)
    assert r.status_code == 422, r.get_json()
    assert field in errors_of(r)
    assert "1900-01-01" in r.get_json()["message"]


def test_the_first_and_last_instants_of_the_range_are_accepted(app, as_admin, world, records):
    for start in ("1900-01-01T06:00:00Z", "2199-12-31T20:00:00Z"):
        body = {"store_id": world.store.id, "engineer_id": world.engineer.id, "past": True}
        r = as_admin.post("/api/visits", json=body | {"planned_start": start})
        assert r.status_code == 201, r.get_json()
    assert count(app, Visit) == 3


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/coverage?from=9999-12-31", "from"),
        ("/api/coverage?from=0001-01-01", "from"),
        ("/api/visits?date=9999-12-31", "date"),
        ("/api/visits?date_from=1899-12-31", "date_from"),
    ],
)
def test_dates_out_of_range_in_a_query_are_refused(as_admin, url, field):
    r = as_admin.get(url)
    assert r.status_code == 422, r.get_json()
    assert field in errors_of(r)


def test_signals_out_of_range_are_rejected_by_row(as_admin, world, records):
    rows = [
        {"source": "wifi_session", "device": "d", "start": YEAR_ONE, "end": YEAR_ONE},
        {"source": "transaction", "at": FAR},
        {"source": "closeout", "date": "9999-12-31", "closed": True},
    ]
    r = as_admin.post(f"/api/stores/{world.store.id}/signals", json={"signals": rows})
    assert r.status_code == 200, r.get_json()
    rejected = r.get_json()["rejected"]
    assert [row["index"] for row in rejected] == [0, 1, 2]
    assert all("1900-01-01" in row["error"] for row in rejected)


def test_a_sync_operation_out_of_range_is_rejected_naming_the_field(
    app, world, records, as_engineer
):
    def op(kind: str, payload: dict, created_at: str = "2026-03-04T14:55:00+00:00") -> dict:
        return {"client_id": str(uuid.uuid4()), "type": kind, "payload": payload,
                "created_at": created_at}  # fmt: skip

    observation = {"store_id": world.store.id, "category": "general", "fields": {"text": "x"}}
    operations = [
        op("observation", observation | {"observed_at": YEAR_ONE}),
        op("observation", observation, created_at=FAR),
        op("check_in", {"visit_id": records.visit.id, "at": FAR}),
    ]
    client = as_engineer
    r = client.post("/api/sync", json={"operations": operations})
    assert r.status_code == 200, r.get_json()
    results = r.get_json()["results"]
    assert [result["status"] for result in results] == ["rejected"] * 3
    assert [result["error"]["code"] for result in results] == [422] * 3
    assert "observed_at" in results[0]["error"]["errors"]
    assert "created_at" in results[1]["error"]["errors"]
    assert "at" in results[2]["error"]["errors"]
    assert count(app, Observation) == 0


@pytest.mark.parametrize("record_id", [2**31, -(2**31) - 1, 2**70])
def test_a_sync_operation_for_an_id_beyond_an_integer_column_is_not_found(
    app, world, records, as_engineer, record_id
):
    operation = {
        "client_id": str(uuid.uuid4()),
        "type": "check_in",
        "payload": {"visit_id": record_id},
        "created_at": "2026-03-04T14:55:00+00:00",
    }
    r = as_engineer.post("/api/sync", json={"operations": [operation]})
    assert r.status_code == 200, r.get_json()
    [result] = r.get_json()["results"]
    assert (result["status"], result["error"]["code"]) == ("rejected", 404)
