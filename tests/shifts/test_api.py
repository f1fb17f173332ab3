"""/api/shifts: creating, changing, deactivating, reading and finding support shifts."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from fieldops.audit.models import AuditEvent
from fieldops.extensions import db
from fieldops.shifts.models import ShiftException, SupportShift
from tests.helpers import count, errors_of


@pytest.fixture
def admin(build):
    return build.user("admin")


@pytest.fixture
def admin_client(admin, login):
    return login(admin)


@pytest.fixture
def engineers(build):
    return [build.user("engineer", name="Bea Lopez"), build.user("engineer", name="Al Khan")]


def shift_body(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Midwest weekdays",
        "timezone": "America/Chicago",
        "weekdays": [4, 0, 1, 2, 3],
        "start": "08:00",
        "end": "18:00",
        "region": "Midwest",
        "kind": "onsite",
        **overrides,
    }


def create(client: Any, **overrides: Any) -> dict[str, Any]:
    r = client.post("/api/shifts", json=shift_body(**overrides))
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_create_a_region_shift_answers_it_as_later_reads_do(now, admin_client, engineers):
    shift = create(admin_client, engineer_ids=[e.id for e in engineers])
    assert shift["weekdays"] == [0, 1, 2, 3, 4]  # kept in order
    assert (shift["start"], shift["end"]) == ("08:00", "18:00")
    assert shift["region"] == "Midwest" and shift["store_ids"] == []
    assert shift["engineer_ids"] == sorted(e.id for e in engineers)
    assert shift["kind"] == "onsite" and shift["active"] is True
    assert shift["exceptions"] == []
    assert shift["created_at"] == shift["updated_at"] == "2026-03-04T15:00:00+00:00"
    assert set(shift) == {
        "id", "name", "timezone", "weekdays", "start", "end", "region", "store_ids",
        "engineer_ids", "kind", "active", "exceptions", "created_at", "updated_at",
    }  # fmt: skip
    assert admin_client.get(f"/api/shifts/{shift['id']}").get_json() == shift


def test_create_a_remote_overnight_shift_over_stores_with_exceptions(app, admin_client, build):
    a, b = build.store(name="Alpha Motors"), build.store(name="Bravo Motors")
    shift = create(
        admin_client,
        name="Manila overnight desk",
        timezone="Asia/Manila",
        weekdays=[5, 6],
        start="22:00",
        end="06:00",  # ends the next morning
        region=None,
        store_ids=[b.id, a.id, a.id],
        kind="remote",
        exceptions=[
            {"date": "2026-12-31", "start": "18:00", "end": "23:00", "note": "New Year's Eve"},
            {"date": "2026-12-25", "off": True, "note": "Christmas"},
            {"date": "2026-12-31", "off": True},  # the usual window off, an extra one instead
        ],
    )
    assert shift["store_ids"] == sorted([a.id, b.id]) and shift["region"] is None
    assert (shift["start"], shift["end"], shift["kind"]) == ("22:00", "06:00", "remote")
    assert shift["exceptions"] == [
        {"date": "2026-12-25", "off": True, "start": None, "end": None, "note": "Christmas"},
        {"date": "2026-12-31", "off": True, "start": None, "end": None, "note": None},
        {"date": "2026-12-31", "off": False, "start": "18:00", "end": "23:00",
         "note": "New Year's Eve"},
    ]  # fmt: skip
    assert admin_client.get(f"/api/shifts/{shift['id']}").get_json() == shift
    assert count(app, ShiftException) == 3


def test_an_end_equal_to_the_start_is_a_24_hour_shift(admin_client):
    shift = create(admin_client, start="07:00", end="07:00", weekdays=list(range(7)))
    assert (shift["start"], shift["end"]) == ("07:00", "07:00")


def test_every_write_is_audited(app, admin_client, admin):
    shift = create(admin_client)
    admin_client.patch(f"/api/shifts/{shift['id']}", json={"name": "Days", "end": "17:00"})
    admin_client.delete(f"/api/shifts/{shift['id']}")
    with app.app_context():
        stmt = sa.select(AuditEvent).where(AuditEvent.target_type == "shift")
        events = db.session.scalars(stmt.order_by(AuditEvent.id)).all()
        db.session.expunge_all()
    assert [(e.action, e.actor_id, e.target_id) for e in events] == [
        ("shift.created", admin.id, shift["id"]),
        ("shift.updated", admin.id, shift["id"]),
        ("shift.deactivated", admin.id, shift["id"]),
    ]
    assert events[1].details["fields"] == ["end_time", "name"]


def test_name_timezone_weekdays_start_end_and_what_it_covers_are_required(app, admin_client):
    r = admin_client.post("/api/shifts", json={})
    assert r.status_code == 422
    assert set(errors_of(r)) == {"name", "timezone", "weekdays", "start", "end"}
    r = admin_client.post("/api/shifts", json=shift_body(region=None))
    assert r.status_code == 422
    assert set(errors_of(r)) == {"region", "store_ids"}
    assert count(app, SupportShift) == 0


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": "   "}, "name"),
        ({"name": None}, "name"),
        ({"timezone": "Central Time"}, "timezone"),
        ({"timezone": "America/Springfield"}, "timezone"),
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": [7]}, "weekdays"),
        ({"weekdays": [-1, 0]}, "weekdays"),
        ({"weekdays": [1, 1]}, "weekdays"),
        ({"weekdays": ["Mon"]}, "weekdays"),
        ({"weekdays": 1}, "weekdays"),
        ({"start": "8:00"}, "start"),
        ({"start": "08:00:00"}, "start"),
        ({"end": "24:00"}, "end"),
        ({"end": None}, "end"),
        ({"region": "  "}, "region"),
        ({"region": "x" * 65}, "region"),
        ({"store_ids": [1]}, "store_ids"),  # and a region: one or the other
        ({"region": None, "store_ids": []}, "store_ids"),
        ({"region": None, "store_ids": [999999]}, "store_ids"),
        ({"region": None, "store_ids": ["one"]}, "store_ids"),
        ({"engineer_ids": [999999]}, "engineer_ids"),
        ({"kind": "hybrid"}, "kind"),
        ({"exceptions": [{"date": "2026-12-25"}]}, "exceptions"),
        ({"exceptions": [{"date": "2026-12-25", "start": "09:00"}]}, "exceptions"),
        ({"exceptions": [{"date": "2026-12-25", "off": True, "end": "09:00"}]}, "exceptions"),
        ({"exceptions": [{"date": "2026-12-32", "off": True}]}, "exceptions"),
        ({"exceptions": [{"date": "2026-12-25", "start": "9", "end": "10:00"}]}, "exceptions"),
        (
            {"exceptions": [{"date": "2026-12-25", "off": True, "note": "x" * 201}]},
            "exceptions",
        ),
        (
            {
                "exceptions": [
                    {"date": "2026-12-25", "off": True},
                    {"date": "2026-12-25", "off": True, "note": "twice"},
                ]
            },
            "exceptions",
        ),
        (
            {
                "exceptions": [
                    {"date": "2026-12-31", "start": "18:00", "end": "23:00"},
                    {"date": "2026-12-31", "start": "08:00", "end": "10:00"},
                ]
            },
            "exceptions",
        ),
        ({"created_at": "2026-01-01T00:00:00Z"}, "created_at"),
        ({"unknown_field": 1}, "unknown_field"),
    ],
)
def test_bad_shift_is_refused_naming_the_field_and_nothing_is_saved(
    app, admin_client, overrides, field
):
    r = admin_client.post("/api/shifts", json=shift_body(**overrides))
    assert r.status_code == 422, r.get_json()
    assert field in errors_of(r)
    assert field in r.get_json()["message"]
    assert count(app, SupportShift) == 0
    assert count(app, AuditEvent, AuditEvent.target_type == "shift") == 0


@pytest.mark.parametrize("who", ["manager", "admin", "cio", "inactive engineer"])
def test_only_active_engineers_staff_a_shift(app, admin_client, build, who):
    user = build.user("engineer", active=False) if who == "inactive engineer" else build.user(who)
    engineer = build.user("engineer")
    r = admin_client.post("/api/shifts", json=shift_body(engineer_ids=[engineer.id, user.id]))
    assert r.status_code == 422
    assert errors_of(r) == {"engineer_ids": [f"No active engineer with id {user.id}."]}
    assert count(app, SupportShift) == 0


def test_nested_exception_errors_point_at_the_entry(admin_client):
    r = admin_client.post(
        "/api/shifts",
        json=shift_body(exceptions=[{"date": "2026-12-25", "off": True}, {"date": "soon"}]),
    )
    assert r.status_code == 422
    assert list(errors_of(r)["exceptions"]["1"]) == ["date"]
    assert "exceptions.1.date" in r.get_json()["message"]


def test_update_changes_only_what_is_given_and_lists_replace(app, admin_client, engineers):
    first, second = engineers
    shift = create(
        admin_client,
        engineer_ids=[first.id],
        exceptions=[{"date": "2026-12-25", "off": True}, {"date": "2026-12-26", "off": True}],
    )
    r = admin_client.patch(
        f"/api/shifts/{shift['id']}",
        json={
            "end": "02:00",
            "engineer_ids": [second.id],
            "exceptions": [{"date": "2027-01-01", "off": True, "note": "New Year"}],
        },
    )
    assert r.status_code == 200, r.get_json()
    changed = r.get_json()
    assert (changed["start"], changed["end"]) == ("08:00", "02:00")
    assert changed["engineer_ids"] == [second.id]
    assert [e["date"] for e in changed["exceptions"]] == ["2027-01-01"]
    same = set(shift) - {"end", "engineer_ids", "exceptions", "updated_at"}
    assert {k: changed[k] for k in same} == {k: shift[k] for k in same}
    assert count(app, ShiftException) == 1
    assert admin_client.get(f"/api/shifts/{shift['id']}").get_json() == changed


def test_giving_stores_drops_the_region_and_back(admin_client, build):
    store = build.store()
    shift = create(admin_client)
    r = admin_client.patch(f"/api/shifts/{shift['id']}", json={"store_ids": [store.id]})
    assert r.status_code == 200, r.get_json()
    assert (r.get_json()["region"], r.get_json()["store_ids"]) == (None, [store.id])
    r = admin_client.patch(f"/api/shifts/{shift['id']}", json={"region": "South"})
    assert (r.get_json()["region"], r.get_json()["store_ids"]) == ("South", [])
    r = admin_client.patch(f"/api/shifts/{shift['id']}", json={"region": "West", "store_ids": []})
    assert (r.get_json()["region"], r.get_json()["store_ids"]) == ("West", [])


@pytest.mark.parametrize(
    "body, field",
    [
        ({"region": None}, "region"),  # would cover nothing
        ({"region": ""}, "region"),
        ({"store_ids": []}, "store_ids"),
        ({"store_ids": [999999]}, "store_ids"),
        ({"region": "South", "store_ids": ["STORE"]}, "region"),
        ({"timezone": "Nowhere/Land"}, "timezone"),
        ({"weekdays": [0, 0]}, "weekdays"),
        ({"engineer_ids": [999999]}, "engineer_ids"),
        ({"exceptions": [{"date": "2026-12-25", "off": True}] * 2}, "exceptions"),
        ({"name": " "}, "name"),
    ],
)
def test_bad_update_changes_nothing(app, admin_client, build, engineers, body, field):
    store = build.store()
    if body.get("store_ids") == ["STORE"]:
        body = {**body, "store_ids": [store.id]}
    shift = create(
        admin_client,
        engineer_ids=[engineers[0].id],
        exceptions=[{"date": "2026-12-25", "off": True}],
    )
    r = admin_client.patch(f"/api/shifts/{shift['id']}", json=body)
    assert r.status_code == 422, r.get_json()
    assert field in errors_of(r)
    assert admin_client.get(f"/api/shifts/{shift['id']}").get_json() == shift
    assert count(app, AuditEvent, AuditEvent.action == "shift.updated") == 0


def test_a_store_shift_cannot_lose_all_its_stores(admin_client, build):
    store = build.store()
    shift = create(admin_client, region=None, store_ids=[store.id])
    r = admin_client.patch(f"/api/shifts/{shift['id']}", json={"store_ids": []})
    assert r.status_code == 422 and "store_ids" in errors_of(r)
    r = admin_client.patch(f"/api/shifts/{shift['id']}", json={"region": None})
    assert r.status_code == 200 and r.get_json()["store_ids"] == [store.id]


def test_delete_deactivates_and_patch_reactivates(app, admin_client):
    shift = create(admin_client)
    r = admin_client.delete(f"/api/shifts/{shift['id']}")
    assert r.status_code == 200
    assert r.get_json()["active"] is False and r.get_json()["name"] == shift["name"]
    assert admin_client.get(f"/api/shifts/{shift['id']}").get_json()["active"] is False
    assert admin_client.delete(f"/api/shifts/{shift['id']}").status_code == 200  # again: no-op
    assert count(app, AuditEvent, AuditEvent.action == "shift.deactivated") == 1
    r = admin_client.patch(f"/api/shifts/{shift['id']}", json={"active": True})
    assert r.status_code == 200 and r.get_json()["active"] is True
    assert count(app, SupportShift) == 1


def test_unknown_shift_is_404(admin_client):
    for r in (
        admin_client.get("/api/shifts/999999"),
        admin_client.patch("/api/shifts/999999", json={"name": "x"}),
        admin_client.delete("/api/shifts/999999"),
    ):
        assert r.status_code == 404
        assert r.get_json()["message"] == "No shift with id 999999."


@pytest.mark.parametrize("role", ["cio", "engineer", "manager"])
def test_only_admins_write_even_with_a_bad_body(app, admin_client, build, login, role):
    shift = create(admin_client)
    client = login(build.user(role))
    for r in (
        client.post("/api/shifts", json={}),
        client.post("/api/shifts", json=shift_body()),
        client.patch(f"/api/shifts/{shift['id']}", json={"weekdays": []}),
        client.patch(f"/api/shifts/{shift['id']}", json={"name": "Mine now"}),
        client.delete(f"/api/shifts/{shift['id']}"),
    ):
        assert r.status_code == 403, r.get_json()
        assert "errors" not in r.get_json()
    assert admin_client.get(f"/api/shifts/{shift['id']}").get_json() == shift
    assert count(app, SupportShift) == 1


def test_cio_reads_shifts(admin_client, build, login):
    shift = create(admin_client)
    cio = login(build.user("cio"))
    assert cio.get("/api/shifts").get_json()["items"] == [shift]
    assert cio.get(f"/api/shifts/{shift['id']}").get_json() == shift


@pytest.mark.parametrize("role", ["engineer", "manager"])
def test_engineers_and_managers_cannot_read_shifts(admin_client, build, login, role):
    store = build.store()
    shift = create(admin_client, engineer_ids=[build.user("engineer").id])
    client = login(build.user(role, stores=[store] if role == "manager" else []))
    assert client.get("/api/shifts").status_code == 403
    assert client.get(f"/api/shifts/{shift['id']}").status_code == 403
    assert client.get(f"/api/shifts?store_id={store.id}").status_code == 403


def test_anonymous_gets_401(api):
    assert api.get("/api/shifts").status_code == 401
    assert api.post("/api/shifts", json={}).status_code == 401


def test_list_filters_by_region_store_and_active(admin_client, build):
    chicago = build.store(name="Chicago Ford", region="Midwest")
    dallas = build.store(name="Dallas Toyota", region="South")
    build.store(name="No region", region=None)
    create(admin_client, name="A Midwest days")
    create(admin_client, name="B South days", region="South")
    create(admin_client, name="C Chicago nights", region=None, store_ids=[chicago.id])
    create(admin_client, name="D Both stores", region=None, store_ids=[chicago.id, dallas.id])
    old = create(admin_client, name="E Old Midwest")
    admin_client.delete(f"/api/shifts/{old['id']}")

    def names(query: str = "") -> list[str]:
        r = admin_client.get(f"/api/shifts?{query}")
        assert r.status_code == 200, r.get_json()
        return [s["name"] for s in r.get_json()["items"]]

    assert names() == ["A Midwest days", "B South days", "C Chicago nights", "D Both stores",
                       "E Old Midwest"]  # fmt: skip
    assert names("region=Midwest") == ["A Midwest days", "E Old Midwest"]
    assert names(f"store_id={chicago.id}") == [
        "A Midwest days", "C Chicago nights", "D Both stores", "E Old Midwest",
    ]  # fmt: skip
    assert names(f"store_id={chicago.id}&active=true") == [
        "A Midwest days", "C Chicago nights", "D Both stores",
    ]  # fmt: skip
    assert names(f"store_id={dallas.id}") == ["B South days", "D Both stores"]
    assert names("active=false") == ["E Old Midwest"]
    assert names("store_id=999999") == []
    assert names("region=Nowhere") == []


def test_a_store_without_a_region_is_covered_only_by_shifts_listing_it(admin_client, build):
    lone = build.store(region=None)
    create(admin_client, name="Region shift")
    create(admin_client, name="Listing shift", region=None, store_ids=[lone.id])
    items = admin_client.get(f"/api/shifts?store_id={lone.id}").get_json()["items"]
    assert [s["name"] for s in items] == ["Listing shift"]


def test_list_sorts_and_pages(admin_client):
    for name in ("Charlie", "Alpha", "Bravo"):
        create(admin_client, name=name)
    r = admin_client.get("/api/shifts?sort=-name&per_page=2&page=1").get_json()
    assert [s["name"] for s in r["items"]] == ["Charlie", "Bravo"]
    assert (r["total"], r["page"], r["per_page"]) == (3, 1, 2)
    r = admin_client.get("/api/shifts?sort=-name&per_page=2&page=2").get_json()
    assert [s["name"] for s in r["items"]] == ["Alpha"]
    r = admin_client.get("/api/shifts?sort=colour")
    assert r.status_code == 422 and "sort" in errors_of(r)
    r = admin_client.get("/api/shifts?store_id=abc")
    assert r.status_code == 422 and "store_id" in errors_of(r)


def test_openapi_documents_shifts(api):
    spec = api.get("/api/openapi.json").get_json()
    assert {"get", "post"} <= set(spec["paths"]["/api/shifts"])
    assert {"get", "patch", "delete"} <= set(spec["paths"]["/api/shifts/{shift_id}"])
    shift = spec["components"]["schemas"]["Shift"]["properties"]
    assert {"start", "end", "store_ids", "engineer_ids", "exceptions"} <= set(shift)
    assert shift["store_ids"]["type"] == "array"
