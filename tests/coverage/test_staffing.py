"""Only shifts with at least one active engineer cover anything."""

from __future__ import annotations

from fieldops.auth.models import User
from fieldops.extensions import db
from tests.coverage import helpers

WEEK = "from=2026-03-02&days=7"  # NOW: Wednesday 2026-03-04


def covered(client, code: str) -> int:
    body = client.get(f"/api/coverage?{WEEK}").get_json()
    return next(i for i in body["items"] if i["code"] == code)["posted"]["covered_minutes"]


def test_a_shift_without_engineers_covers_nothing(now, app, build, as_cio):
    store = build.store(code="NOBODY")
    helpers.add_shift(app, stores=[store], engineers=[])
    assert covered(as_cio, "NOBODY") == 0


def test_a_shift_whose_only_engineer_left_covers_nothing(now, app, build, as_cio):
    store = build.store(code="LEFT")
    engineer = build.user("engineer")
    helpers.add_shift(app, stores=[store], engineers=[engineer])
    assert covered(as_cio, "LEFT") == 5 * 660  # Mon-Fri 09:00-20:00 within 08:00-20:00
    with app.app_context():
        db.session.get(User, engineer.id).active = False
        db.session.commit()
    assert covered(as_cio, "LEFT") == 0


def test_adding_an_engineer_makes_a_shift_cover(now, app, build, as_cio, as_admin):
    store = build.store(code="STAFFED")
    shift_id = helpers.add_shift(app, stores=[store], engineers=[])
    engineer = build.user("engineer")
    r = as_admin.patch(f"/api/shifts/{shift_id}", json={"engineer_ids": [engineer.id]})
    assert r.status_code == 200, r.get_json()
    assert covered(as_cio, "STAFFED") == 5 * 660


def test_an_engineer_who_became_an_admin_staffs_nothing(now, app, build, as_cio):
    store = build.store(code="PROMOTED")
    engineer = build.user("engineer")
    helpers.add_shift(app, stores=[store], engineers=[engineer])
    with app.app_context():
        db.session.get(User, engineer.id).role = "admin"
        db.session.commit()
    assert covered(as_cio, "PROMOTED") == 0
