"""/api/visits: planning, the engineer's day, check-in and check-out, versions."""

from __future__ import annotations

import pytest

from fieldops.visits.models import Visit, VisitStatus
from tests.helpers import count, errors_of, fetch, race
from tests.visits.helpers import check_in, utc

# --- planning -----------------------------------------------------------------------

pytestmark = pytest.mark.usefixtures("now")  # time frozen before the world is built


def test_admin_plans_a_visit(world, as_admin):
    r = as_admin.post(
        "/api/visits",
        json={
            "store_id": world.store.id,
            "engineer_id": world.engineer.id,
            "planned_start": "2026-03-10T09:00:00-05:00",
            "purpose": "Wi-Fi survey",
        },
    )
    assert r.status_code == 201, r.get_json()
    visit = r.get_json()
    assert visit["status"] == "planned" and visit["version"] == 1
    assert visit["planned_start"].startswith("2026-03-10T14:00:00")
    assert visit["planned_end"].startswith("2026-03-10T16:00:00")
    assert visit["local_date"] == "2026-03-10"
    assert visit["store"]["timezone"] == "America/Chicago"
    assert visit["engineer"]["id"] == world.engineer.id


@pytest.mark.parametrize(
    "change, field",
    [
        ({"planned_end": "2026-03-10T08:00:00-05:00"}, "planned_end"),
        ({"planned_end": "2026-03-10T09:00:00-05:00"}, "planned_end"),
        ({"planned_start": "2026-03-10T09:00:00"}, "planned_start"),  # no offset
        ({"planned_start": "next tuesday"}, "planned_start"),
        ({"engineer_id": None}, "engineer_id"),
        ({"store_id": "abc"}, "store_id"),
    ],
)
def test_bad_plan_is_refused_naming_the_field(app, world, as_admin, change, field):
    body = {
        "store_id": world.store.id,
        "engineer_id": world.engineer.id,
        "planned_start": "2026-03-10T09:00:00-05:00",
        **change,
    }
    r = as_admin.post("/api/visits", json=body)
    assert r.status_code == 422 and field in errors_of(r), r.get_json()
    assert count(app, Visit) == 0


def test_visit_must_go_to_an_engineer(app, world, as_admin, build):
    manager = world.manager
    r = as_admin.post(
        "/api/visits",
        json={
            "store_id": world.store.id,
            "engineer_id": manager.id,
            "planned_start": "2026-03-10T15:00:00Z",
        },
    )
    assert r.status_code == 422 and "engineer_id" in errors_of(r)
    assert count(app, Visit) == 0


def test_plan_for_an_unknown_store_is_404(world, as_admin):
    r = as_admin.post(
        "/api/visits",
        json={
            "store_id": 999999,
            "engineer_id": world.engineer.id,
            "planned_start": "2026-03-10T15:00:00Z",
        },
    )
    assert r.status_code == 404 and "store_id" in errors_of(r)


def test_reschedule_keeps_the_length_and_moves_the_local_day(world, as_admin, build):
    visit = build.visit(world.store, world.engineer, start=utc(2026, 3, 10, 15))
    r = as_admin.patch(
        f"/api/visits/{visit.id}",
        json={"planned_start": "2026-03-12T04:00:00Z", "version": 1},  # 23:00 on 03-11 CDT
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["local_date"] == "2026-03-11" and body["version"] == 2
    assert body["planned_end"].startswith("2026-03-12T06:00:00")


def test_reschedule_end_before_start_is_refused(app, world, as_admin, build):
    visit = build.visit(world.store, world.engineer, start=utc(2026, 3, 10, 15))
    r = as_admin.patch(f"/api/visits/{visit.id}", json={"planned_end": "2026-03-10T14:00:00Z"})
    assert r.status_code == 422 and "planned_end" in errors_of(r)
    assert fetch(app, Visit, visit.id).planned_end == utc(2026, 3, 10, 17)


def test_reassign_to_another_engineer(world, as_admin, build):
    visit = build.visit(world.store, world.engineer)
    other = world.other_engineer
    r = as_admin.patch(f"/api/visits/{visit.id}", json={"engineer_id": other.id})
    assert r.status_code == 200 and r.get_json()["engineer_id"] == other.id


def test_cancel_a_planned_visit(world, as_admin, as_engineer, build):
    visit = build.visit(world.store, world.engineer)
    r = as_admin.post(
        f"/api/visits/{visit.id}/cancel", json={"reason": "Store closed for inventory"}
    )
    assert r.status_code == 200
    assert r.get_json()["status"] == "cancelled"
    assert r.get_json()["cancel_reason"] == "Store closed for inventory"
    r = as_engineer.post(f"/api/visits/{visit.id}/check-in", json={})
    assert r.status_code == 409


def test_unknown_visit_is_404(as_admin, as_engineer):
    assert as_admin.get("/api/visits/999999").status_code == 404
    assert as_engineer.post("/api/visits/999999/check-in", json={}).status_code == 404


# --- stale versions -----------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("patch", "", {"purpose": "changed", "version": 1}),
        ("post", "/cancel", {"reason": "changed", "version": 1}),
        ("post", "/check-in", {"version": 1}),
    ],
)
def test_stale_version_is_409_with_the_current_record_and_changes_nothing(
    app, world, as_admin, as_engineer, build, method, path, body
):
    visit = build.visit(world.store, world.engineer, start=utc(2026, 3, 10, 15))
    # someone else changes the visit first: version 1 -> 2
    r = as_admin.patch(f"/api/visits/{visit.id}", json={"purpose": "first edit"})
    assert r.get_json()["version"] == 2
    client = as_engineer if path == "/check-in" else as_admin

    r = getattr(client, method)(f"/api/visits/{visit.id}{path}", json=body)
    assert r.status_code == 409, r.get_json()
    current = r.get_json()["current"]
    assert current["id"] == visit.id and current["version"] == 2
    assert current["purpose"] == "first edit" and current["status"] == "planned"
    stored = fetch(app, Visit, visit.id)
    assert (stored.version, stored.purpose, stored.status) == (2, "first edit", VisitStatus.PLANNED)


