"""The store admin pages: the form (hours after midnight, errors next to fields), the list
with bad parameters, and who may reach them. (The store page itself, /stores/<id>, is in
tests/pages/test_store_page.py.)"""

from __future__ import annotations

import pytest

from tests.helpers import list_page_naming, refuses_nul

BIG = 2**70


def test_admin_creates_store_with_hours_after_midnight(browser_as_admin):
    b = browser_as_admin
    r = b.submit(
        "/stores/new",
        {
            "code": "NITE",
            "name": "Night Owl Motors",
            "timezone": "America/Denver",
            "kind": "dealership",
            "opens_4": "10:00",
            "closes_4": "01:00",
            "active": "true",
            "exceptions": "2026-12-25 closed Christmas",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    page = b.get(r.headers["Location"]).get_data(as_text=True)
    assert "10:00–01:00" in page and "+1 day" in page


def test_admin_store_form_shows_errors_next_to_fields(browser_as_admin):
    r = browser_as_admin.submit(
        "/stores/new", {"code": "X1", "name": "X", "timezone": "Mars/Olympus"}
    )
    assert r.status_code == 422
    assert "Unknown time zone" in r.get_data(as_text=True)


def test_the_store_pages_render_for_an_admin(world, browser_as_admin):
    for url in ["/stores", "/stores/new", f"/stores/{world.store.id}/edit"]:
        assert browser_as_admin.get(url).status_code == 200, url


def test_cio_cannot_reach_the_store_form(browser_as_cio):
    assert browser_as_cio.get("/stores/new").status_code == 403


@pytest.mark.parametrize(
    ("url", "heading", "named"),
    [
        ("/stores?page=x", "<h1>Stores</h1>", "Page must be a whole number"),
        (f"/stores?per_page={BIG}", "<h1>Stores</h1>", "Per page must be"),
    ],
)
def test_a_list_page_with_a_bad_parameter_shows_the_list_and_names_it(
    browser_as_admin, build, url, heading, named
):
    build.store(name="Northside Motors")
    page = list_page_naming(browser_as_admin, url, heading, named)
    assert "Northside Motors" in page  # the list, without the bad filter


def test_good_and_bad_parameters_together_keep_the_good_ones(browser_as_admin, build):
    build.store(name="Northside Motors", region="Midwest")
    build.store(name="Bayside Autos", region="West")
    r = browser_as_admin.get("/stores?region=West&page=x")
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Bayside Autos" in page
    assert "Northside Motors" not in page


@pytest.mark.parametrize("url", ["/stores?q=a%00b"])
def test_a_nul_in_a_page_query_is_refused(browser_as_admin, url):
    refuses_nul(browser_as_admin, url)


def test_the_store_form_takes_a_phone_and_refuses_letters_in_it(world, browser_as_admin):
    b = browser_as_admin
    edit = f"/stores/{world.store.id}/edit"
    assert 'type="tel"' in b.get(edit).get_data(as_text=True)
    r = b.submit(edit, {"phone": "call the desk"})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "Phone must be a phone number of 7 to 15 digits" in page
    assert 'value="call the desk"' in page
    assert b.submit(edit, {"phone": "+1 (312) 555-0100"}).status_code == 302
    assert b.get(edit).get_data(as_text=True).count('value="+1 (312) 555-0100"') == 1
    assert b.submit(edit, {"phone": "", "brand": ""}).status_code == 302  # emptied: cleared
    page = b.get(f"/stores/{world.store.id}").get_data(as_text=True)
    assert "555-0100" not in page
    assert 'name="phone" type="tel" value=""' in b.get(edit).get_data(as_text=True)


def test_bad_hours_and_exceptions_are_named_in_words_not_by_their_path(browser_as_admin):
    r = browser_as_admin.submit(
        "/stores/new",
        {
            "code": "X2",
            "name": "X",
            "timezone": "America/Denver",
            "kind": "dealership",
            "opens_4": "10:00",
            "closes_4": "25:00",
            "exceptions": "2026-13-45 closed Christmas",
        },
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Posted hours, entry 1: Closes must be a time (HH:MM)." in page
    assert "Dated exceptions, entry 1: Date must be a date as YYYY-MM-DD." in page
    assert "posted_hours." not in page and "exceptions.0" not in page


def test_the_store_form_edits_the_visit_settings(world, browser_as_admin):
    b = browser_as_admin
    edit = f"/stores/{world.store.id}/edit"
    form = b.get(edit).get_data(as_text=True)
    assert 'name="visit_minutes" type="number" value="120"' in form and 'step="5"' in form
    r = b.submit(edit, {"leadership_cadence_per_year": "13", "visit_minutes": "100"})
    assert r.status_code == 422
    assert "CIO visits a year must be between 0 and 12." in r.get_data(as_text=True)
    r = b.submit(edit, {"leadership_cadence_per_year": "2", "visit_minutes": "90"})
    assert r.status_code == 302
    page = b.get(f"/stores/{world.store.id}").get_data(as_text=True)
    assert "<dt>CIO visits</dt><dd>2 a year</dd>" in page
    assert "<dt>A visit takes</dt><dd>1 h 30 min</dd>" in page
