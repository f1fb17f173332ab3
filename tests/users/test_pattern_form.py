"""The working pattern on the admin's user form: flat fields in, the user's pattern out;
mistakes shown on the form in words, under the part they are about."""

from __future__ import annotations

import html

from werkzeug.datastructures import MultiDict


def post(browser, url: str, form: MultiDict):
    """The form posted with its repeated fields (checkboxes) kept."""
    form.add("csrf_token", browser.token(url))
    return browser.client.post(url, data=form)


def engineer_form(world, **changes) -> MultiDict:
    engineer = world.engineer
    fields = {
        "name": engineer.name,
        "email": engineer.email,
        "role": "engineer",
        "active": "true",
        "pattern": "1",
        "home_store_id": "",
        "home_latitude": "41.88",
        "home_longitude": "-87.63",
        "work_start": "07:30",
        "work_end": "16:00",
        "max_visits_per_day": "4",
        "days_off": "2026-03-20, 2026-03-13",
        "trips": f"2026-03-17 {world.store.code} Fly to Denver",
        **changes,
    }
    form = MultiDict(fields)
    for day in changes.pop("weekdays", ["0", "1", "2", "3"]):
        form.add("work_weekdays", day)
    form.add("regions", "Midwest")
    return form


def test_the_admin_sets_a_pattern_on_the_form(world, browser_as_admin, as_admin):
    url = f"/admin/users/{world.engineer.id}/edit"
    page = browser_as_admin.get(url).get_data(as_text=True)
    assert "Working pattern" in page and 'value="08:00"' in page  # the defaults
    r = post(browser_as_admin, url, engineer_form(world))
    assert r.status_code == 302, html.unescape(r.get_data(as_text=True))[:3000]
    body = as_admin.get(f"/api/users/{world.engineer.id}").get_json()
    assert body["home"] == {"latitude": 41.88, "longitude": -87.63}
    assert body["working_hours"] == {"weekdays": [0, 1, 2, 3], "start": "07:30", "end": "16:00"}
    assert (body["regions"], body["max_visits_per_day"]) == (["Midwest"], 4)
    assert body["days_off"] == ["2026-03-13", "2026-03-20"]
    assert body["trips"] == [
        {"date": "2026-03-17", "base": {"store_id": world.store.id}, "note": "Fly to Denver"}
    ]
    page = html.unescape(browser_as_admin.get(url).get_data(as_text=True))
    assert f"2026-03-17 {world.store.code} Fly to Denver" in page  # shown as it was typed


def test_mistakes_are_shown_under_their_part_and_nothing_is_saved(
    world, browser_as_admin, as_admin
):
    url = f"/admin/users/{world.engineer.id}/edit"
    before = as_admin.get(f"/api/users/{world.engineer.id}").get_json()
    form = engineer_form(world, work_end="06:00", trips="2026-03-17 NOPE\n2026-02-30 x")
    r = post(browser_as_admin, url, form)
    assert r.status_code == 422
    page = html.unescape(r.get_data(as_text=True))
    assert "Line 1: no store has the code NOPE." in page
    assert "2026-02-30 x" in page and 'value="06:00"' in page  # typed values kept
    form = engineer_form(world, work_end="06:00", trips=f"2026-02-30 {world.store.code}")
    page = html.unescape(post(browser_as_admin, url, form).get_data(as_text=True))
    assert "End must be after the start" in page
    assert "Trips, entry 1: Date must be a date as YYYY-MM-DD." in page
    assert as_admin.get(f"/api/users/{world.engineer.id}").get_json() == before


def test_a_manager_s_form_has_no_pattern_to_save(world, browser_as_admin, as_admin):
    manager = world.manager
    url = f"/admin/users/{manager.id}/edit"
    form = MultiDict(
        {"name": manager.name, "email": manager.email, "role": "manager", "active": "true",
         "store_ids": str(world.store.id), "work_start": "07:00", "work_end": "16:00"}
    )  # fmt: skip
    r = post(browser_as_admin, url, form)
    assert r.status_code == 302
    assert "working_hours" not in as_admin.get(f"/api/users/{manager.id}").get_json()
