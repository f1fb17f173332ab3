"""Page-test helpers: a browser-like client that signs in through the form."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.builders import Builder

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    def __init__(self, app: Flask) -> None:
        self.client = app.test_client()

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, **kwargs)

    def token(self, url: str) -> str:
        page = self.client.get(url)
        match = CSRF.search(page.get_data(as_text=True))
        assert match, f"no CSRF token on {url}"
        return match[1]

    def submit(
        self, form_url: str, data: dict[str, Any], action: str | None = None, **kwargs: Any
    ) -> Any:
        """Post `data` to `action` (default: the form's own URL) with the page's CSRF token."""
        return self.client.post(
            action or form_url, data={**data, "csrf_token": self.token(form_url)}, **kwargs
        )


@pytest.fixture
def browser(app: Flask) -> Browser:
    return Browser(app)


@pytest.fixture
def signed_in(app: Flask) -> Any:
    def sign_in(user: Any) -> Browser:
        b = Browser(app)
        r = b.submit("/login", {"email": user.email, "password": Builder.PASSWORD})
        assert r.status_code == 302, r.get_data(as_text=True)
        return b

    return sign_in
