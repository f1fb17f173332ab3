"""The failed sign-in throttle: strangers are stopped without locking the owner out."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest
from flask import request
from flask_limiter import Limiter

from tests.auth.throttle_support import ACCOUNT_MESSAGE, MESSAGE, client_at, fail_logins
from tests.conftest import ApiClient
from tests.helpers import other_app

REDIS_URL = os.environ.get("FIELDOPS_TEST_REDIS_URL")
HOME, STRANGER = "198.51.100.7", "203.0.113.9"


def test_a_stranger_cannot_lock_the_owner_out_from_another_address(app, now, time_machine, build):
    owner = build.user("engineer")
    stranger = client_at(app, STRANGER)
    fail_logins(stranger, owner.email, 10)

    r = stranger.login(owner.email)  # the right password, from the guesser's address
    assert r.status_code == 429 and r.get_json()["message"] == MESSAGE
    assert stranger.login(owner.email.upper()).status_code == 429  # other spelling, same account

    assert client_at(app, HOME).login(owner.email).status_code == 200  # a new device, elsewhere

    time_machine.move_to(now + timedelta(minutes=16), tick=False)
    assert stranger.login(owner.email).status_code == 200


def test_the_limit_for_one_account_and_address_leaves_other_accounts_alone(api, build):
    victim, bystander = build.user("engineer"), build.user("engineer")
    fail_logins(api, victim.email, 10)
    assert api.login(victim.email).status_code == 429
    assert api.login(bystander.email).status_code == 200


def test_successful_logins_do_not_count_towards_the_throttle(api, build):
    user = build.user("engineer")
    for _ in range(12):
        assert api.login(user.email).status_code == 200
    fail_logins(api, user.email, 10)
    assert api.login(user.email).status_code == 429


def test_failed_logins_are_also_throttled_per_address(app, api, build):
    user = build.user("engineer")
    for i in range(5):  # 50 failures spread over accounts that each stay under 10
        fail_logins(api, f"guess{i}@example.test", 10)
    r = api.login(user.email)
    assert r.status_code == 429 and r.get_json()["message"] == MESSAGE
    assert client_at(app, HOME).login(user.email).status_code == 200


def test_guessing_from_many_addresses_stops_new_devices_but_not_known_ones(
    app, now, time_machine, build
):
    owner, colleague = build.user("engineer"), build.user("engineer")
    phone = client_at(app, HOME)
    assert phone.login(owner.email).status_code == 200  # the owner's phone, signed in before
    shared_tablet = client_at(app, HOME)
    assert shared_tablet.login(colleague.email).status_code == 200  # knows another account

    for i in range(10):  # 100 failures, 10 from each of 10 addresses
        fail_logins(client_at(app, f"192.0.2.{i + 1}"), owner.email, 10)

    r = client_at(app, STRANGER).login(owner.email)
    assert r.status_code == 429 and r.get_json()["message"] == ACCOUNT_MESSAGE
    assert shared_tablet.login(owner.email).status_code == 429  # its cookie names another account
    assert shared_tablet.login(colleague.email).status_code == 200

    phone.client.environ_base["REMOTE_ADDR"] = "192.0.2.200"  # the phone on another network
    assert phone.login(owner.email).status_code == 200

    time_machine.move_to(now + timedelta(minutes=61), tick=False)
    assert client_at(app, STRANGER).login(owner.email).status_code == 200


def test_a_successful_sign_in_marks_the_device_for_a_year(api, build):
    r = api.login(build.user("engineer").email)
    cookie = next(c for c in r.headers.getlist("Set-Cookie") if c.startswith("fieldops_device="))
    assert "Max-Age=31536000" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # on in production (see test_production_config)


def test_the_sign_in_form_marks_the_device_too(browser, build):
    user = build.user("engineer")
    r = browser.submit("/login", {"email": user.email, "password": build.PASSWORD})
    assert r.status_code == 302
    assert browser.client.get_cookie("fieldops_device") is not None


def test_a_forged_header_does_not_change_the_address_without_a_trusted_proxy(api, build):
    user = build.user("engineer")
    for i in range(10):
        spoofed = {"X-Forwarded-For": f"192.0.2.{i}", "X-CSRFToken": api.csrf}
        body = {"email": user.email, "password": "wrong password"}
        assert api.post("/api/auth/login", json=body, headers=spoofed).status_code == 401
    fresh = {"X-Forwarded-For": "192.0.2.99", "X-CSRFToken": api.csrf}
    body = {"email": user.email, "password": build.PASSWORD}
    assert api.post("/api/auth/login", json=body, headers=fresh).status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(app, build):
    owner = build.user("engineer")
    with other_app(app, TRUSTED_PROXIES=1) as proxied:
        stranger, home = client_at(proxied, "10.0.0.2"), client_at(proxied, "10.0.0.2")
        stranger.client.environ_base["HTTP_X_FORWARDED_FOR"] = STRANGER
        home.client.environ_base["HTTP_X_FORWARDED_FOR"] = HOME
        fail_logins(stranger, owner.email, 10)
        assert stranger.login(owner.email).status_code == 429
        assert home.login(owner.email).status_code == 200  # same proxy, another client


@pytest.mark.skipif(not REDIS_URL, reason="FIELDOPS_TEST_REDIS_URL is not set (no Redis to use)")
def test_throttle_works_with_redis_storage(app, build):
    user = build.user("engineer", email=f"redis-{uuid.uuid4().hex[:8]}@example.test")
    with other_app(app, RATELIMIT_STORAGE_URI=REDIS_URL) as redis_app:
        from fieldops.extensions import limiter

        assert type(limiter._storage).__name__ == "RedisStorage"
        try:
            client = ApiClient(redis_app.test_client())
            fail_logins(client, user.email, 10)
            r = client.login(user.email)
            assert r.status_code == 429 and r.get_json()["message"] == MESSAGE
            # the counters live in Redis: a second app on the same storage (another worker)
            # sees them
            with other_app(app, RATELIMIT_STORAGE_URI=REDIS_URL) as worker2:
                assert ApiClient(worker2.test_client()).login(user.email).status_code == 429
                other_address = client_at(worker2, HOME)
                assert other_address.login(user.email).status_code == 200
        finally:
            limiter.reset()


def test_only_posts_go_through_the_limiter(app, monkeypatch, build):
    """Every limit counts POSTs: other requests skip the limiter's hooks altogether."""
    checked: list[str] = []
    original = Limiter._check_request_limit

    def check(self: Limiter, *args: object, **kwargs: object) -> None:
        checked.append(request.method)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Limiter, "_check_request_limit", check)
    user = build.user("engineer")
    with other_app(app) as second:
        client = client_at(second, HOME)
        assert client.get("/healthz").status_code == 200
        assert client.get("/api/stores").status_code == 401
        assert checked == []
        fail_logins(client, user.email, 10)
        assert client.login(user.email).status_code == 429
        assert len(checked) >= 11 and set(checked) == {"POST"}
