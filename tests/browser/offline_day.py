"""The engineer's day the offline browser tests start from: visits planned, the pages
saved on the phone, and what reached the server.

Imported by the test modules after `require_browser()` (Playwright may be missing).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from playwright.sync_api import expect

from fieldops.extensions import db
from fieldops.observations.models import Observation
from fieldops.photos.models import Photo
from fieldops.visits.models import Visit
from tests.browser.support import (
    sign_in,
    wait_until,
)

SYNC_TIMEOUT = 20_000  # ms: the online event, the flush, the photo upload


def plan_day(live: Any) -> tuple[Any, Any, Any, Any]:
    """An engineer with a visit starting now and one tomorrow at another store."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    store = live.build.store(name="Northside Toyota", address="100 N State St, Chicago")
    other = live.build.store(name="Lakeside Ford", address="1 Lake Shore Dr, Chicago")
    engineer = live.build.user("engineer")
    visit = live.build.visit(store, engineer, now)
    tomorrow = live.build.visit(other, engineer, now + timedelta(days=1))
    return store, engineer, visit, tomorrow


def sync_bodies(context: Any) -> list[str]:
    """The bodies of every POST /api/sync the browser sends (from the page or the worker)."""
    bodies: list[str] = []

    def note(request: Any) -> None:
        if request.method == "POST" and request.url.endswith("/api/sync"):
            bodies.append(request.post_data)

    context.on("request", note)
    return bodies


# Every page the Today page lists for offline use is in the service worker's cache.
ALL_PAGES_SAVED = """async () => {
  if (!navigator.serviceWorker.controller) return false;
  const urls = document.querySelector('meta[name="offline-pages"]').content.split(" ");
  const cache = await caches.open("fieldops-pages");
  const hits = await Promise.all(urls.map((url) => cache.match(url)));
  return hits.every(Boolean);
}"""


def open_today_and_save_pages(page: Any) -> None:
    expect(page).to_have_url(re.compile(r"/today$"))
    wait_until(page, ALL_PAGES_SAVED)


def start_the_day(live: Any, page: Any) -> tuple[Any, Any, Any]:
    """An engineer's day planned (plan_day), the engineer signed in with the pages of the
    day saved on the phone; the store, the engineer and today's visit there."""
    store, engineer, visit, _tomorrow = plan_day(live)
    sign_in(page, engineer.email)
    open_today_and_save_pages(page)
    return store, engineer, visit


def stored(live: Any, visit_id: int) -> tuple[Visit, list[Observation], list[Photo]]:
    with live.db():
        visit = db.session.get(Visit, visit_id)
        observations = db.session.scalars(
            sa.select(Observation).where(Observation.visit_id == visit_id)
        ).all()
        photos = db.session.scalars(
            sa.select(Photo).where(Photo.observation_id.in_([o.id for o in observations]))
        ).all()
        db.session.expunge_all()
        return visit, list(observations), list(photos)
