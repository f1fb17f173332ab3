"""The support shift pages: the list, the form (errors next to fields), deactivation."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
import sqlalchemy as sa

from fieldops.extensions import db
from fieldops.shifts.models import ShiftKind, SupportShift
from tests.helpers import count, list_page_naming


def form(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Chicago nights",
        "timezone": "America/Chicago",
        "weekdays": ["0", "1", "2", "3", "4"],
        "start": "08:00",
        "end": "18:00",
        "covers": "region",
        "region": "Midwest",
        "kind": "onsite",
        "exceptions": "",
        **overrides,
    }


def stored(app: Any) -> SupportShift:
    with app.app_context():
        shift = db.session.scalars(sa.select(SupportShift)).one()
        shift.stores, shift.engineers, shift.exceptions  # noqa: B018  (load before detaching)
        db.session.expunge_all()
        return shift


def add(signed: Any, **overrides: Any) -> Any:
    r = signed.submit("/admin/shifts/new", form(**overrides))
    assert r.status_code == 302, r.get_data(as_text=True)
    return r


def test_admin_creates_a_past_midnight_shift_with_exceptions(app, build, browser_as_admin):
    a, b = build.store(name="Alpha Motors"), build.store(name="Bravo Motors")
    build.store(name="Charlie Cars")
    engineer = build.user("engineer", name="Bea Lopez")
    page = browser_as_admin.get("/admin/shifts/new").get_data(as_text=True)
    assert "Alpha Motors" in page and "Bea Lopez" in page
    assert '<option value="Asia/Manila" >Manila (Asia)</option>' in page  # zones by name
    r = browser_as_admin.submit(
        "/admin/shifts/new",
        form(
            timezone="America/New_York",
            weekdays=["4", "5"],
            start="22:00",
            end="06:00",
            covers="stores",
            region="Ignored when stores are chosen",
            store_ids=[str(a.id), str(b.id)],
            engineer_ids=[str(engineer.id)],
            kind="remote",
            exceptions="2026-12-25 off Christmas\n\n2026-12-31 18:00-23:00 New Year's Eve extra\n",
        ),
    )
    assert r.status_code == 302 and r.headers["Location"] == "/admin/shifts"
    shift = stored(app)
    assert (shift.timezone, shift.weekdays) == ("America/New_York", [4, 5])
    assert (shift.start_time, shift.end_time) == (time(22), time(6))
    assert shift.region is None and [s.name for s in shift.stores] == [
        "Alpha Motors",
        "Bravo Motors",
    ]
    assert [u.id for u in shift.engineers] == [engineer.id] and shift.kind == ShiftKind.REMOTE
    assert [(e.date, e.off, e.start_time, e.end_time, e.note) for e in shift.exceptions] == [
        (date(2026, 12, 25), True, None, None, "Christmas"),
        (date(2026, 12, 31), False, time(18), time(23), "New Year's Eve extra"),
    ]
    listing = browser_as_admin.get("/admin/shifts").get_data(as_text=True)
    assert "Shift Chicago nights saved." in listing
    assert "Fri, Sat" in listing and "22:00–06:00 (+1 day)" in listing
    assert "2 stores" in listing and "Bea Lopez" in listing and "Remote" in listing


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"timezone": "Mars/Olympus"}, "timezone", "Unknown time zone"),
        ({"weekdays": []}, "weekdays", "Choose at least one weekday."),
        ({"start": "8am"}, "start", "Start must be a time (HH:MM)."),
        ({"name": "  "}, "name", "Name is required."),
        ({"region": ""}, "region", "Region is required."),
        ({"covers": "stores"}, "store_ids", "Cover a region or at least one store"),
        ({"kind": "hybrid"}, "kind", "Kind must be one of: onsite, remote."),
        (
            {"exceptions": "2026-12-25 holiday"},
            "exceptions.0.start",
            "entry 1: Start must be a time",
        ),
        (
            {"exceptions": "2026-12-25 off\n2026-12-25 off again"},
            "exceptions",
            "At most one day off and one extra window per date.",
        ),
    ],
)
def test_form_errors_show_next_to_the_field_and_nothing_is_saved(
    app, browser_as_admin, overrides, field, message
):
    r = browser_as_admin.submit("/admin/shifts/new", form(**overrides))
    page = r.get_data(as_text=True)
    assert r.status_code == 422, page
    assert "Please check the form." in page and message in page
    if "." not in field:  # a whole field: the message sits under it, tied to it for readers
        assert f'<span class="field-error" id="{field}-error">' in page
    assert "exceptions.0" not in page  # in words, never the field's path
    if field != "name":
        assert 'value="Chicago nights"' in page  # what was typed is kept
    assert count(app, SupportShift) == 0


def test_unknown_engineer_is_shown_under_engineers(app, build, browser_as_admin):
    manager = build.user("manager")
    r = browser_as_admin.submit("/admin/shifts/new", form(engineer_ids=[str(manager.id)]))
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert f'id="engineer_ids-error">No active engineer with id {manager.id}.' in page
    assert count(app, SupportShift) == 0


def test_edit_shows_the_shift_switches_to_stores_and_deactivates(app, build, browser_as_admin):
    store = build.store(name="Delta Auto")
    add(browser_as_admin, exceptions="2026-07-04 off Independence Day")
    shift_id = stored(app).id
    page = browser_as_admin.get(f"/admin/shifts/{shift_id}/edit").get_data(as_text=True)
    assert 'value="Chicago nights"' in page and "2026-07-04 off Independence Day" in page
    assert 'value="4" aria-label="Friday" checked' in page
    assert 'value="5" aria-label="Saturday" >' in page
    assert "Deactivate shift" in page
    r = browser_as_admin.submit(
        f"/admin/shifts/{shift_id}/edit",
        form(covers="stores", store_ids=[str(store.id)], end="08:00", exceptions=""),
    )
    assert r.status_code == 302
    shift = stored(app)
    assert shift.region is None and [s.name for s in shift.stores] == ["Delta Auto"]
    assert shift.end_time == time(8) and shift.exceptions == []
    assert "08:00–08:00 (24 h)" in browser_as_admin.get("/admin/shifts").get_data(as_text=True)
    r = browser_as_admin.submit(
        f"/admin/shifts/{shift_id}/edit", {}, action=f"/admin/shifts/{shift_id}/deactivate"
    )
    assert r.status_code == 302 and stored(app).active is False
    page = browser_as_admin.get(f"/admin/shifts/{shift_id}/edit").get_data(as_text=True)
    assert "This shift is inactive" in page and "Reactivate shift" in page
    assert "Inactive" in browser_as_admin.get("/admin/shifts?active=false").get_data(as_text=True)
    assert "No shifts match." in browser_as_admin.get("/admin/shifts?active=true").get_data(
        as_text=True
    )
    r = browser_as_admin.submit(
        f"/admin/shifts/{shift_id}/edit", {}, action=f"/admin/shifts/{shift_id}/reactivate"
    )
    assert r.status_code == 302 and stored(app).active is True


def test_a_bad_edit_changes_nothing(app, browser_as_admin):
    add(browser_as_admin)
    shift_id = stored(app).id
    r = browser_as_admin.submit(f"/admin/shifts/{shift_id}/edit", form(name="Renamed", end="25:00"))
    assert r.status_code == 422 and 'id="end-error"' in r.get_data(as_text=True)
    assert stored(app).name == "Chicago nights"


def test_the_list_filters_by_region_and_admins_see_shifts_in_the_nav(browser_as_admin):
    add(browser_as_admin, name="Midwest days")
    add(browser_as_admin, name="South days", region="South")
    page = browser_as_admin.get("/admin/shifts?region=South").get_data(as_text=True)
    assert "South days" in page and "Midwest days" not in page
    assert "Region South" in page and "Mon–Fri" in page and "08:00–18:00" in page
    assert '<a href="/admin/shifts" aria-current="page">Shifts</a>' in page


def test_cio_sees_the_list_read_only(browser_as_admin, browser_as_cio):
    add(browser_as_admin)
    cio = browser_as_cio
    page = cio.get("/admin/shifts").get_data(as_text=True)
    assert "Chicago nights" in page
    assert "New shift" not in page and "/edit" not in page
    assert cio.get("/admin/shifts/new").status_code == 403


@pytest.mark.parametrize("role", ["engineer", "manager"])
def test_engineers_and_managers_may_not_see_shifts(signed_in, role, world):
    b = signed_in(getattr(world, role))
    assert b.get("/admin/shifts").status_code == 403
    assert b.get("/admin/shifts/new").status_code == 403


def test_cio_cannot_post_the_form_or_deactivate(app, browser_as_admin, browser_as_cio):
    add(browser_as_admin)
    shift_id = stored(app).id
    cio = browser_as_cio
    r = cio.submit("/account", form(name="CIO's"), action="/admin/shifts/new")
    assert r.status_code == 403
    r = cio.submit("/account", {}, action=f"/admin/shifts/{shift_id}/deactivate")
    assert r.status_code == 403
    assert stored(app).active and count(app, SupportShift) == 1


def test_unknown_shift_page_is_404(browser_as_admin):
    assert browser_as_admin.get("/admin/shifts/999999/edit").status_code == 404


@pytest.mark.parametrize(
    ("url", "heading", "named"),
    [("/admin/shifts?active=x", "<h1>Support shifts</h1>", "Active must be true or false")],
)
def test_a_list_page_with_a_bad_parameter_shows_the_list_and_names_it(
    browser_as_admin, build, url, heading, named
):
    build.store(name="Northside Motors")
    list_page_naming(browser_as_admin, url, heading, named)


def test_two_admins_editing_at_once_the_second_is_told(app, browser_as_admin):
    add(browser_as_admin)
    shift_id = stored(app).id
    url = f"/admin/shifts/{shift_id}/edit"
    page = browser_as_admin.get(url).get_data(as_text=True)
    assert 'name="version" value="1"' in page
    with app.app_context():  # another admin saves first
        shift = db.session.get(SupportShift, shift_id)
        shift.name = "Renamed by the other admin"
        db.session.commit()
    r = browser_as_admin.submit(url, form(name="Mine", version="1"))
    assert r.status_code == 409
    assert "Someone else saved this shift" in r.get_data(as_text=True)
    assert stored(app).name == "Renamed by the other admin"
    r = browser_as_admin.submit(url, form(name="Mine", version="2"))
    assert r.status_code == 302 and stored(app).name == "Mine"
