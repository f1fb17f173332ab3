"""Browser tests: the app served over HTTP from a thread, driven by Debian's chromium.

They keep out of the suite's per-test database emptying (tests/conftest.py empties the
session app's database after each test that uses it): this package makes its own app on
its own temporary SQLite database, migrated once; each test makes its own users, stores
and visits, so nothing needs emptying. Playwright's sync API and the server thread live
for the package; every test gets a fresh browser context (a fresh profile: no service
worker, no IndexedDB).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from config import TestingConfig
from fieldops import create_app
from fieldops.extensions import db, limiter
from tests.browser.support import CHROMIUM, FLAGS, PHONE, TIMEOUT_MS
from tests.builders import Builder


@dataclass
class Live:
    app: Flask
    url: str
    build: Builder

    def db(self) -> Any:
        """An application context for querying the server's database from the test."""
        return self.app.app_context()


def whole_bodies(app: Any) -> Any:
    """`app` answering each request with its whole body read and its response closed.

    Werkzeug's development server skips closing a response when the browser drops the
    connection while the server drains the request (the service worker's precache and the
    page's module preloads are often cut short): a static file stays open and its
    ResourceWarning fails whichever test is running. Nothing here streams, so reading the
    body first changes no answer.
    """

    def respond(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return respond


@pytest.fixture(scope="package")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    tmp: Path = tmp_path_factory.mktemp("browser")

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp / 'browser.db'}"
        UPLOAD_FOLDER = str(tmp / "uploads")

    # The Limiter is one object, bound to the last app made: the suite's app (made before or
    # after this one) keeps its binding, and this app shares its (in-memory) counters.
    saved = limiter._storage, limiter._limiter
    app = create_app(Config)
    if saved[0] is not None:
        limiter._storage, limiter._limiter = saved
    try:
        with app.app_context():
            upgrade()
            db.engine.dispose()
        server = make_server("127.0.0.1", 0, whole_bodies(app), threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield Live(app, f"http://127.0.0.1:{server.server_port}", Builder(app))
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
    finally:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="package")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def context(chromium: Any, live: Live) -> Iterator[Any]:
    """A fresh profile on a phone-sized screen, allowed to read its position."""
    ctx = chromium.new_context(
        base_url=live.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 41.8781, "longitude": -87.6298, "accuracy": 15},
        permissions=["geolocation"],
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    """A page whose JavaScript errors fail the test."""
    errors: list[str] = []
    tab = context.new_page()
    tab.on("pageerror", lambda err: errors.append(str(err)))
    yield tab
    assert not errors, errors
