"""Signing in and out, sessions, CSRF and API tokens (the throttle: test_throttle.py)."""

from __future__ import annotations

import pytest

from fieldops.auth.models import User
from tests.conftest import ApiClient
from tests.helpers import fetch


def bare(app):
    """A client that sends only what a test gives it: no CSRF header, no session."""
    return app.test_client()


# --- CSRF and sign-in ---------------------------------------------------------------


def test_csrf_endpoint_gives_a_token(api):
    r = api.client.get("/api/auth/csrf")
    assert r.status_code == 200
    token = r.get_json()["csrf_token"]
    assert isinstance(token, str) and len(token) > 20


def test_login_answers_the_user(api, build):
    user = build.user("engineer", name="Erin Engineer")
    r = api.login(user.email)
    assert r.status_code == 200
    body = r.get_json()
    assert body["email"] == user.email and body["role"] == "engineer"
    assert "password" not in body and "password_hash" not in body
    assert api.get("/api/me").get_json()["id"] == user.id


def test_login_ignores_case_and_spaces_in_the_email(api, build):
    user = build.user("engineer")
    assert api.login(f"  {user.email.upper()} ").status_code == 200


@pytest.mark.parametrize("wrong", ["password", "email"])
def test_login_with_wrong_credentials_is_401_with_a_message(api, build, wrong):
    user = build.user("engineer")
    email = "nobody@example.test" if wrong == "email" else user.email
    password = "not the password" if wrong == "password" else build.PASSWORD
    r = api.login(email, password)
    assert r.status_code == 401
    assert r.get_json()["message"] == "The email or password is not correct."
    assert api.get("/api/me").status_code == 401


def test_deactivated_user_cannot_sign_in(api, build):
    user = build.user("engineer", active=False)
    assert api.login(user.email).status_code == 401


def test_login_without_csrf_header_is_refused(app, build):
    user = build.user("engineer")
    client = bare(app)
    client.get("/api/auth/csrf")  # a session with a token exists, but the header is missing
    r = client.post("/api/auth/login", json={"email": user.email, "password": build.PASSWORD})
    assert r.status_code in (400, 403)
    assert "CSRF" in r.get_json()["message"]
    assert client.get("/api/me").status_code == 401


def test_login_with_a_wrong_csrf_token_is_refused(app, build):
    user = build.user("engineer")
    client = bare(app)
    client.get("/api/auth/csrf")
    r = client.post(
        "/api/auth/login",
        json={"email": user.email, "password": build.PASSWORD},
        headers={"X-CSRFToken": "forged"},
    )
    assert r.status_code in (400, 403)


def test_signed_in_unsafe_request_without_csrf_header_is_refused(login, build):
    user = build.user("engineer")
    store = build.store()
    client = login(user)
    body = {"store_id": store.id, "category": "general", "fields": {"text": "hello"}}
    r = client.post("/api/observations", json=body, headers={"X-CSRFToken": ""})
    assert r.status_code in (400, 403)
    assert r.get_json()["code"] == r.status_code
    # the same request with the header goes through: the header was the only difference
    assert client.post("/api/observations", json=body).status_code == 201


@pytest.mark.parametrize(
    "method, url", [("GET", "/api/me"), ("GET", "/api/stores"), ("POST", "/api/observations")]
)
def test_no_session_and_no_token_is_401_json_never_a_redirect(api, method, url):
    r = api._send(method, url, json={})
    assert r.status_code == 401
    assert r.is_json and r.get_json()["code"] == 401
    assert "Location" not in r.headers


def test_me_has_role_and_store_ids_for_managers_only(login, build):
    a, b = build.store(), build.store()
    manager = build.user("manager", stores=[a, b])
    engineer = build.user("engineer")
    me = login(manager).get("/api/me").get_json()
    assert me["role"] == "manager" and me["store_ids"] == sorted([a.id, b.id])
    me = login(engineer).get("/api/me").get_json()
    assert me["role"] == "engineer" and "store_ids" not in me


# --- sessions -----------------------------------------------------------------------


