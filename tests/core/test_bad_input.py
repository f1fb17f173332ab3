"""Bad input answers 4xx, never 500: ids and numbers beyond an integer column, deep JSON.

Every id column is PostgreSQL's 32-bit `integer`: PostgreSQL refused to compare one with
2**31 and SQLite with 2**63 (a 500 on each). The same cases run on both databases.
"""

from __future__ import annotations

import json
import re

import pytest

from fieldops.issues.models import Issue
from tests.helpers import count, errors_of

BIG = 2**70  # 1180591620717411303424
INT_MAX = 2**31 - 1  # the largest value of an integer column
INT_PATH = re.compile(r"<int:\w+>")


@pytest.fixture
def store(build):
    return build.store()


def test_every_path_id_beyond_an_integer_column_is_not_found(app, as_admin):
    """Every route with an <int:...> id, with every method it takes."""
    answers = {}
    for rule in app.url_map.iter_rules():
        if not INT_PATH.search(rule.rule):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for number in (str(BIG), str(2**63), str(INT_MAX + 1), "9" * 5000):
                url = INT_PATH.sub(number, rule.rule)
                answers[method, url] = as_admin._send(method, url, json={}).status_code
    assert answers, "no route with an id"
    assert {key: code for key, code in answers.items() if code != 404} == {}


def test_the_largest_integer_id_is_simply_not_found(as_admin):
    assert as_admin.get(f"/api/issues/{INT_MAX}").status_code == 404
    assert as_admin.get(f"/api/stores/{INT_MAX}/hours").status_code == 404


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"/api/issues?page={BIG}", "page"),
        (f"/api/issues?page={INT_MAX}", "page"),  # its SQL offset would not fit
        (f"/api/issues?store_id={BIG}", "store_id"),
        (f"/api/issues?store_id={INT_MAX + 1}", "store_id"),
        (f"/api/visits?store_id={BIG}", "store_id"),
        (f"/api/observations?visit_id={BIG}", "visit_id"),
        (f"/api/shifts?store_id={BIG}", "store_id"),
        (f"/api/stores?per_page={BIG}", "per_page"),
        (f"/api/coverage?days={BIG}", "days"),
        ("/api/issues?store_id=1.5", "store_id"),
        (f"/api/issues?assignee={BIG}", "assignee"),
        (f"/api/issues?assignee={INT_MAX + 1}", "assignee"),
        ("/api/issues?assignee=-1", "assignee"),
        (f"/api/visits?engineer={BIG}", "engineer"),
    ],
)
def test_numbers_beyond_range_in_a_query_are_refused(as_admin, url, field):
    r = as_admin.get(url)
    assert r.status_code == 422, r.get_json()
    assert field in errors_of(r)


def test_an_assignee_or_engineer_of_the_largest_integer_is_nobody(as_admin):
    assert as_admin.get(f"/api/issues?assignee={INT_MAX}").get_json()["items"] == []
    assert as_admin.get(f"/api/visits?engineer={INT_MAX}").get_json()["items"] == []


def test_a_store_id_of_the_largest_integer_is_an_unknown_store(as_admin):
    r = as_admin.get(f"/api/issues?store_id={INT_MAX}")
    assert r.status_code == 200
    assert r.get_json()["items"] == []


@pytest.mark.parametrize(
    "value", [BIG, -BIG, 2**63, INT_MAX + 1, -INT_MAX - 2, 1.5, 2.0, "1.5", True]
)
def test_an_issue_for_a_store_id_that_is_not_a_whole_integer_is_refused(
    app, as_admin, store, value
):
    body = {"store_id": value, "category": "wifi", "severity": "high", "title": "Wi-Fi down"}
    r = as_admin.post("/api/issues", json=body)
    assert r.status_code == 422, r.get_json()
    assert "store_id" in errors_of(r)
    assert count(app, Issue) == 0


def test_a_store_id_as_a_whole_number_is_accepted(as_admin, store):
    body = {"store_id": store.id, "category": "wifi", "severity": "high", "title": "Wi-Fi down"}
    assert as_admin.post("/api/issues", json=body).status_code == 201


@pytest.fixture
def issue(build, store):
    return build.issue(store, build.user("manager", stores=[store]))


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("patch", "/api/issues/{issue}", {"assignee_id": BIG}, "assignee_id"),
        ("patch", "/api/issues/{issue}", {"assignee_id": INT_MAX + 1}, "assignee_id"),
        ("patch", "/api/issues/{issue}", {"version": BIG}, "version"),
        ("post", "/api/shifts", {"name": "Nights", "timezone": "UTC", "weekdays": [0],
         "start": "20:00", "end": "04:00", "store_ids": [INT_MAX + 1]}, "store_ids"),
        ("post", "/api/visits", {"store_id": BIG, "engineer_id": 1}, "store_id"),
        ("post", "/api/tokens", {"user_id": BIG, "name": "n"}, "user_id"),
        ("post", "/api/visits", {"store_id": 1, "engineer_id": BIG,
         "planned_start": "2026-03-05T15:00:00Z"}, "engineer_id"),
        ("post", "/api/users", {"email": "a@example.test", "name": "A", "role": "manager",
         "password": "long enough password", "store_ids": [BIG]}, "store_ids"),
    ],
)  # fmt: skip
def test_numbers_beyond_an_integer_column_in_a_body_are_refused(
    as_admin, issue, method, url, body, field
):
    r = getattr(as_admin, method)(url.format(issue=issue.id, store=issue.store_id), json=body)
    assert r.status_code == 422, r.get_json()
    assert field in errors_of(r)


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


@pytest.mark.parametrize("depth", [65, 1000, 100_000])
@pytest.mark.parametrize(
    "url", ["/api/auth/login", "/api/sync", "/api/issues", "/api/stores/{store}/signals"]
)
def test_json_nested_deeper_than_64_levels_is_a_bad_request(api, build, store, url, depth):
    client = api
    if url != "/api/auth/login":
        client.login(build.user("admin").email)
    r = client.post(url.format(store=store.id), data=nested(depth), content_type="application/json")
    assert r.status_code == 400, r.get_data(as_text=True)[:300]
    body = r.get_json()
    assert body["code"] == 400
    assert "64" in body["message"]


def test_deep_nesting_inside_a_sync_operation_is_a_bad_request(as_admin, app):
    operation = {
        "client_id": "0b1c8f4e-3c1a-4a53-9d2b-6f0d7f1f2a10",
        "type": "observation",
        "payload": json.loads('{"fields": ' + nested(70) + "}"),
        "created_at": "2026-03-04T14:55:00+00:00",
    }
    r = as_admin.post("/api/sync", json={"operations": [operation]})
    assert r.status_code == 400
    assert "64" in r.get_json()["message"]


def test_json_nested_64_levels_is_read_and_checked_as_usual(api):
    """64 levels pass the depth check: the login then refuses the email for not being text."""
    r = api.post(
        "/api/auth/login",
        data='{"email": ' + nested(63) + ', "password": "x"}',
        content_type="application/json",
    )
    assert r.status_code == 422
    assert "email" in errors_of(r)


def test_a_form_part_without_a_name_is_a_bad_request(as_admin):
    body = b"--X\r\nContent-Disposition: form-data\r\n\r\nabc\r\n--X--\r\n"
    r = as_admin.post(
        "/api/photos", data=body, content_type="multipart/form-data; boundary=X"
    )  # the CSRF check used to fail on it with a 500
    assert r.status_code == 400, r.get_data(as_text=True)[:300]
    assert "Every part of a form body needs a name." in r.get_json()["message"]
