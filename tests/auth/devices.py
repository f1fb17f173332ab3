"""Devices for the sign-out and token tests: sign in by API or form, copy cookies."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.builders import Builder
from tests.conftest import HTTPS_HOST, ApiClient, Browser

PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
COOKIES = ("session", "remember_token")


def api_device(app: Flask, user: Any, remember: bool = False, agent: str = PHONE) -> ApiClient:
    device = ApiClient(app.test_client())
    r = device.post(
        "/api/auth/login",
        json={"email": user.email, "password": Builder.PASSWORD, "remember": remember},
        headers={"User-Agent": agent},
    )
    assert r.status_code == 200, r.get_json()
    return device


def form_device(app: Flask, user: Any, remember: bool = False) -> Browser:
    device = Browser(app)
    data = {"email": user.email, "password": Builder.PASSWORD}
    if remember:
        data["remember"] = "y"
    assert device.submit("/login", data).status_code == 302
    return device


def copy_of(app: Flask, client: Any, names: tuple[str, ...] = COOKIES) -> Any:
    """Another machine holding copies of `client`'s cookies named `names`."""
    thief = app.test_client()
    for name in names:
        cookie = client.get_cookie(name, domain=HTTPS_HOST)
        assert cookie is not None, f"no {name} cookie was set"
        thief.set_cookie(name, cookie.value, domain=HTTPS_HOST)
    return thief


def redirects_to_login(response: Any) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")
