"""Today (/today): the engineer's visits of the day, checked in and out without JavaScript."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from fieldops.extensions import db
from fieldops.visits.models import Visit


def test_engineer_day_check_in_and_out(now, world, build, browser_as_engineer, app):
    store = build.store(name="Northside Toyota")
    engineer = world.engineer
    visit = build.visit(store, engineer, datetime(2026, 3, 4, 16, 0, tzinfo=UTC))
    b = browser_as_engineer
    today = b.get("/today").get_data(as_text=True)
    assert "Northside Toyota" in today and "10:00" in today  # 16:00 UTC is 10:00 in Chicago
    r = b.submit(
        "/today",
        {"latitude": "41.8781", "longitude": "-87.6298", "accuracy_m": "12"},
        action=f"/visits/{visit.id}/check-in",
    )
    assert r.status_code == 302
    page = b.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "Check out" in page
    r = b.submit(f"/visits/{visit.id}", {"summary": ""}, action=f"/visits/{visit.id}/check-out")
    assert r.status_code == 422 and "summary-error" in r.get_data(as_text=True)
    r = b.submit(
        f"/visits/{visit.id}",
        {"summary": "Replaced the AP", "departments_met": "sales"},
        action=f"/visits/{visit.id}/check-out",
    )
    assert r.status_code == 302
    with app.app_context():
        done = db.session.get(Visit, visit.id)
        assert done.status == "completed" and done.departments_met == ["sales"]
        assert done.distance_m is not None and done.far_from_store is False


def test_today_shows_the_date_and_the_drive_to_the_next_visit(
    now, world, build, browser_as_engineer
):
    chicago = build.store(name="Loop Honda", latitude=41.8781, longitude=-87.6298)
    milwaukee = build.store(name="Brew City Ford", latitude=43.0389, longitude=-87.9065)
    nowhere = build.store(name="Unmapped Kia", latitude=None, longitude=None)
    # Built out of order: the page lists them by planned start.
    build.visit(nowhere, world.engineer, datetime(2026, 3, 4, 23, 0, tzinfo=UTC))
    build.visit(milwaukee, world.engineer, datetime(2026, 3, 4, 20, 0, tzinfo=UTC))
    build.visit(chicago, world.engineer, datetime(2026, 3, 4, 16, 0, tzinfo=UTC))
    page = browser_as_engineer.get("/today").get_data(as_text=True)
    assert "Wednesday 4 March" in page  # 09:00 on Wednesday in Chicago
    assert page.index("Loop Honda") < page.index("Brew City Ford") < page.index("Unmapped Kia")
    # ~131 km great-circle × 1.3 at 60 km/h
    assert "≈ 170 min drive to Brew City Ford" in page
    assert "drive to Unmapped Kia" not in page  # no coordinates: no estimate
    assert page.count("min drive to") == 1


def test_today_without_visits_shows_the_date_in_the_default_zone(
    now, world, browser_as_engineer, app, monkeypatch
):
    monkeypatch.setitem(app.config, "DEFAULT_TIMEZONE", "Asia/Tokyo")  # already Thursday there
    page = browser_as_engineer.get("/today").get_data(as_text=True)
    assert "Thursday 5 March" in page and "No visits today." in page


def directions_of(page: str) -> dict[str, list[str]]:
    href = html.unescape(page.split("data-directions")[0].rsplit('href="', 1)[1].split('"')[0])
    assert href.startswith("https://www.google.com/maps/dir/?")
    return parse_qs(urlsplit(href).query)


def test_directions_for_the_day_drive_the_stops_in_route_order(
    now, app, world, build, browser_as_engineer, as_admin
):
    loop = build.store(name="Loop Honda", latitude=41.8781, longitude=-87.6298)
    brew = build.store(name="Brew City Ford", latitude=43.0389, longitude=-87.9065)
    gone = build.store(name="Gone Kia", latitude=42.0, longitude=-88.0)
    build.visit(brew, world.engineer, datetime(2026, 3, 4, 20, 0, tzinfo=UTC))
    build.visit(loop, world.engineer, datetime(2026, 3, 4, 16, 0, tzinfo=UTC))
    build.visit(loop, world.engineer, datetime(2026, 3, 4, 18, 0, tzinfo=UTC))  # same store
    build.visit(gone, world.engineer, datetime(2026, 3, 4, 19, 0, tzinfo=UTC), status="cancelled")
    query = directions_of(browser_as_engineer.get("/today").get_data(as_text=True))
    # no base: from the first stop to the last
    assert query["origin"] == ["41.878100,-87.629800"]
    assert query["destination"] == ["43.038900,-87.906500"] and "waypoints" not in query
    assert query["travelmode"] == ["driving"]

    r = as_admin.patch(
        f"/api/users/{world.engineer.id}", json={"home": {"latitude": 41.9, "longitude": -87.7}}
    )
    assert r.status_code == 200, r.get_json()
    query = directions_of(browser_as_engineer.get("/today").get_data(as_text=True))
    assert query["origin"] == query["destination"] == ["41.900000,-87.700000"]  # home and back
    assert query["waypoints"] == ["41.878100,-87.629800|43.038900,-87.906500"]


def test_no_directions_without_a_mapped_stop(now, world, build, browser_as_engineer):
    nowhere = build.store(name="Unmapped Kia", latitude=None, longitude=None)
    build.visit(nowhere, world.engineer, datetime(2026, 3, 4, 16, 0, tzinfo=UTC))
    assert "data-directions" not in browser_as_engineer.get("/today").get_data(as_text=True)
