"""/api/stores: creating, changing, reading and finding stores."""

from __future__ import annotations

from typing import Any

import pytest

from fieldops.core.forms import in_words, labels_of
from fieldops.stores.models import Store
from fieldops.stores.schemas import StoreSchema
from tests.helpers import count, errors_of, fetch, race


def store_body(**overrides: Any) -> dict[str, Any]:
    return {
        "code": "CHI-01",
        "name": "Chicago Motors",
        "timezone": "America/Chicago",
        "kind": "dealership",
        "brand": "Ford",
        "address": "1 Main St, Chicago, IL",
        "latitude": 41.88,
        "longitude": -87.63,
        "region": "Midwest",
        "posted_hours": [
            {"weekday": 0, "opens": "09:00", "closes": "20:00"},
            {"weekday": 4, "opens": "09:00", "closes": "01:30"},
        ],
        "exceptions": [
            {"date": "2026-12-25", "closed": True},
            {"date": "2026-12-24", "opens": "09:00", "closes": "14:00"},
        ],
        **overrides,
    }


def test_create_store_answers_the_store_with_its_hours(as_admin):
    r = as_admin.post("/api/stores", json=store_body())
    assert r.status_code == 201, r.get_json()
    store = r.get_json()
    assert store["code"] == "CHI-01" and store["cadence_per_year"] == 2
    assert store["posted_hours"] == [
        {"weekday": 0, "opens": "09:00", "closes": "20:00"},
        {"weekday": 4, "opens": "09:00", "closes": "01:30"},  # closes after midnight
    ]
    assert [(e["date"], e["closed"]) for e in store["exceptions"]] == [
        ("2026-12-24", False),
        ("2026-12-25", True),
    ]
    assert as_admin.get(f"/api/stores/{store['id']}").get_json() == store


def test_only_code_name_and_timezone_are_required(as_admin):
    r = as_admin.post("/api/stores", json={})
    assert r.status_code == 422
    assert set(errors_of(r)) == {"code", "name", "timezone"}
    r = as_admin.post(
        "/api/stores", json={"code": "X1", "name": "X", "timezone": "America/Phoenix"}
    )
    assert r.status_code == 201
    assert r.get_json()["kind"] == "dealership" and r.get_json()["posted_hours"] == []


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"timezone": "Central Time"}, "timezone"),
        ({"timezone": "America/Springfield"}, "timezone"),
        ({"kind": "warehouse"}, "kind"),
        ({"name": "  "}, "name"),
        ({"latitude": 91}, "latitude"),
        ({"longitude": None}, "latitude"),  # one without the other
        ({"cadence_per_year": -1}, "cadence_per_year"),
        ({"code": "has space"}, "code"),
        ({"posted_hours": [{"weekday": 0, "opens": "9:00", "closes": "20:00"}]}, "posted_hours"),
        ({"posted_hours": [{"weekday": 0, "opens": "09:00", "closes": "24:00"}]}, "posted_hours"),
        ({"posted_hours": [{"weekday": 7, "opens": "09:00", "closes": "20:00"}]}, "posted_hours"),
        (
            {
                "posted_hours": [
                    {"weekday": 1, "opens": "09:00", "closes": "20:00"},
                    {"weekday": 1, "opens": "10:00", "closes": "18:00"},
                ]
            },
            "posted_hours",
        ),
        ({"exceptions": [{"date": "2026-12-25"}]}, "exceptions"),
        (
            {"exceptions": [{"date": "2026-12-25", "closed": True, "opens": "09:00"}]},
            "exceptions",
        ),
        ({"exceptions": [{"date": "2026-12-25", "opens": "09:00"}]}, "exceptions"),
        (
            {
                "exceptions": [
                    {"date": "2026-12-25", "closed": True},
                    {"date": "2026-12-25", "opens": "10:00", "closes": "12:00"},
                ]
            },
            "exceptions",
        ),
        ({"unknown_field": 1}, "unknown_field"),
    ],
)
def test_bad_store_is_refused_naming_the_field_and_nothing_is_saved(
    app, as_admin, overrides, field
):
    r = as_admin.post("/api/stores", json=store_body(**overrides))
    assert r.status_code == 422, r.get_json()
    assert field in errors_of(r)
    assert field in r.get_json()["message"]
    assert count(app, Store) == 0


def test_nested_hour_errors_point_at_the_entry(as_admin):
    r = as_admin.post(
        "/api/stores",
        json=store_body(posted_hours=[{"weekday": 2, "opens": "09:00", "closes": "7pm"}]),
    )
    assert r.status_code == 422
    assert list(errors_of(r)["posted_hours"]["0"]) == ["closes"]
    assert "posted_hours.0.closes" in r.get_json()["message"]


def test_duplicate_code_is_refused(app, as_admin, build):
    build.store(code="CHI-01")
    r = as_admin.post("/api/stores", json=store_body(code="chi-01"))
    assert r.status_code == 422 and "code" in errors_of(r)
    assert count(app, Store) == 1


def test_racing_creates_of_one_code_make_one_store(app, build, login):
    admin = build.user("admin")
    answers = race([login(admin) for _ in range(2)], "/api/stores", store_body())
    assert sorted(a.status_code for a in answers) == [201, 422], [a.get_json() for a in answers]
    assert count(app, Store) == 1


