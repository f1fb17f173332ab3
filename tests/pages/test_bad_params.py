"""Pages with bad parameters answer 422 with the page itself, naming what was wrong.

A filter link edited by hand (or a stale bookmark) must not end in a 500: the list is
shown without the bad filter, and a message names the parameter and what it accepts.
"""

from __future__ import annotations

import io

import pytest

from fieldops.hours.models import Signal
from tests.helpers import count

BIG = 2**70
INT_MAX = 2**31 - 1


@pytest.mark.parametrize(
    ("url", "heading", "named"),
    [
        ("/issues?page=0", "<h1>Issues</h1>", "page: Must be greater than or equal to 1"),
        ("/issues?page=x", "<h1>Issues</h1>", "page: Must be a whole number"),
        ("/issues?category=x", "<h1>Issues</h1>", "category: Must be one of: wifi"),
        ("/issues?store_id=1.5", "<h1>Issues</h1>", "store_id: Must be a whole number"),
        ("/visits?date=x", "<h1>Visits</h1>", "date: Must be a date as YYYY-MM-DD"),
        (f"/visits?engineer={BIG}", "<h1>Visits</h1>", "engineer: A user id is at most"),
        (f"/issues?assignee={BIG}", "<h1>Issues</h1>", "assignee: A user id is at most"),
        ("/visits?date=9999-12-31", "<h1>Visits</h1>", "date: Must be from 1900-01-01"),
        ("/stores?page=x", "<h1>Stores</h1>", "page: Must be a whole number"),
        (f"/stores?per_page={BIG}", "<h1>Stores</h1>", "per_page: Must be"),
        ("/admin/users?role=x", "<h1>Users</h1>", "role: Must be one of: admin"),
        ("/admin/shifts?active=x", "<h1>Support shifts</h1>", "active: Must be true or false"),
    ],
)
def test_a_list_page_with_a_bad_parameter_shows_the_list_and_names_it(
    browser_as_admin, build, url, heading, named
):
    build.store(name="Northside Motors")
    r = browser_as_admin.get(url)
    page = r.get_data(as_text=True)
    assert r.status_code == 422, page[:500]
    assert heading in page
    assert named in page
    if url.startswith("/stores"):
        assert "Northside Motors" in page  # the list, without the bad filter


def test_good_and_bad_parameters_together_keep_the_good_ones(browser_as_admin, build):
    build.store(name="Northside Motors", region="Midwest")
    build.store(name="Bayside Autos", region="West")
    r = browser_as_admin.get("/stores?region=West&page=x")
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Bayside Autos" in page
    assert "Northside Motors" not in page


@pytest.mark.parametrize(
    "url",
    [
        "/stores?q=a%00b",
        "/overview?region=%00",
        "/issues?assignee=%00",
        "/admin/users?q=%00",
    ],
)
def test_a_nul_in_a_page_query_is_refused(browser_as_admin, url):
    r = browser_as_admin.get(url)
    assert r.status_code == 422
    assert "NUL" in r.get_data(as_text=True)


def test_an_id_beyond_an_integer_column_in_a_page_query_is_not_found(browser_as_admin):
    assert browser_as_admin.get(f"/observations/new?store_id={INT_MAX + 1}").status_code == 404


def test_a_store_id_beyond_an_integer_column_in_the_plan_form_is_named(
    browser_as_admin, build, app
):
    engineer = build.user("engineer")
    r = browser_as_admin.submit(
        "/visits/new",
        {"store_id": str(BIG), "engineer_id": engineer.id, "day": "2026-03-05", "start": "10:00"},
    )
    assert r.status_code == 422
    assert "Must be from -2147483648 to 2147483647" in r.get_data(as_text=True)


def import_csv(browser, text: str, **extra):
    return browser.submit(
        "/admin/signals/import",
        {"file": (io.BytesIO(text.encode()), "evidence.csv"), "action": "import", **extra},
        content_type="multipart/form-data",
    )


def test_a_store_id_beyond_an_integer_column_in_the_signal_import_is_no_store(
    browser_as_admin, app
):
    r = import_csv(
        browser_as_admin, "source,at\ntransaction,2026-03-03T17:12:00-06:00\n", store_id=BIG
    )
    assert r.status_code == 200
    assert "store_code: Missing (or choose a store" in r.get_data(as_text=True)
    assert count(app, Signal) == 0


def test_a_csv_with_a_nul_is_refused_naming_its_line(browser_as_admin, app, build):
    build.store(code="CHI1")
    text = "store_code,source,at,id\nCHI1,transaction,2026-03-03T17:12:00-06:00,INV\x00-1\n"
    r = import_csv(browser_as_admin, text)
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "NUL character" in page
    assert count(app, Signal) == 0


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_visit_planned_out_of_range_is_refused_on_the_form(browser_as_admin, build, day):
    store, engineer = build.store(), build.user("engineer")
    r = browser_as_admin.submit(
        "/visits/new",
        {"store_id": store.id, "engineer_id": engineer.id, "day": day, "start": "23:00"},
    )
    assert r.status_code == 422
    assert "Must be from 1900-01-01 to 2199-12-31." in r.get_data(as_text=True)
