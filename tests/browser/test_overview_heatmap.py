"""The overview's heatmap: a list of the worst stores on a phone, the grid on a desktop."""

from __future__ import annotations

from datetime import UTC, datetime

from fieldops.coverage import take_snapshot
from fieldops.extensions import db
from fieldops.stores.models import Store
from tests.browser.support import PHONE, require_browser, sign_in
from tests.coverage.helpers import add_shift

require_browser()

from playwright.sync_api import expect  # noqa: E402  (after the skip: it may be missing)


def _overview(live, page) -> Store:
    store = live.build.store(name="Bare Motors", region="Heatmap Test")
    weekday = live.build.store(name="Weekday Motors", region="Heatmap Test")
    add_shift(live.app, stores=[weekday], weekdays=[0, 1, 2, 3, 4])  # Bare Motors: no support
    with live.db():
        take_snapshot(datetime.now(UTC))
        db.session.commit()
    sign_in(page, live.build.user("cio").email)
    assert page.goto("/overview?region=Heatmap+Test").ok  # the live database is shared
    return store


def test_a_phone_gets_the_list_of_the_worst_stores(live, page):
    store = _overview(live, page)
    assert page.viewport_size == PHONE
    expect(page.locator("svg.heatmap")).to_be_hidden()
    worst = page.locator(".worst-store")
    expect(worst.first).to_be_visible()
    expect(worst.first).to_contain_text("Bare Motors")
    expect(worst.first.locator(".day")).to_have_count(7)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    worst.first.click()
    expect(page).to_have_url(f"{live.url}/stores/{store.id}#support")


def test_a_desktop_gets_the_grid(live, page):
    page.set_viewport_size({"width": 1366, "height": 900})
    _overview(live, page)
    expect(page.locator("svg.heatmap")).to_be_visible()
    expect(page.locator(".worst-store").first).to_be_hidden()


def test_the_suggested_changes_come_after_the_page(live, page):
    # Weekday Motors is open Mon-Sat and supported on weekdays only: Saturday is a gap a
    # change to its shift (staffed by a new engineer) closes.
    _overview(live, page)
    section = page.locator("#suggestions")
    expect(section).to_contain_text("Suggested changes")
    expect(section.locator(".suggestions li").first).to_be_visible()
    expect(section).not_to_contain_text("Working out the changes")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
