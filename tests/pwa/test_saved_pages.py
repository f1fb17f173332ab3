"""The service worker's list of pages to save, made from the app's routes, and the scripts
the shell must hold for the pages to work offline."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from fieldops.pwa.saved import rule_pattern, saved_page_patterns
from fieldops.pwa.shell import STATIC_FILES
from tests.pwa.test_views import offline_pages

ROOT = Path(__file__).resolve().parents[2]


def test_the_pages_to_save_are_made_from_the_routes(app, browser):
    patterns = saved_page_patterns(app)
    assert patterns == [
        r"^/$",
        r"^/today$",
        r"^/my-store$",
        r"^/visits/\d+$",
        r"^/stores/\d+$",
        r"^/observations/new$",
        r"^/issues$",
        r"^/issues/new$",
        r"^/issues/\d+$",
        r"^/outbox$",
    ]
    body = browser.get("/sw.js").get_data(as_text=True)
    assert r'"^/visits/\\d+$"' in body and '"^/outbox$"' in body


def test_a_rule_becomes_the_pattern_of_its_paths(app):
    converters = app.url_map.converters
    assert rule_pattern("/visits/<int:visit_id>", converters) == r"^/visits/\d+$"
    assert rule_pattern("/a.b/<name>/<string(length=2):code>", converters) == (
        r"^/a\.b/[^/]+/[^/]+$"
    )


def test_every_page_the_phone_is_asked_to_save_is_saved(app, signed_in, build, now):
    store = build.store(name="Northside Toyota")
    engineer = build.user("engineer")
    build.visit(store, engineer, datetime(2026, 3, 4, 16, 0, tzinfo=UTC))
    build.issue(store, engineer)
    manager = build.user("manager", stores=[store])
    listed = offline_pages(signed_in(engineer).get("/today").get_data(as_text=True))
    listed += offline_pages(signed_in(manager).get(f"/stores/{store.id}").get_data(as_text=True))
    patterns = [re.compile(pattern) for pattern in saved_page_patterns(app)]
    assert len(listed) > 10
    for url in listed:
        assert any(pattern.match(urlsplit(url).path) for pattern in patterns), url


def test_every_script_is_in_the_shell():
    scripts = {f"js/{path.name}" for path in (ROOT / "static" / "js").glob("*.js")}
    assert scripts <= set(STATIC_FILES)
