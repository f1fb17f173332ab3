"""Phone layout: every menu item within reach, no page wider than the screen whatever the
data, the offline page listing each saved page once, a way back from an opened photo."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

import pytest

from fieldops.auth.models import User
from fieldops.coverage import take_snapshot
from fieldops.extensions import db
from fieldops.photos import add_photo
from fieldops.photos.services import clean_photo
from fieldops.planner.services import propose
from fieldops.shifts.models import SupportShift
from tests.browser.support import PHONE, jpeg, require_browser, sign_in
from tests.coverage.helpers import add_shift

require_browser()

from playwright.sync_api import expect  # noqa: E402  (after the skip: it may be missing)

from tests.browser.offline_day import start_the_day  # noqa: E402

LONG_TITLE = "W" * 200  # no spaces: nothing to break the line at
LONG_NAME = "Supercalifragilistic" * 5 + " Motors"


@pytest.mark.parametrize("role", ["admin", "cio"])
def test_the_phone_menu_shows_every_item_within_the_screen(live, page, role):
    user = live.build.user(role)
    sign_in(page, user.email)
    menu = page.locator("summary", has_text="Menu")
    expect(menu).to_be_visible()
    links = page.get_by_role("navigation", name="Main").get_by_role("link")
    expect(links.first).to_be_hidden()  # closed until asked for

    menu.click()
    names = links.all_inner_texts()
    assert len(names) == (11 if role == "admin" else 5)  # the CIO: with "My visits"
    for link in links.all():
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (link, box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (link, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    links.last.click()  # the last item, the one that used to hide off-screen
    expect(page.locator(".nav a[aria-current=page]")).to_have_text(names[-1])
    expect(menu).to_contain_text(names[-1])  # the closed menu names the current page


def _pages(live, role: str) -> tuple[User, list[str]]:
    """A user of `role` and the pages to open, over data with long names and titles."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    store = live.build.store(
        name=LONG_NAME, address="1" * 80 + " Boulevard", phone="+1 (312) 555-0100"
    )
    manager = live.build.user(
        "manager",
        stores=[store],
        name="Bartholomew" + "y" * 60,
        email=f"{'m' * 64}{uuid.uuid4().hex}@example.test",
        phone="+1 312 555 0199",
    )
    engineer = live.build.user(
        "engineer", name="Maximilian" + "x" * 60, home_latitude=41.9, home_longitude=-87.7
    )
    shift = add_shift(live.app, stores=[store], name="S" * 120, timezone="Pacific/Honolulu",
                      weekdays=[0, 2, 4], start=time(7), end=time(13))  # fmt: skip
    visit = live.build.visit(store, engineer, now + timedelta(hours=1))
    issue = live.build.issue(store, engineer, title=LONG_TITLE, description="d" * 400)
    live.build.observation(store, engineer, visit_id=visit.id, fields={"text": "t" * 300})
    with live.db():
        add_photo(clean_photo(jpeg()), uuid.uuid4(), db.session.get(User, engineer.id), now,
                  issue_id=issue.id)  # fmt: skip
        db.session.get(SupportShift, shift).engineers = [db.session.get(User, engineer.id)]
        db.session.commit()
    common = ["/issues", f"/issues/{issue.id}", f"/stores/{store.id}", "/account", "/offline"]
    if role == "engineer":
        pages = ["/today", f"/visits/{visit.id}", "/stores", "/outbox", "/issues/new"]
        return engineer, [*common, *pages, f"/observations/new?store_id={store.id}"]
    if role == "manager":
        return manager, [*common, "/my-store", "/issues/new", "/outbox"]
    with live.db():  # the long-named store's alerts, on the overview and /alerts
        take_snapshot(now)
        db.session.commit()
    pages = [*common, "/overview", "/alerts", "/stores", "/visits", f"/visits/{visit.id}"]
    if role == "admin":
        live.build.token(engineer, name="t" * 90)
        pages += ["/admin/users", "/admin/shifts", "/admin/tokens", "/admin/audit"]
        pages += ["/admin/signals/import", f"/stores/{store.id}/edit", "/issues/new"]
        pages += ["/stores/new", "/visits/new", f"/visits/{visit.id}/edit", "/admin/shifts/new"]
        pages += ["/admin/users/new", f"/admin/users/{manager.id}/edit"]
        pages += ["/admin/sla", "/admin/sla/critical"]
        pages += ["/admin/visit-plans", f"/admin/visit-plans/{_plan(live, now)}"]
    return live.build.user(role), pages


def _plan(live, now: datetime) -> int:
    """A week's visit plan (the long-named store and engineer among it), proposed now."""
    admin = live.build.user("admin")
    with live.db():
        request = {"first_day": now.date() + timedelta(days=1), "days": 7, "include": ["due"]}
        plan = propose(request, db.session.get(User, admin.id), now)
        db.session.commit()
        return plan.id


@pytest.mark.parametrize("role", ["admin", "cio", "engineer", "manager"])
def test_no_page_scrolls_sideways_on_a_phone(live, page, role):
    user, paths = _pages(live, role)
    sign_in(page, user.email)
    widths = {}
    for path in paths:
        assert page.goto(path).ok, path
        page.evaluate(
            "document.querySelectorAll('details.contact-card, .alert-controls details')"
            ".forEach(d => d.open = true)"
        )
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    assert {p: w for p, w in widths.items() if w > PHONE["width"]} == {}


def test_the_sign_in_page_fits_a_phone(live, page):
    assert page.goto("/login").ok
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_opened_photo_has_a_back_link(live, page):
    user, paths = _pages(live, "engineer")
    sign_in(page, user.email)
    page.goto(paths[1])  # the issue, with its photo
    photo = page.get_by_role("dialog")
    expect(photo).to_be_hidden()
    thumbnail = page.locator(".photos a").first
    thumb_id = thumbnail.get_attribute("id")
    thumbnail.click()
    expect(photo).to_be_visible()
    expect(photo.get_by_role("img")).to_be_visible()
    photo.get_by_role("link", name="Back").click()
    expect(photo).to_be_hidden()
    expect(page).to_have_url(f"{live.url}{paths[1]}#{thumb_id}")


def test_the_offline_page_lists_each_saved_page_once(live, context, page):
    store, _engineer, visit = start_the_day(live, page)
    context.set_offline(True)
    page.goto("/admin/users")  # never saved: the offline page answers
    saved = page.locator("[data-saved-list] a")
    expect(saved.first).to_be_visible()
    hrefs = [a.get_attribute("href") for a in saved.all()]
    names = saved.all_inner_texts()
    assert len(hrefs) == len(set(hrefs)) and len(names) == len(set(names)), names
    assert f"Add observation — {store.name}" in names
    assert f"File an issue — {store.name}" in names
    assert f"Visit to {store.name}" in names
    assert f"/observations/new?store_id={store.id}&visit_id={visit.id}" in hrefs