def test_update_changes_only_what_is_given_and_lists_replace(app, as_admin):
    store = as_admin.post("/api/stores", json=store_body()).get_json()
    r = as_admin.patch(
        f"/api/stores/{store['id']}",
        json={
            "name": "Chicago North",
            "posted_hours": [{"weekday": 5, "opens": "10:00", "closes": "16:00"}],
        },
    )
    assert r.status_code == 200, r.get_json()
    changed = r.get_json()
    assert changed["name"] == "Chicago North" and changed["code"] == "CHI-01"
    assert changed["posted_hours"] == [{"weekday": 5, "opens": "10:00", "closes": "16:00"}]
    assert changed["exceptions"] == store["exceptions"]
    assert changed["region"] == "Midwest"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"timezone": "Nowhere/Land"}, "timezone"),
        ({"code": "OTHER-1"}, "code"),
        ({"posted_hours": [{"weekday": 1, "opens": "25:00", "closes": "20:00"}]}, "posted_hours"),
    ],
)
def test_bad_update_changes_nothing(app, as_admin, build, body, field):
    build.store(code="OTHER-1")
    store = build.store(code="MINE-1", timezone="America/Denver")
    r = as_admin.patch(f"/api/stores/{store.id}", json=body)
    assert r.status_code == 422 and field in errors_of(r)
    stored = fetch(app, Store, store.id)
    assert (stored.code, stored.timezone) == ("MINE-1", "America/Denver")
    assert as_admin.get(f"/api/stores/{store.id}").get_json()["posted_hours"][1]["opens"] == (
        "09:00"
    )


def test_unknown_store_is_404(as_admin):
    assert as_admin.get("/api/stores/999999").status_code == 404
    assert as_admin.patch("/api/stores/999999", json={"name": "x"}).status_code == 404


def test_list_filters_by_region_and_searches_name_and_code(as_admin, build):
    build.store(code="CHI-01", name="Chicago Ford", region="Midwest")
    build.store(code="DAL-01", name="Dallas Toyota", region="South")
    build.store(code="HOU-01", name="Houston Ford", region="South")

    def names(query: str) -> list[str]:
        return [s["name"] for s in as_admin.get(f"/api/stores?{query}").get_json()["items"]]

    assert names("region=South") == ["Dallas Toyota", "Houston Ford"]
    assert names("q=ford") == ["Chicago Ford", "Houston Ford"]
    assert names("q=dal-0") == ["Dallas Toyota"]
    assert names("q=ford&region=South") == ["Houston Ford"]
    assert names("region=Nowhere") == []


def test_list_sorts_and_pages(as_admin, build):
    for code, name in [("C", "Charlie"), ("A", "Alpha"), ("B", "Bravo")]:
        build.store(code=code, name=name)
    body = as_admin.get("/api/stores?per_page=2&page=2").get_json()
    assert body["total"] == 3 and body["page"] == 2 and body["per_page"] == 2
    assert [s["name"] for s in body["items"]] == ["Charlie"]
    body = as_admin.get("/api/stores?sort=-code").get_json()
    assert [s["code"] for s in body["items"]] == ["C", "B", "A"]


@pytest.mark.parametrize("phone", ["+1 (312) 555-0100", "312.555.0100", "0044 20 7946 0958"])
def test_a_store_keeps_its_phone_as_written(as_admin, phone):
    store = as_admin.post("/api/stores", json=store_body(phone=phone)).get_json()
    assert store["phone"] == phone
    assert as_admin.get(f"/api/stores/{store['id']}").get_json()["phone"] == phone
    r = as_admin.patch(f"/api/stores/{store['id']}", json={"phone": None})
    assert r.get_json()["phone"] is None


@pytest.mark.parametrize(
    "phone",
    [
        "call 312 555 0100",
        "312-555-0100 ext 4",
        "555 01",
        "1" * 16,
        "312 555 0100 +",
        "+" + " " * 40,
    ],
)
def test_a_phone_that_is_not_a_number_is_refused_in_words(app, as_admin, phone):
    r = as_admin.post("/api/stores", json=store_body(phone=phone))
    assert r.status_code == 422
    assert errors_of(r)["phone"] == [
        "Must be a phone number of 7 to 15 digits, with only spaces, + ( ) - . besides them, "
        "e.g. +1 312 555 0100."
    ]
    assert count(app, Store) == 0


@pytest.mark.parametrize(
    "overrides, words",
    [
        ({"leadership_cadence_per_year": 13}, "CIO visits a year must be between 0 and 12."),
        ({"leadership_cadence_per_year": -1}, "CIO visits a year must be between 0 and 12."),
        ({"visit_minutes": 10}, "Visit length (minutes) must be between 15 and 720."),
        ({"visit_minutes": 725}, "Visit length (minutes) must be between 15 and 720."),
        ({"visit_minutes": 92}, "Visit length (minutes) must be a multiple of 5."),
        ({"visit_minutes": 90.5}, "Visit length (minutes) must be a whole number."),
    ],
)
def test_bad_visit_settings_are_refused_in_words(app, as_admin, overrides, words):
    r = as_admin.post("/api/stores", json=store_body(**overrides))
    assert r.status_code == 422
    [field] = overrides
    assert field in r.get_json()["message"]
    # the sentence the store form (and the offline outbox) says for this answer
    assert in_words(errors_of(r), labels_of(StoreSchema())) == {field: [words]}
    assert count(app, Store) == 0


def test_visit_settings_default_and_change(as_admin):
    store = as_admin.post("/api/stores", json=store_body()).get_json()
    assert (store["leadership_cadence_per_year"], store["visit_minutes"]) == (0, 120)
    change = {"leadership_cadence_per_year": 2, "visit_minutes": 45}
    r = as_admin.patch(f"/api/stores/{store['id']}", json=change)
    assert r.status_code == 200, r.get_json()
    read = as_admin.get(f"/api/stores/{store['id']}").get_json()
    assert read["leadership_cadence_per_year"] == 2 and read["visit_minutes"] == 45
    assert read["cadence_per_year"] == 2  # the engineers' cadence untouched
