"""Fixtures: one app per session on a migrated database, emptied after every test.

The database is SQLite in a temporary folder unless FIELDOPS_TEST_DATABASE_URL names
another (CI sets it to PostgreSQL). Tests commit for real, so racing requests on separate
connections behave as in production; every table is emptied after each test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from config import ProductionConfig, TestingConfig
from fieldops import create_app
from fieldops.extensions import db, limiter
from tests.builders import Builder
from tests.helpers import other_app
from tests.openapi_conformance import conformance
from tests.world import World

PG_URL = os.environ.get("FIELDOPS_TEST_DATABASE_URL")
NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # a Wednesday, 09:00 in Chicago


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    tmp = tmp_path_factory.mktemp("fieldops")
    url = PG_URL or f"sqlite:///{tmp / 'test.db'}"
    if PG_URL:
        _reset_postgres(url)

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        UPLOAD_FOLDER = str(tmp / "uploads")

    app = create_app(Config)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield app
    with app.app_context():  # close pooled connections now, not whenever the app is collected
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _empty_database(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        limiter.reset()


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An application context, for testing services without HTTP."""
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture
def now(time_machine: Any) -> datetime:
    """Time frozen at NOW (a Wednesday afternoon UTC); tests may move it."""
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def build(app: Flask) -> Builder:
    return Builder(app)


class ApiClient:
    """A test client that sends the CSRF token on unsafe requests, as the web app does.

    Signing in or out renews the token, so after any unsafe /api/auth/ request the client
    fetches it again, as the web app's outbox does when a token is refused.

    Every answer it gets must match what the OpenAPI document declares for it.
    """

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.csrf = self.fetch_csrf()

    def fetch_csrf(self) -> str:
        return self.client.get("/api/auth/csrf").get_json()["csrf_token"]

    def _send(self, method: str, url: str, **kwargs: Any) -> Any:
        headers = kwargs.pop("headers", {})
        if method != "GET":
            headers.setdefault("X-CSRFToken", self.csrf)
        response = self.client.open(url, method=method, headers=headers, **kwargs)
        body = response.get_json(silent=True)
        mismatches = conformance(self.client.application).mismatches(
            method, urlsplit(url).path, response.status_code, response.content_type, body
        )
        assert not mismatches, "the OpenAPI document does not declare this answer:\n" + (
            "\n".join(mismatches)
        )
        if method != "GET" and url.startswith("/api/auth/"):
            self.csrf = self.fetch_csrf()
        return response

    def get(self, url: str, **kwargs: Any) -> Any:
        return self._send("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self._send("POST", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> Any:
        return self._send("PATCH", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> Any:
        return self._send("PUT", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> Any:
        return self._send("DELETE", url, **kwargs)

    def login(self, email: str, password: str = Builder.PASSWORD, **extra: Any) -> Any:
        return self.post("/api/auth/login", json={"email": email, "password": password, **extra})


@pytest.fixture
def api(app: Flask) -> ApiClient:
    """An anonymous API client."""
    return ApiClient(app.test_client())


@pytest.fixture
def login(app: Flask, build: Builder) -> Any:
    """login(user) -> an ApiClient signed in as that user."""

    def sign_in(user: Any) -> ApiClient:
        client = ApiClient(app.test_client())
        response = client.login(user.email)
        assert response.status_code == 200, response.get_json()
        return client

    return sign_in


# --- the shared world and a signed-in API client per role ---
# A client signs in when its fixture is set up: a test that freezes time names `now` before
# it (or marks the module `pytest.mark.usefixtures("now")`), so the sign-in happens at NOW.


@pytest.fixture
def world(build: Builder) -> World:
    """The stores and people of tests/world.py, each made the first time it is named."""
    return World(build)


def role_client(person: str, sign_in: str) -> Any:
    """A fixture giving a client signed in as `world.<person>`: `sign_in` names how, "login"
    (an API client) or "signed_in" (a browser, through the sign-in form)."""

    def client(world: World, request: pytest.FixtureRequest) -> Any:
        return request.getfixturevalue(sign_in)(getattr(world, person))

    prefix = "as" if sign_in == "login" else "browser_as"
    client.__doc__ = f"A client signed in as world.{person} ({sign_in})."
    return pytest.fixture(client, name=f"{prefix}_{person}")


# API clients of the world's people (world.manager runs world.store; world.other_manager
# runs world.other_store only).
as_admin = role_client("admin", "login")
as_cio = role_client("cio", "login")
as_engineer = role_client("engineer", "login")
as_other_engineer = role_client("other_engineer", "login")
as_manager = role_client("manager", "login")
as_other_manager = role_client("other_manager", "login")


@pytest.fixture
def tmp_upload_dir(app: Flask) -> Path:
    return Path(app.config["UPLOAD_FOLDER"])


# --- pages: a browser-like client that signs in through the form ---

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


# Browsers of the world's people, signed in through the form.
browser_as_admin = role_client("admin", "signed_in")
browser_as_cio = role_client("cio", "signed_in")
browser_as_engineer = role_client("engineer", "signed_in")
browser_as_manager = role_client("manager", "signed_in")


# --- the production configuration: secure cookies, strict CSRF referrer check ---

HTTPS_HOST = "fieldops.test"


class HttpsClient(FlaskClient):
    """A test client speaking HTTPS to HTTPS_HOST and sending a same-site Referer, as a
    browser does: production's secure cookies and its CSRF referrer check need both."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("base_url", f"https://{HTTPS_HOST}")
        kwargs["headers"] = {
            "Referer": f"https://{HTTPS_HOST}/",
            **dict(kwargs.get("headers") or {}),
        }
        return super().open(*args, **kwargs)


@pytest.fixture
def production(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The app on the production configuration, on the test database; its test clients
    speak HTTPS (cookies live on HTTPS_HOST)."""
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    with other_app(
        app, base=ProductionConfig, SECRET_KEY="s" * 64, RATELIMIT_STORAGE_URI="memory://"
    ) as prod:
        prod.test_client_class = HttpsClient
        yield prod


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, tests of SQLite's own behaviour are left out (deselected, not skipped:
    in CI a skip fails the run)."""
    if not PG_URL:
        return
    sqlite_only = [item for item in items if item.get_closest_marker("sqlite_only")]
    if sqlite_only:
        config.hook.pytest_deselected(items=sqlite_only)
        items[:] = [item for item in items if not item.get_closest_marker("sqlite_only")]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With FIELDOPS_NO_SKIPS set (CI), a skipped test fails the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("FIELDOPS_NO_SKIPS") and skipped:
        print(f"\nFIELDOPS_NO_SKIPS: {len(skipped)} test(s) skipped; failing the run.")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
