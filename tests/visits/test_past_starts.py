"""A visit planned to start more than an hour ago is most likely a slip: it needs `past`.

NOW is Wednesday 2026-03-04 15:00 UTC.
"""

from __future__ import annotations

import pytest

from fieldops.visits.models import Visit
from tests.helpers import count, errors_of, fetch
from tests.visits.helpers import utc

pytestmark = pytest.mark.usefixtures("now")


def plan(client, world, start: str, **extra):
    body = {"store_id": world.store.id, "engineer_id": world.engineer.id, "planned_start": start}
    return client.post("/api/visits", json=body | extra)


def test_a_start_more_than_an_hour_ago_is_refused_and_nothing_is_planned(app, world, as_admin):
    r = plan(as_admin, world, "2026-03-04T13:59:00Z")
    assert r.status_code == 422
    assert "mark it as past" in errors_of(r)["planned_start"][0]
    assert count(app, Visit) == 0


def test_an_hour_ago_is_still_planned(world, as_admin):
    assert plan(as_admin, world, "2026-03-04T14:00:00Z").status_code == 201


def test_past_true_records_a_visit_that_already_happened(world, as_admin):
    r = plan(as_admin, world, "2026-02-20T15:00:00Z", past=True)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["local_date"] == "2026-02-20"
    assert "past" not in r.get_json()


def test_moving_a_visit_into_the_past_needs_past_too(app, world, as_admin, build):
    visit = build.visit(world.store, world.engineer, start=utc(2026, 3, 10, 15))
    late = {"planned_start": "2026-03-01T15:00:00Z", "version": 1}
    r = as_admin.patch(f"/api/visits/{visit.id}", json=late)
    assert r.status_code == 422 and "planned_start" in errors_of(r)
    assert fetch(app, Visit, visit.id).planned_start == utc(2026, 3, 10, 15)
    r = as_admin.patch(f"/api/visits/{visit.id}", json=late | {"past": True})
    assert r.status_code == 200, r.get_json()


def test_the_plan_form_asks_to_tick_past(world, browser_as_admin):
    form = {"store_id": world.store.id, "engineer_id": world.engineer.id, "day": "2026-03-02"}
    r = browser_as_admin.submit("/visits/new", form | {"start": "09:00"})
    assert r.status_code == 422
    assert "mark it as past" in r.get_data(as_text=True)
    r = browser_as_admin.submit("/visits/new", form | {"start": "09:00", "past": "true"})
    assert r.status_code == 302, r.get_data(as_text=True)
