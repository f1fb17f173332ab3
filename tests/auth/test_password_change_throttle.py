"""Wrong current passwords on a password change count like failed sign-ins."""

from __future__ import annotations

from fieldops.auth.models import User
from tests.auth.throttle_support import MESSAGE, client_at
from tests.helpers import fetch

NEW = "a fresh long secret"


def change(client, current: str, new: str = NEW):
    return client.post(
        "/api/auth/password", json={"current_password": current, "new_password": new}
    )


def test_the_api_answers_429_after_ten_wrong_current_passwords(app, build):
    user = build.user("engineer")
    thief = client_at(app, "203.0.113.9")  # a stolen session, guessing to take the account
    assert thief.login(user.email).status_code == 200
    before = fetch(app, User, user.id).password_hash
    for i in range(10):
        r = change(thief, f"guess number {i}")
        assert r.status_code == 422 and r.get_json()["errors"] == {
            "current_password": ["The current password is not correct."]
        }

    r = change(thief, build.PASSWORD)  # the right one, too late
    assert r.status_code == 429 and r.get_json()["message"] == MESSAGE
    assert fetch(app, User, user.id).password_hash == before
    # the same counters as signing in: that address cannot sign in to the account either
    assert client_at(app, "203.0.113.9").login(user.email).status_code == 429
    assert client_at(app, "198.51.100.7").login(user.email).status_code == 200


def test_the_account_page_answers_429_after_ten_wrong_current_passwords(app, signed_in, build):
    user = build.user("engineer")
    page = signed_in(user)
    for i in range(10):
        form = {"current_password": f"guess number {i}", "new_password": NEW}
        r = page.submit("/account", form)
        assert r.status_code == 422 and "The current password is not correct." in r.text
    assert page.get("/account").status_code == 200  # the page itself still opens
    r = page.submit("/account", {"current_password": build.PASSWORD, "new_password": NEW})
    assert r.status_code == 429 and MESSAGE in r.text


def test_a_refused_new_password_is_not_a_failed_guess(app, build):
    user = build.user("engineer")
    client = client_at(app, "198.51.100.7")
    assert client.login(user.email).status_code == 200
    for _ in range(12):
        r = change(client, build.PASSWORD, "too short")
        assert r.status_code == 422 and "new_password" in r.get_json()["errors"]
    assert change(client, build.PASSWORD).status_code == 200