# --- the engineer's day: filters ----------------------------------------------------


def ids(client, query: str) -> list[int]:
    r = client.get(f"/api/visits?{query}")
    assert r.status_code == 200, r.get_json()
    return [v["id"] for v in r.get_json()["items"]]


def test_engineer_me_lists_only_my_visits(world, as_engineer, as_admin, build):
    mine = build.visit(world.store, world.engineer)
    build.visit(world.store, world.other_engineer)
    assert ids(as_engineer, "engineer=me") == [mine.id]
    assert ids(as_admin, f"engineer={world.engineer.id}") == [mine.id]
    assert len(ids(as_engineer, "")) == 2


def test_bad_engineer_filter_is_422(as_engineer):
    r = as_engineer.get("/api/visits?engineer=someone")
    assert r.status_code == 422 and "engineer" in errors_of(r)


def test_date_is_the_stores_local_day_in_each_zone(world, as_engineer, build):
    la = build.store(timezone="America/Los_Angeles")
    ny = build.store(timezone="America/New_York")
    at = utc(2026, 3, 5, 5, 30)  # 21:30 on 03-04 in Los Angeles, 00:30 on 03-05 in New York
    in_la = build.visit(la, world.engineer, start=at)
    in_ny = build.visit(ny, world.engineer, start=at)
    client = as_engineer
    assert ids(client, "engineer=me&date=2026-03-04") == [in_la.id]
    assert ids(client, "engineer=me&date=2026-03-05") == [in_ny.id]
    assert ids(client, "date=2026-03-06") == []


def test_date_across_the_spring_forward_change(world, as_engineer, build):
    chicago = world.store
    saturday_night = build.visit(chicago, world.engineer, start=utc(2026, 3, 8, 5, 30))
    # 00:30 CDT on Monday 03-09 (a fixed UTC-6 would put it at 23:30 on Sunday)
    monday_early = build.visit(chicago, world.engineer, start=utc(2026, 3, 9, 5, 30))
    client = as_engineer
    assert ids(client, "date=2026-03-07") == [saturday_night.id]  # 23:30 CST on Saturday
    assert ids(client, "date=2026-03-08") == []
    assert ids(client, "date=2026-03-09") == [monday_early.id]
    assert ids(client, "date_from=2026-03-07&date_to=2026-03-09") == [
        saturday_night.id,
        monday_early.id,
    ]


def test_date_across_the_fall_back_change(world, as_engineer, build):
    chicago = world.store
    sunday_late = build.visit(chicago, world.engineer, start=utc(2026, 11, 2, 5, 30))
    # 23:30 CST on Sunday 11-01 (the CDT offset UTC-5 would say 00:30 on Monday)
    assert ids(as_engineer, "date=2026-11-01") == [sunday_late.id]
    assert ids(as_engineer, "date=2026-11-02") == []


def test_filters_by_store_and_status(world, as_admin, build):
    other = build.store()
    planned = build.visit(world.store, world.engineer)
    done = build.visit(world.store, world.engineer, status=VisitStatus.COMPLETED)
    build.visit(other, world.engineer)
    client = as_admin
    assert sorted(ids(client, f"store_id={world.store.id}")) == sorted([planned.id, done.id])
    assert ids(client, f"store_id={world.store.id}&status=completed") == [done.id]
    r = client.get("/api/visits?status=finished")
    assert r.status_code == 422 and "status" in errors_of(r)
    r = client.get("/api/visits?date=2026-02-30")
    assert r.status_code == 422 and "date" in errors_of(r)


def test_each_change_moves_the_version_on_by_one(as_admin, as_engineer, visit):
    r = as_admin.patch(f"/api/visits/{visit.id}", json={"purpose": "Survey", "version": 1})
    assert r.get_json()["version"] == 2
    r = as_admin.patch(
        f"/api/visits/{visit.id}", json={"planned_start": "2026-03-04T14:00:00Z", "version": 2}
    )
    assert r.get_json()["version"] == 3
    r = check_in(as_engineer, visit, latitude=41.88, longitude=-87.63, version=3)
    assert r.get_json()["version"] == 4
    r = as_engineer.post(
        f"/api/visits/{visit.id}/check-out", json={"summary": "Done", "version": 4}
    )
    assert r.status_code == 200 and r.get_json()["version"] == 5
    assert as_admin.get(f"/api/visits/{visit.id}").get_json()["version"] == 5


def test_times_are_answered_in_utc_whatever_offset_was_sent(world, as_admin):
    r = as_admin.post(
        "/api/visits",
        json={
            "store_id": world.store.id,
            "engineer_id": world.engineer.id,
            "planned_start": "2026-03-10T09:00:00-05:00",
        },
    )
    created = r.get_json()
    assert created["planned_start"] == "2026-03-10T14:00:00+00:00"
    assert as_admin.get(f"/api/visits/{created['id']}").get_json() == created


def test_racing_updates_with_the_same_version_one_wins_one_gets_409(app, world, visit, login):

    clients = [login(world.admin) for _ in range(2)]
    answers = race(clients, f"/api/visits/{visit.id}/cancel", {"reason": "race", "version": 1})
    assert sorted(a.status_code for a in answers) == [200, 409], [a.get_json() for a in answers]
    loser = next(a for a in answers if a.status_code == 409).get_json()
    assert loser["current"]["version"] == 2 and loser["current"]["status"] == "cancelled"
    assert fetch(app, Visit, visit.id).version == 2