def test_logout_ends_only_this_session(login, build):
    user = build.user("engineer")
    phone, laptop = login(user), login(user)
    assert phone.post("/api/auth/logout").status_code == 200
    assert phone.get("/api/me").status_code == 401
    assert laptop.get("/api/me").status_code == 200


def remember_only(app, client: ApiClient):
    """A fresh client carrying nothing but `client`'s remember cookie (a restarted browser)."""
    cookie = client.client.get_cookie("remember_token")
    assert cookie is not None, "no remember cookie was set"
    fresh = bare(app)
    fresh.set_cookie("remember_token", cookie.value)
    return fresh


def test_remember_cookie_signs_in_a_restarted_browser(app, api, build):
    user = build.user("engineer")
    assert api.login(user.email, remember=True).status_code == 200
    assert remember_only(app, api).get("/api/me").get_json()["id"] == user.id


def test_logout_everywhere_ends_all_sessions_and_remember_cookies(app, login, build):
    user = build.user("engineer")
    phone, laptop = login(user), login(user)
    remembered = ApiClient(app.test_client())
    assert remembered.login(user.email, remember=True).status_code == 200
    restarted = remember_only(app, remembered)
    assert restarted.get("/api/me").status_code == 200

    assert phone.post("/api/auth/logout-all").get_json() == {"status": "signed_out_everywhere"}

    for client in (phone, laptop, remembered):
        assert client.get("/api/me").status_code == 401
    assert remember_only(app, remembered).get("/api/me").status_code == 401


def test_password_change_ends_other_sessions_and_keeps_this_one(app, api, login, build):
    user = build.user("engineer")
    other = ApiClient(app.test_client())
    assert other.login(user.email, remember=True).status_code == 200
    restarted_before = remember_only(app, other)
    current = login(user)

    r = current.post(
        "/api/auth/password",
        json={"current_password": build.PASSWORD, "new_password": "a much newer secret"},
    )
    assert r.status_code == 200, r.get_json()

    assert current.get("/api/me").status_code == 200
    assert other.get("/api/me").status_code == 401
    assert restarted_before.get("/api/me").status_code == 401
    assert api.login(user.email, build.PASSWORD).status_code == 401
    assert api.login(user.email, "a much newer secret").status_code == 200


def test_password_change_keeps_this_devices_remember_cookie(app, api, build):
    user = build.user("engineer")
    assert api.login(user.email, remember=True).status_code == 200
    old_restart = remember_only(app, api)
    r = api.post(
        "/api/auth/password",
        json={"current_password": build.PASSWORD, "new_password": "a much newer secret"},
    )
    assert r.status_code == 200
    assert old_restart.get("/api/me").status_code == 401  # the cookie from before the change
    assert remember_only(app, api).get("/api/me").get_json()["id"] == user.id


def test_password_change_needs_the_current_password(login, build):
    user = build.user("engineer")
    client = login(user)
    r = client.post(
        "/api/auth/password",
        json={"current_password": "wrong password", "new_password": "a much newer secret"},
    )
    assert r.status_code == 422 and "current_password" in r.get_json()["errors"]
    r = client.post(
        "/api/auth/password", json={"current_password": build.PASSWORD, "new_password": "short"}
    )
    assert r.status_code == 422 and "new_password" in r.get_json()["errors"]
    assert client.get("/api/me").status_code == 200


def test_deactivating_a_user_ends_their_sessions(login, build):
    admin, user = build.user("admin"), build.user("engineer")
    session = login(user)
    assert login(admin).post(f"/api/users/{user.id}/deactivate").status_code == 200
    assert session.get("/api/me").status_code == 401


def test_passwords_are_stored_hashed_with_scrypt(app, login, build):
    admin = build.user("admin")
    r = login(admin).post(
        "/api/users",
        json={
            "email": "new@example.test",
            "name": "New",
            "role": "engineer",
            "password": "plain text secret",
        },
    )
    assert r.status_code == 201, r.get_json()
    stored = fetch(app, User, r.get_json()["id"]).password_hash
    assert stored.startswith("scrypt:") and "plain text secret" not in stored
    assert "password" not in r.get_json()


