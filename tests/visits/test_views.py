"""The visit pages: planning in store-local time, the plan form's limits, the list with bad
parameters."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fieldops.extensions import db
from fieldops.visits.models import Visit
from tests.helpers import list_page_naming

BIG = 2**70


def test_admin_plans_a_visit_in_store_local_time(now, world, browser_as_admin, build, app):
    store = build.store(timezone="America/Los_Angeles")
    engineer = world.engineer
    b = browser_as_admin
    r = b.submit(
        "/visits/new",
        {
            "store_id": store.id,
            "engineer_id": engineer.id,
            "day": "2026-03-10",
            "start": "09:30",
            "end": "11:00",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    with app.app_context():
        visit = db.session.scalars(db.select(Visit)).one()
        assert visit.planned_start == datetime(2026, 3, 10, 16, 30, tzinfo=UTC)  # PDT, UTC-7


def test_the_visit_pages_render_for_an_admin(world, build, browser_as_admin):
    visit = build.visit(world.store, world.engineer)
    for url in ["/visits", "/visits/new", f"/visits/{visit.id}/edit"]:
        assert browser_as_admin.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("url", "heading", "named"),
    [
        ("/visits?date=x", "<h1>Visits</h1>", "Date must be a date as YYYY-MM-DD"),
        (f"/visits?engineer={BIG}", "<h1>Visits</h1>", "Engineer: A user id is at most"),
        ("/visits?date=9999-12-31", "<h1>Visits</h1>", "Date must be from 1900-01-01"),
    ],
)
def test_a_list_page_with_a_bad_parameter_shows_the_list_and_names_it(
    browser_as_admin, build, url, heading, named
):
    build.store(name="Northside Motors")
    list_page_naming(browser_as_admin, url, heading, named)


def test_a_store_id_beyond_an_integer_column_in_the_plan_form_is_named(world, browser_as_admin):
    engineer = world.engineer
    r = browser_as_admin.submit(
        "/visits/new",
        {"store_id": str(BIG), "engineer_id": engineer.id, "day": "2026-03-05", "start": "10:00"},
    )
    assert r.status_code == 422
    assert "must be from -2147483648 to 2147483647" in r.get_data(as_text=True)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_visit_planned_out_of_range_is_refused_on_the_form(world, browser_as_admin, day):
    store, engineer = world.store, world.engineer
    r = browser_as_admin.submit(
        "/visits/new",
        {"store_id": store.id, "engineer_id": engineer.id, "day": day, "start": "23:00"},
    )
    assert r.status_code == 422
    assert "must be from 1900-01-01 to 2199-12-31." in r.get_data(as_text=True)
