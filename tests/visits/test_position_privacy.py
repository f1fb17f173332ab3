"""Where an engineer checked in is for that engineer, admins and the CIO: other engineers and
managers see the visit without its position, accuracy and distance, in the API and the pages.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

POSITION = {
    "check_in_latitude",
    "check_in_longitude",
    "check_in_accuracy_m",
    "distance_m",
    "far_from_store",
}
SEES = {"owner": True, "admin": True, "cio": True, "other": False, "manager": False}
# who -> the person of the shared world
PEOPLE = {
    "owner": "engineer",
    "admin": "admin",
    "cio": "cio",
    "other": "other_engineer",
    "manager": "manager",
}


@pytest.fixture
def visit(now, world, build, as_engineer):
    """A visit world.engineer (its owner) checked in to from about 1.1 km away."""
    visit = build.visit(world.store, world.engineer, datetime(2026, 3, 4, 14, tzinfo=UTC))
    r = as_engineer.post(
        f"/api/visits/{visit.id}/check-in",
        json={"latitude": 41.8881, "longitude": -87.6298, "accuracy_m": 20},
    )
    assert r.status_code == 200 and r.get_json()["far_from_store"] is True
    return visit


@pytest.mark.parametrize("who", SEES)
def test_the_api_shows_the_position_only_to_those_it_is_for(world, visit, login, who):
    client = login(getattr(world, PEOPLE[who]))
    one = client.get(f"/api/visits/{visit.id}").get_json()
    [listed] = client.get("/api/visits").get_json()["items"]
    for shown in (one, listed):
        assert shown["id"] == visit.id and shown["status"] == "checked_in"
        assert POSITION & set(shown) == (POSITION if SEES[who] else set()), sorted(shown)
    if SEES[who]:
        assert one["check_in_latitude"] == 41.8881 and 1100 < one["distance_m"] < 1125


DISTANCE = re.compile(r"\d+ m from the store")


@pytest.mark.parametrize("who", SEES)
def test_the_pages_show_the_distance_only_to_those_it_is_for(world, visit, signed_in, who):
    browser = signed_in(getattr(world, PEOPLE[who]))
    page = browser.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "Alpha Motors" in page and "Checked in" in page
    assert bool(DISTANCE.search(page)) is SEES[who]
    listing = browser.get("/visits?date=2026-03-04").get_data(as_text=True)
    assert f"/visits/{visit.id}" in listing
    assert ("m from the store" in listing) is SEES[who]


def test_the_page_saved_for_offline_use_is_the_engineers_own(world, visit, signed_in):
    """Today lists the visit's page for the phone to save; it carries the engineer's own
    distance, and another engineer's Today does not list it."""
    owner = signed_in(world.engineer)
    meta = re.search(
        r'name="offline-pages" content="([^"]*)"', owner.get("/today").get_data(as_text=True)
    )
    assert meta and f"/visits/{visit.id}" in meta[1]
    assert DISTANCE.search(owner.get(f"/visits/{visit.id}").get_data(as_text=True))
    other_today = signed_in(world.other_engineer).get("/today").get_data(as_text=True)
    assert f"/visits/{visit.id}" not in other_today
