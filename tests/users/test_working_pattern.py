"""Engineers' (and the CIO's) working pattern on /api/users: base, working hours, regions,
visits a day, days off and trip days (what the visit planner will plan around)."""

from __future__ import annotations

import pytest

from tests.helpers import errors_of

PATTERN = {
    "home": {"latitude": 41.88, "longitude": -87.63},
    "working_hours": {"weekdays": [0, 1, 2, 3], "start": "07:30", "end": "16:00"},
    "regions": ["Midwest"],
    "max_visits_per_day": 4,
    "days_off": ["2026-03-20", "2026-03-13"],
}


def test_a_new_engineer_works_the_default_pattern(as_admin, world):
    body = as_admin.get(f"/api/users/{world.engineer.id}").get_json()
    assert body["home"] is None and body["regions"] == []
    assert body["working_hours"] == {"weekdays": [0, 1, 2, 3, 4], "start": "08:00", "end": "17:00"}
    assert (body["max_visits_per_day"], body["days_off"], body["trips"]) == (3, [], [])


def test_the_admin_sets_an_engineer_s_pattern_and_reads_it_back(as_admin, world, login):
    store = world.store
    trips = [{"date": "2026-03-17", "base": {"store_id": store.id}, "note": "Fly to Denver"}]
    r = as_admin.patch(f"/api/users/{world.engineer.id}", json={**PATTERN, "trips": trips})
    assert r.status_code == 200, r.get_json()
    for body in (r.get_json(), as_admin.get(f"/api/users/{world.engineer.id}").get_json()):
        assert body["home"] == PATTERN["home"]
        assert body["working_hours"] == PATTERN["working_hours"]
        assert (body["regions"], body["max_visits_per_day"]) == (["Midwest"], 4)
        assert body["days_off"] == ["2026-03-13", "2026-03-20"]
        assert body["trips"] == [
            {"date": "2026-03-17", "base": {"store_id": store.id}, "note": "Fly to Denver"}
        ]
    # the engineer reads their own pattern too
    assert login(world.engineer).get("/api/me").get_json()["max_visits_per_day"] == 4
    # new days off keep the trips; a store as base replaces the point
    r = as_admin.patch(
        f"/api/users/{world.engineer.id}",
        json={"days_off": ["2026-04-01"], "home": {"store_id": store.id}},
    )
    body = r.get_json()
    assert (body["days_off"], len(body["trips"])) == (["2026-04-01"], 1)
    assert body["home"] == {"store_id": store.id}
    # the same day off again, as it was (the rows are replaced, not duplicated)
    r = as_admin.patch(f"/api/users/{world.engineer.id}", json={"days_off": ["2026-04-01"]})
    assert r.status_code == 200 and r.get_json()["days_off"] == ["2026-04-01"]


def test_the_cio_has_a_pattern_and_other_roles_none(as_admin, world):
    r = as_admin.patch(f"/api/users/{world.cio.id}", json={"max_visits_per_day": 2})
    assert r.status_code == 200 and r.get_json()["max_visits_per_day"] == 2
    r = as_admin.patch(f"/api/users/{world.manager.id}", json={"max_visits_per_day": 2})
    assert r.status_code == 422 and "max_visits_per_day" in errors_of(r), r.get_json()
    body = as_admin.get(f"/api/users/{world.manager.id}").get_json()
    assert not {"home", "working_hours", "trips", "days_off"} & set(body)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"home": {"latitude": 41.0}}, "home"),
        ({"home": {"latitude": 91, "longitude": 0}}, "home"),
        ({"home": {"latitude": 41, "longitude": -87, "store_id": 1}}, "home"),
        ({"home": {"store_id": 99999}}, "home.store_id"),
        ({"working_hours": {"weekdays": [0], "start": "17:00", "end": "08:00"}}, "working_hours"),
        ({"working_hours": {"weekdays": [7], "start": "08:00", "end": "17:00"}}, "working_hours"),
        ({"working_hours": {"weekdays": [], "start": "08:00", "end": "17:00"}}, "working_hours"),
        ({"regions": ["Atlantis"]}, "regions"),
        ({"max_visits_per_day": 0}, "max_visits_per_day"),
        ({"days_off": ["2026-02-30"]}, "days_off"),
        (
            {
                "days_off": ["2026-03-17"],
                "trips": [{"date": "2026-03-17", "base": "STORE"}],
            },
            "trips.0.date",
        ),
        ({"trips": [{"date": "2026-03-17"}]}, "trips"),
    ],
)
def test_a_bad_pattern_is_refused_naming_the_field(as_admin, world, payload, field):
    for trip in payload.get("trips", []):
        if trip.get("base") == "STORE":
            trip["base"] = {"store_id": world.store.id}
    before = as_admin.get(f"/api/users/{world.engineer.id}").get_json()
    r = as_admin.patch(f"/api/users/{world.engineer.id}", json=payload)
    assert r.status_code == 422, r.get_json()
    assert any(key == field or key.startswith(field + ".") for key in errors_of(r)), r.get_json()
    assert as_admin.get(f"/api/users/{world.engineer.id}").get_json() == before
