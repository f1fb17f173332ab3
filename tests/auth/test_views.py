"""The sign-in pages: the form, where it leads, and the pages that need it."""

from __future__ import annotations

import pytest


def test_sign_in_page_and_bad_password(browser, world):
    user = world.engineer
    assert browser.get("/login").status_code == 200
    r = browser.submit("/login", {"email": user.email, "password": "wrong password"})
    assert r.status_code == 401
    assert "The email or password is not correct." in r.get_data(as_text=True)


def test_pages_need_sign_in(browser):
    r = browser.get("/today")
    assert r.status_code == 302 and "/login?next=" in r.headers["Location"]


def test_next_only_redirects_within_the_site(browser, build, world):
    user = world.engineer
    r = browser.submit(
        "/login", {"email": user.email, "password": build.PASSWORD, "next": "https://evil.example/"}
    )
    assert r.headers["Location"] == "/"
    browser2 = type(browser)(browser.client.application)
    r = browser2.submit("/login?next=/stores", {"email": user.email, "password": build.PASSWORD})
    assert r.headers["Location"] == "/stores"


@pytest.mark.parametrize(
    ("role", "home"),
    [
        ("engineer", "/today"),
        ("manager", "/my-store"),
        ("cio", "/overview"),
        ("admin", "/overview"),
    ],
)
def test_each_role_starts_on_its_page(signed_in, world, role, home):
    page = signed_in(getattr(world, role)).get("/")
    assert page.status_code == 302 and page.headers["Location"] == home


def test_the_account_page_renders_for_an_admin(browser_as_admin):
    assert browser_as_admin.get("/account").status_code == 200
