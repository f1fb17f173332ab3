"""The known-device cookie, and the throttle under the production configuration."""

from __future__ import annotations

from datetime import timedelta

from itsdangerous import URLSafeTimedSerializer

from config import ProductionConfig
from fieldops.auth.device import SALT, known_device_user_id
from tests.auth.throttle_support import MESSAGE, client_at, fail_logins
from tests.helpers import other_app


def device_cookie(app, value: str):
    return app.test_request_context(headers={"Cookie": f"fieldops_device={value}"})


def signed(secret: str, user_id: int) -> str:
    return URLSafeTimedSerializer(secret, salt=SALT).dumps(user_id)


def test_the_device_cookie_is_good_for_a_year(app, now, time_machine):
    value = signed(app.secret_key, 7)
    time_machine.move_to(now + timedelta(days=364), tick=False)
    with device_cookie(app, value):
        assert known_device_user_id() == 7
    time_machine.move_to(now + timedelta(days=366), tick=False)
    with device_cookie(app, value):
        assert known_device_user_id() is None


def test_a_device_cookie_not_signed_with_the_apps_secret_is_ignored(app):
    with device_cookie(app, signed("another secret", 7)):
        assert known_device_user_id() is None
    with device_cookie(app, "7"):
        assert known_device_user_id() is None


def test_production_configuration_keeps_the_owner_in_and_guessers_out(app, build, monkeypatch):
    """The probe's cases, on the production settings (Secure cookies, real secret)."""
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    owner = build.user("engineer")
    settings = {"SECRET_KEY": "p" * 40, "RATELIMIT_STORAGE_URI": "memory://"}
    with other_app(app, ProductionConfig, **settings) as prod:
        stranger = client_at(prod, "203.0.113.9")
        fail_logins(stranger, owner.email, 10)
        assert stranger.login(owner.email).status_code == 429

        home = client_at(prod, "198.51.100.7")
        r = home.login(owner.email)
        assert r.status_code == 200
        cookie = next(c for c in r.headers.getlist("Set-Cookie") if "fieldops_device=" in c)
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie

        for i in range(10):
            body = {"current_password": f"guess number {i}", "new_password": "a fresh secret"}
            assert home.post("/api/auth/password", json=body).status_code == 422
        body = {"current_password": build.PASSWORD, "new_password": "a fresh secret"}
        r = home.post("/api/auth/password", json=body)
        assert r.status_code == 429 and r.get_json()["message"] == MESSAGE
