"""The user admin pages: users, API tokens (shown once) and the audit log, with bad list
parameters and who may reach them."""

from __future__ import annotations

import pytest

from tests.helpers import list_page_naming, refuses_nul


def test_admin_creates_a_token_shown_once(world, browser_as_admin):
    engineer = world.engineer
    b = browser_as_admin
    r = b.submit("/admin/tokens", {"name": "Door counter", "user_id": engineer.id})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "fo_" in html and "shown only once" in html
    assert "shown only once" not in b.get("/admin/tokens").get_data(as_text=True)


def test_audit_log_shows_admin_actions(browser_as_admin, browser_as_cio):
    b = browser_as_admin  # Ada Admin
    b.submit("/stores/new", {"code": "AUD1", "name": "Audit Motors", "timezone": "America/Chicago"})
    page = b.get("/admin/audit").get_data(as_text=True)
    assert "Store added" in page and "Ada Admin" in page
    assert browser_as_cio.get("/admin/audit").status_code == 403


def test_the_user_pages_render_for_an_admin(world, browser_as_admin):
    for url in [
        "/admin/users",
        "/admin/users/new",
        f"/admin/users/{world.engineer.id}/edit",
        "/admin/tokens",
    ]:
        assert browser_as_admin.get(url).status_code == 200, url


def test_cio_cannot_reach_the_user_form(browser_as_cio):
    assert browser_as_cio.get("/admin/users/new").status_code == 403


@pytest.mark.parametrize(
    ("url", "heading", "named"),
    [("/admin/users?role=x", "<h1>Users</h1>", "Role must be one of: admin")],
)
def test_a_list_page_with_a_bad_parameter_shows_the_list_and_names_it(
    browser_as_admin, build, url, heading, named
):
    build.store(name="Northside Motors")
    list_page_naming(browser_as_admin, url, heading, named)


@pytest.mark.parametrize("url", ["/admin/users?q=%00"])
def test_a_nul_in_a_page_query_is_refused(browser_as_admin, url):
    refuses_nul(browser_as_admin, url)


def test_the_user_form_asks_for_a_managers_store(world, browser_as_admin):
    form = {"email": "mo@example.test", "name": "Mo", "role": "manager"}
    r = browser_as_admin.submit("/admin/users/new", form | {"password": "long enough secret"})
    assert r.status_code == 422
    assert "runs at least one store" in r.get_data(as_text=True)
    r = browser_as_admin.submit(
        "/admin/users/new",
        form | {"password": "long enough secret", "store_ids": world.store.id},
    )
    assert r.status_code == 302, r.get_data(as_text=True)
