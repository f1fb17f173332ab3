"""Today (/today): the engineer's visits of the day, checked in and out without JavaScript."""

from __future__ import annotations

from datetime import UTC, datetime

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
