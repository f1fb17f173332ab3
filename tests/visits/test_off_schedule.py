"""A check-in more than 120 minutes from the planned start: asked about on the page, and
marked `off_schedule` on the visit. NOW is Wednesday 2026-03-04 15:00 UTC."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fieldops.visits.models import Visit, VisitStatus
from tests.helpers import fetch

pytestmark = pytest.mark.usefixtures("now")


@pytest.mark.parametrize(("minutes", "marked"), [(120, False), (121, True), (-121, True)])
def test_the_api_marks_a_check_in_far_from_the_planned_start(
    world, build, as_engineer, now, minutes, marked
):
    visit = build.visit(world.store, world.engineer, now - timedelta(minutes=minutes))
    r = as_engineer.post(f"/api/visits/{visit.id}/check-in", json={})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["off_schedule"] is marked


def test_the_page_asks_before_checking_in_three_hours_late(
    app, world, build, browser_as_engineer, now
):
    visit = build.visit(world.store, world.engineer, now - timedelta(hours=3))
    page = f"/visits/{visit.id}"
    r = browser_as_engineer.submit(page, {"version": 1}, action=f"{page}/check-in")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "checking in 180 minutes after the planned start" in html
    assert fetch(app, Visit, visit.id).status == VisitStatus.PLANNED
    r = browser_as_engineer.submit(
        page, {"version": 1, "confirm": "yes"}, action=f"{page}/check-in"
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    saved = fetch(app, Visit, visit.id)
    assert saved.status == VisitStatus.CHECKED_IN and saved.off_schedule


def test_a_check_in_on_time_is_not_asked_about(app, world, build, browser_as_engineer, now):
    visit = build.visit(world.store, world.engineer, now - timedelta(minutes=30))
    page = f"/visits/{visit.id}"
    r = browser_as_engineer.submit(page, {"version": 1}, action=f"{page}/check-in")
    assert r.status_code == 302
    assert not fetch(app, Visit, visit.id).off_schedule
