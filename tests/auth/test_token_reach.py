"""Token scopes apply everywhere (issue 9, item 2), on the production configuration.

A `signals` token reaches POST /api/stores/<id>/signals and nothing else; no token works
on a page or a form post (they need the session and its CSRF token).
"""

from __future__ import annotations

import re

import pytest

from fieldops.auth.models import TokenScope
from tests.auth.devices import form_device

SIGNALS_ROUTE = "/api/stores/<int:store_id>/signals"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def every_route(app) -> list[tuple[str, str]]:
    """(method, URL) of every route the app has, with 1 for each URL variable."""
    routes = []
    for rule in app.url_map.iter_rules():
        url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", "1", rule.rule)
        routes += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
        if rule.rule == SIGNALS_ROUTE:
            routes.remove(("POST", url))
    return routes


def test_a_signals_token_reaches_the_signals_route_and_nothing_else(production, build, now):
    admin, store = build.user("admin"), build.store(timezone="America/Chicago")
    owner_device = form_device(production, admin)
    token = bearer(build.token(admin, scope=TokenScope.SIGNALS))
    client = production.test_client()
    signal = {"source": "transaction", "at": "2026-03-03T17:12:00-06:00", "id": "INV-1"}

    r = client.post(f"/api/stores/{store.id}/signals", json={"signals": [signal]}, headers=token)
    assert r.status_code == 200 and r.get_json()["accepted"] == 1

    routes = every_route(production)
    assert ("GET", "/today") in routes and ("POST", "/account/sign-out-everywhere") in routes
    answers = {(m, url): client.open(url, method=m, headers=token).status_code for m, url in routes}
    assert {key: code for key, code in answers.items() if code != 403} == {}
    assert owner_device.get("/account").status_code == 200  # its user is still signed in
    assert owner_device.get("/api/me").status_code == 200


@pytest.mark.parametrize(
    "method, url",
    [
        ("GET", "/today"),
        ("GET", "/account"),
        ("POST", "/account/sign-out-everywhere"),
        ("POST", "/logout"),
        ("POST", "/login"),
    ],
)
def test_no_token_works_on_a_page_or_a_form(production, build, method, url):
    engineer = build.user("engineer")
    device = form_device(production, engineer)
    token = bearer(build.token(engineer))
    client = production.test_client()
    assert client.get("/api/me", headers=token).get_json()["id"] == engineer.id  # a full token

    r = client.open(url, method=method, headers=token, data={})
    assert r.status_code == 403 and "session" in r.get_data(as_text=True)
    assert device.get("/api/me").status_code == 200  # the user's own session is untouched


def test_a_token_with_a_session_cookie_is_still_refused_on_a_form(production, build):
    """The cookie cannot smuggle the token in: the form needs its CSRF token, too."""
    engineer = build.user("engineer")
    device = form_device(production, engineer)
    r = device.client.post(
        "/account/sign-out-everywhere", headers=bearer(build.token(engineer)), data={}
    )
    assert r.status_code == 403
    assert device.get("/api/me").status_code == 200
