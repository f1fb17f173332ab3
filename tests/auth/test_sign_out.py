"""Signing out ends the session on the server: copied cookies stop working (issue 9, item 1).

Run on the production configuration (secure cookies over HTTPS, strict CSRF referrer
check), as a new user would meet it: sign in, copy the cookies elsewhere, sign out.
"""

from __future__ import annotations

import pytest

from tests.auth.devices import api_device, copy_of, form_device, redirects_to_login
from tests.builders import Builder
from tests.conftest import HTTPS_HOST, Browser


@pytest.mark.parametrize("remember", [False, True])
def test_copied_cookies_stop_working_after_the_api_logout(production, build, remember):
    device = api_device(production, build.user("engineer"), remember)
    copies = [copy_of(production, device.client, ("session",))]
    if remember:
        copies.append(copy_of(production, device.client, ("remember_token",)))
    assert [c.get("/api/me").status_code for c in copies] == [200] * len(copies)

    assert device.post("/api/auth/logout").get_json() == {"status": "signed_out"}

    assert [c.get("/api/me").status_code for c in copies] == [401] * len(copies)
    assert all(redirects_to_login(c.get("/today")) for c in copies)


def test_copied_cookies_stop_working_after_the_sign_out_form(production, build):
    device = form_device(production, build.user("engineer"), remember=True)
    session_copy = copy_of(production, device.client, ("session",))
    remember_copy = copy_of(production, device.client, ("remember_token",))
    assert session_copy.get("/today").status_code == 200
    assert remember_copy.get("/api/me").status_code == 200

    assert redirects_to_login(device.submit("/account", {}, action="/logout"))

    assert redirects_to_login(session_copy.get("/today"))
    assert session_copy.get("/api/me").status_code == 401
    assert remember_copy.get("/api/me").status_code == 401
    assert redirects_to_login(remember_copy.get("/account"))


def test_signing_out_leaves_the_users_other_sessions_signed_in(production, build):
    user = build.user("engineer")
    phone, laptop = api_device(production, user), form_device(production, user, remember=True)
    laptop_copy = copy_of(production, laptop.client, ("remember_token",))
    assert phone.post("/api/auth/logout").status_code == 200
    assert phone.get("/api/me").status_code == 401
    assert laptop.get("/api/me").get_json()["id"] == user.id
    assert laptop.get("/today").status_code == 200
    assert laptop_copy.get("/api/me").status_code == 200


def test_signing_in_again_replaces_this_devices_session(production, build):
    user = build.user("engineer")
    device = form_device(production, user, remember=True)
    old_remember = copy_of(production, device.client, ("remember_token",))
    data = {"email": user.email, "password": Builder.PASSWORD}
    again = device.submit("/account", data, action="/login")
    assert again.status_code == 302
    assert old_remember.get("/api/me").status_code == 401
    assert device.client.get_cookie("remember_token", domain=HTTPS_HOST) is None
    assert device.get("/api/auth/sessions").get_json()["total"] == 1


def test_sessions_are_listed_and_ended_one_by_one(production, build):
    user = build.user("engineer")
    phone = api_device(production, user)
    laptop = api_device(production, user, agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")
    stranger = api_device(production, build.user("engineer"))

    listed = phone.get("/api/auth/sessions").get_json()
    assert listed["total"] == 2
    mine = {s["device"]: s for s in listed["items"]}
    assert set(mine) == {"Chrome on Android", "Firefox on Linux"}
    assert mine["Chrome on Android"]["current"] and not mine["Firefox on Linux"]["current"]
    assert {"created_at", "last_seen_at", "expires_at", "remembered"} <= set(
        mine["Firefox on Linux"]
    )

    theirs = stranger.get("/api/auth/sessions").get_json()["items"][0]["id"]
    assert phone.delete(f"/api/auth/sessions/{theirs}").status_code == 404
    assert stranger.get("/api/me").status_code == 200

    r = phone.delete(f"/api/auth/sessions/{mine['Firefox on Linux']['id']}")
    assert r.status_code == 200 and r.get_json()["ended_at"] is not None
    assert laptop.get("/api/me").status_code == 401
    assert phone.get("/api/auth/sessions").get_json()["total"] == 1

    r = phone.delete(f"/api/auth/sessions/{mine['Chrome on Android']['id']}")
    assert r.status_code == 200 and r.get_json()["current"] is True
    assert phone.get("/api/me").status_code == 401  # ending this one signs this device out


def test_the_account_page_shows_each_device_with_a_sign_out_button(production, build):
    user = build.user("engineer")
    phone = api_device(production, user)
    laptop, tablet = form_device(production, user), form_device(production, user)
    page = laptop.get("/account").get_data(as_text=True)
    assert "Signed in on 3 devices" in page and "Chrome on Android" in page
    listed = phone.get("/api/auth/sessions").get_json()["items"]
    [phone_session] = [s for s in listed if s["current"]]

    r = laptop.submit("/account", {}, action=f"/account/sessions/{phone_session['id']}/end")
    assert r.status_code == 302 and r.headers["Location"] == "/account"
    assert phone.get("/api/me").status_code == 401
    assert tablet.get("/today").status_code == 200
    assert "Signed in on 2 devices" in laptop.get("/account").get_data(as_text=True)

    [own] = [s["id"] for s in laptop.get("/api/auth/sessions").get_json()["items"] if s["current"]]
    r = laptop.submit("/account", {}, action=f"/account/sessions/{own}/end")
    assert redirects_to_login(r) and redirects_to_login(laptop.get("/account"))
    assert tablet.get("/today").status_code == 200


# --- the CSRF token is renewed at sign-in and sign-out (item 13) ---------------------


def test_a_csrf_token_taken_before_sign_in_is_refused_after_it(production, build):
    user = build.user("engineer")
    client = production.test_client()
    before = client.get("/api/auth/csrf").get_json()["csrf_token"]
    body = {"email": user.email, "password": Builder.PASSWORD}
    assert (
        client.post("/api/auth/login", json=body, headers={"X-CSRFToken": before}).status_code
        == 200
    )

    r = client.post("/api/auth/logout", headers={"X-CSRFToken": before})
    assert r.status_code == 400 and "CSRF" in r.get_json()["message"]
    assert client.get("/api/me").status_code == 200  # nothing happened
    after = client.get("/api/auth/csrf").get_json()["csrf_token"]
    assert after != before
    assert client.post("/api/auth/logout", headers={"X-CSRFToken": after}).status_code == 200

    r = client.post("/api/auth/login", json=body, headers={"X-CSRFToken": after})
    assert r.status_code == 400  # renewed at sign-out too


def test_a_form_loaded_before_sign_in_cannot_post_after_it(production, build):
    user = build.user("engineer")
    browser = Browser(production)
    stale = browser.token("/login")
    assert (
        browser.submit("/login", {"email": user.email, "password": Builder.PASSWORD}).status_code
        == 302
    )
    r = browser.client.post("/account/sign-out-everywhere", data={"csrf_token": stale})
    assert r.status_code == 400
    assert browser.get("/today").status_code == 200  # still signed in