def test_production_hashes_with_full_strength_scrypt():
    from config import Config, ProductionConfig

    assert ProductionConfig.PASSWORD_HASH_METHOD == Config.PASSWORD_HASH_METHOD == "scrypt"


# --- API tokens ---------------------------------------------------------------------


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_bearer_token_works_without_csrf(app, build):
    engineer, store = build.user("engineer"), build.store()
    token = build.token(engineer)
    client = bare(app)
    assert client.get("/api/me", headers=bearer(token)).get_json()["id"] == engineer.id
    r = client.post(
        "/api/observations",
        json={"store_id": store.id, "category": "general", "fields": {"text": "via token"}},
        headers=bearer(token),
    )
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["author_id"] == engineer.id


def test_token_created_by_admin_is_shown_once_and_stored_hashed(app, login, build):
    admin, integration = build.user("admin"), build.user("engineer")
    client = login(admin)
    r = client.post("/api/tokens", json={"user_id": integration.id, "name": "wifi controller"})
    assert r.status_code == 201, r.get_json()
    plain = r.get_json()["token"]
    assert bare(app).get("/api/me", headers=bearer(plain)).status_code == 200
    listed = client.get("/api/tokens").get_json()["items"]
    assert [t["name"] for t in listed] == ["wifi controller"]
    assert "token" not in listed[0] and plain not in str(listed)
    from fieldops.auth.models import ApiToken

    assert fetch(app, ApiToken, listed[0]["id"]).token_hash != plain


def test_revoked_token_is_401(app, login, build):
    admin, integration = build.user("admin"), build.user("engineer")
    token = build.token(integration)
    client = bare(app)
    assert client.get("/api/me", headers=bearer(token)).status_code == 200
    token_id = login(admin).get("/api/tokens").get_json()["items"][0]["id"]
    assert login(admin).delete(f"/api/tokens/{token_id}").get_json()["active"] is False
    r = client.get("/api/me", headers=bearer(token))
    assert r.status_code == 401 and r.is_json


def test_deactivated_users_token_is_401(app, login, build):
    admin, integration = build.user("admin"), build.user("engineer")
    token = build.token(integration)
    assert login(admin).post(f"/api/users/{integration.id}/deactivate").status_code == 200
    assert bare(app).get("/api/me", headers=bearer(token)).status_code == 401


@pytest.mark.parametrize("header", ["Bearer fo_not-a-real-token", "Bearer ", "Basic dXNlcjpwdw=="])
def test_bad_authorization_header_is_not_rescued_by_a_valid_session(login, build, header):
    user = build.user("admin")
    client = login(user)
    assert client.get("/api/me").status_code == 200
    r = client.get("/api/me", headers={"Authorization": header})
    assert r.status_code == 401 and r.is_json
    r = client.post("/api/auth/logout-all", headers={"Authorization": header})
    assert r.status_code == 401
    assert client.get("/api/me").status_code == 200  # the session itself is untouched


def test_token_decides_even_when_the_client_also_has_a_remember_cookie(app, api, build):
    session_user, token_user = build.user("admin"), build.user("engineer")
    token = build.token(token_user)
    assert api.login(session_user.email, remember=True).status_code == 200
    client = remember_only(app, api)
    assert client.get("/api/me").get_json()["id"] == session_user.id
    assert client.get("/api/me", headers=bearer(token)).get_json()["id"] == token_user.id
    assert api.get("/api/me", headers=bearer(token)).get_json()["id"] == token_user.id


def test_a_session_survives_the_phone_changing_network(app, build):
    """A phone moving from the store's Wi-Fi to mobile data gets a new address; it stays in."""
    user = build.user("engineer")
    client = ApiClient(app.test_client())
    wifi, mobile = {"REMOTE_ADDR": "10.20.0.15"}, {"REMOTE_ADDR": "172.56.14.201"}
    body = {"email": user.email, "password": build.PASSWORD}
    assert client.post("/api/auth/login", json=body, environ_base=wifi).status_code == 200
    assert client.get("/api/me", environ_base=mobile).status_code == 200
    assert client.get("/api/me", environ_base=wifi).status_code == 200
