"""/api/shifts: creating, changing, deactivating, reading and finding support shifts."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from fieldops.audit.models import AuditEvent
from fieldops.extensions import db
from fieldops.shifts.models import ShiftException, SupportShift
from tests.helpers import count, errors_of
from tests.shifts.helpers import create, shift_body


def test_create_a_region_shift_answers_it_as_later_reads_do(now, as_admin, engineers):
    shift = create(as_admin, engineer_ids=[e.id for e in engineers])
    assert shift["weekdays"] == [0, 1, 2, 3, 4]  # kept in order
    assert (shift["start"], shift["end"]) == ("08:00", "18:00")
    assert shift["region"] == "Midwest" and shift["store_ids"] == []
    assert shift["engineer_ids"] == sorted(e.id for e in engineers)
    assert shift["kind"] == "onsite" and shift["active"] is True
    assert shift["exceptions"] == []
    assert shift["created_at"] == shift["updated_at"] == "2026-03-04T15:00:00+00:00"
    assert set(shift) == {
        "id", "name", "timezone", "weekdays", "start", "end", "region", "store_ids",
        "engineer_ids", "kind", "active", "exceptions", "created_at", "updated_at", "version",
    }  # fmt: skip
    assert as_admin.get(f"/api/shifts/{shift['id']}").get_json() == shift


def test_create_a_remote_overnight_shift_over_stores_with_exceptions(app, as_admin, build):
    a, b = build.store(name="Alpha Motors"), build.store(name="Bravo Motors")
    shift = create(
        as_admin,
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
    assert as_admin.get(f"/api/shifts/{shift['id']}").get_json() == shift
    assert count(app, ShiftException) == 3


def test_an_end_equal_to_the_start_is_a_24_hour_shift(as_admin):
    shift = create(as_admin, start="07:00", end="07:00", weekdays=list(range(7)))
    assert (shift["start"], shift["end"]) == ("07:00", "07:00")


def test_every_write_is_audited(app, world, as_admin):
    shift = create(as_admin)
    as_admin.patch(f"/api/shifts/{shift['id']}", json={"name": "Days", "end": "17:00"})
    as_admin.delete(f"/api/shifts/{shift['id']}")
    with app.app_context():
        stmt = sa.select(AuditEvent).where(AuditEvent.target_type == "shift")
        events = db.session.scalars(stmt.order_by(AuditEvent.id)).all()
        db.session.expunge_all()
    assert [(e.action, e.actor_id, e.target_id) for e in events] == [
        ("shift.created", world.admin.id, shift["id"]),
        ("shift.updated", world.admin.id, shift["id"]),
        ("shift.deactivated", world.admin.id, shift["id"]),
    ]
    assert events[1].details["fields"] == ["end_time", "name"]


def test_name_timezone_weekdays_start_end_and_what_it_covers_are_required(app, as_admin):
    r = as_admin.post("/api/shifts", json={})
    assert r.status_code == 422
    assert set(errors_of(r)) == {"name", "timezone", "weekdays", "start", "end"}
    r = as_admin.post("/api/shifts", json=shift_body(region=None))
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
    app, as_admin, overrides, field
):
    r = as_admin.post("/api/shifts", json=shift_body(**overrides))
    assert r.status_code == 422, r.get_json()
    assert field in errors_of(r)
    assert field in r.get_json()["message"]
    assert count(app, SupportShift) == 0
    assert count(app, AuditEvent, AuditEvent.target_type == "shift") == 0


@pytest.mark.parametrize("who", ["manager", "admin", "cio", "inactive engineer"])
def test_only_active_engineers_staff_a_shift(app, as_admin, build, who):
    user = build.user("engineer", active=False) if who == "inactive engineer" else build.user(who)
    engineer = build.user("engineer")
    r = as_admin.post("/api/shifts", json=shift_body(engineer_ids=[engineer.id, user.id]))
    assert r.status_code == 422
    assert errors_of(r) == {"engineer_ids": [f"No active engineer with id {user.id}."]}
    assert count(app, SupportShift) == 0


def test_nested_exception_errors_point_at_the_entry(as_admin):
    r = as_admin.post(
        "/api/shifts",
        json=shift_body(exceptions=[{"date": "2026-12-25", "off": True}, {"date": "soon"}]),
    )
    assert r.status_code == 422
    assert list(errors_of(r)["exceptions"]["1"]) == ["date"]
    assert "exceptions.1.date" in r.get_json()["message"]


def test_update_changes_only_what_is_given_and_lists_replace(app, as_admin, engineers):
    first, second = engineers
    shift = create(
        as_admin,
        engineer_ids=[first.id],
        exceptions=[{"date": "2026-12-25", "off": True}, {"date": "2026-12-26", "off": True}],
    )
    r = as_admin.patch(
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
    same = set(shift) - {"end", "engineer_ids", "exceptions", "updated_at", "version"}
    assert {k: changed[k] for k in same} == {k: shift[k] for k in same}
    assert count(app, ShiftException) == 1
    assert as_admin.get(f"/api/shifts/{shift['id']}").get_json() == changed


def test_giving_stores_drops_the_region_and_back(as_admin, build):
    store = build.store()
    shift = create(as_admin)
    r = as_admin.patch(f"/api/shifts/{shift['id']}", json={"store_ids": [store.id]})
    assert r.status_code == 200, r.get_json()
    assert (r.get_json()["region"], r.get_json()["store_ids"]) == (None, [store.id])
    r = as_admin.patch(f"/api/shifts/{shift['id']}", json={"region": "South"})
    assert (r.get_json()["region"], r.get_json()["store_ids"]) == ("South", [])
    r = as_admin.patch(f"/api/shifts/{shift['id']}", json={"region": "West", "store_ids": []})
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
def test_bad_update_changes_nothing(app, as_admin, build, engineers, body, field):
    store = build.store()
    if body.get("store_ids") == ["STORE"]:
        body = {**body, "store_ids": [store.id]}
    shift = create(
        as_admin,
        engineer_ids=[engineers[0].id],
        exceptions=[{"date": "2026-12-25", "off": True}],
    )
    r = as_admin.patch(f"/api/shifts/{shift['id']}", json=body)
    assert r.status_code == 422, r.get_json()
    assert field in errors_of(r)
    assert as_admin.get(f"/api/shifts/{shift['id']}").get_json() == shift
    assert count(app, AuditEvent, AuditEvent.action == "shift.updated") == 0


def test_a_store_shift_cannot_lose_all_its_stores(as_admin, build):
    store = build.store()
    shift = create(as_admin, region=None, store_ids=[store.id])
    r = as_admin.patch(f"/api/shifts/{shift['id']}", json={"store_ids": []})
    assert r.status_code == 422 and "store_ids" in errors_of(r)
    r = as_admin.patch(f"/api/shifts/{shift['id']}", json={"region": None})
    assert r.status_code == 200 and r.get_json()["store_ids"] == [store.id]


def test_delete_deactivates_and_patch_reactivates(app, as_admin):
    shift = create(as_admin)
    r = as_admin.delete(f"/api/shifts/{shift['id']}")
    assert r.status_code == 200
    assert r.get_json()["active"] is False and r.get_json()["name"] == shift["name"]
    assert as_admin.get(f"/api/shifts/{shift['id']}").get_json()["active"] is False
    assert as_admin.delete(f"/api/shifts/{shift['id']}").status_code == 200  # again: no-op
    assert count(app, AuditEvent, AuditEvent.action == "shift.deactivated") == 1
    r = as_admin.patch(f"/api/shifts/{shift['id']}", json={"active": True})
    assert r.status_code == 200 and r.get_json()["active"] is True
    assert count(app, SupportShift) == 1


def test_a_stale_version_answers_409_with_the_shift_as_it_is(app, as_admin):
    shift = create(as_admin)
    assert shift["version"] == 1
    first = as_admin.patch(f"/api/shifts/{shift['id']}", json={"name": "Early", "version": 1})
    assert first.status_code == 200 and first.get_json()["version"] == 2
    stale = as_admin.patch(f"/api/shifts/{shift['id']}", json={"name": "Late", "version": 1})
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["errors"] == {"version": [body["message"]]}
    assert body["current"]["name"] == "Early" and body["current"]["version"] == 2
    assert as_admin.get(f"/api/shifts/{shift['id']}").get_json()["name"] == "Early"
    unversioned = as_admin.patch(f"/api/shifts/{shift['id']}", json={"name": "Late"})
    assert unversioned.status_code == 200 and unversioned.get_json()["version"] == 3
