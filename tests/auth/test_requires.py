"""One decorator declares who may use each route, page or API (issue 10, item 5)."""

from __future__ import annotations

from fieldops.auth.models import TokenScope
from fieldops.auth.policy import Action, can

# Routes anyone may reach: signing in and out, the CSRF token, the API document, the
# health check, the app shell the service worker saves while signed out, and calendar
# feeds (calendar apps cannot sign in: the secret address is the key).
PUBLIC = {
    "Auth.csrf_token",
    "Auth.login",
    "Auth.logout",
    "api-docs.openapi_json",
    "auth.login",
    "auth.logout",
    "calendars.feed",
    "health.healthz",
    "pwa.offline",
    "pwa.outbox",
    "pwa.service_worker",
    "static",
}


def test_every_route_but_the_public_ones_declares_who_may_use_it(app):
    undeclared = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if not hasattr(view, "required_action")
    }
    assert undeclared == PUBLIC


def test_a_narrow_token_scope_is_an_argument_of_can(build):
    admin = build.user("admin")
    assert can(admin, Action.MANAGE_STORES)
    assert not can(admin, Action.MANAGE_STORES, TokenScope.SIGNALS)
    assert can(admin, Action.INGEST_SIGNALS, TokenScope.SIGNALS)
    assert can(admin, Action.MANAGE_STORES, TokenScope.FULL)


def test_the_same_decorator_answers_in_the_api_s_words_and_in_the_pages(
    api, login, browser, signed_in, build
):
    engineer = build.user("engineer")
    refused = "Your role does not allow this."

    r = api.post("/api/stores", data="not json", content_type="application/json")
    assert r.status_code == 401 and r.get_json()["message"] == "Sign in or send an API token."
    r = login(engineer).post("/api/stores", data="not json", content_type="application/json")
    assert r.status_code == 403 and r.get_json()["message"] == refused  # before the body

    r = browser.get("/stores/new?x=1")
    assert r.status_code == 302 and r.headers["Location"] == "/login?next=/stores/new?x%3D1"
    r = signed_in(engineer).get("/stores/new")
    assert r.status_code == 403 and refused in r.get_data(as_text=True)
    assert "<html" in r.get_data(as_text=True).lower()
