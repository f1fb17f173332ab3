"""New passwords: at least 12 characters, and none of the 10,000 most common."""

from __future__ import annotations

import pytest

from fieldops.auth.passwords import MIN_PASSWORD_LENGTH, common_passwords, validate_new_password
from fieldops.core.errors import Invalid
from fieldops.demo.people import DEMO_PASSWORD
from tests.builders import Builder


def test_the_shipped_list_holds_the_10000_most_common_passwords():
    passwords = common_passwords()
    assert len(passwords) == 10_000
    assert {"123456", "password", "qwerty123456", "1qaz2wsx3edc"} <= passwords
    assert common_passwords() is passwords  # read once


@pytest.mark.parametrize(
    "password, problem",
    [
        ("elevenchars", f"Use at least {MIN_PASSWORD_LENGTH} characters."),
        ("qwerty123456", "This password is one of the most commonly used ones; choose another."),
        ("QWERTY123456", "This password is one of the most commonly used ones; choose another."),
    ],
)
def test_short_or_common_passwords_are_refused(password, problem):
    with pytest.raises(Invalid) as err:
        validate_new_password(password, "new_password")
    assert err.value.message == problem and err.value.field == "new_password"


@pytest.mark.parametrize("password", [DEMO_PASSWORD, Builder.PASSWORD, "twelve chars"])
def test_the_demo_and_test_passwords_are_allowed(password):
    validate_new_password(password)  # demo logins keep working


def test_changing_to_a_common_password_is_refused(login, api, build):
    user = build.user("engineer")
    client = login(user)
    body = {"current_password": build.PASSWORD, "new_password": "qwerty123456"}
    r = client.post("/api/auth/password", json=body)
    assert r.status_code == 422 and list(r.get_json()["errors"]) == ["new_password"]
    assert api.login(user.email).status_code == 200  # the old password still works


def test_the_account_page_names_the_field_of_a_short_password(build, browser_as_engineer):
    page = browser_as_engineer
    r = page.submit("/account", {"current_password": build.PASSWORD, "new_password": "elevenchars"})
    assert r.status_code == 422 and "Use at least 12 characters." in r.text


@pytest.mark.parametrize("password", ["elevenchars", "1qaz2wsx3edc"])
def test_an_admin_cannot_give_a_short_or_common_password(api, world, password, as_admin):
    engineer = world.engineer
    new = {"email": "nina@example.test", "name": "Nina", "role": "cio", "password": password}
    r = as_admin.post("/api/users", json=new)
    assert r.status_code == 422 and list(r.get_json()["errors"]) == ["password"]
    r = as_admin.patch(f"/api/users/{engineer.id}", json={"password": password, "name": "Eve"})
    assert r.status_code == 422 and list(r.get_json()["errors"]) == ["password"]
    assert api.login(engineer.email).status_code == 200  # nothing changed
    assert api.get("/api/me").get_json()["name"] != "Eve"
