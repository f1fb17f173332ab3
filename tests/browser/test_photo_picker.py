"""Several photos to an issue or an observation: each previewed before sending, removable,
added to as they are chosen, at most 10."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.support import PHONE, jpeg, require_browser

require_browser()

from playwright.sync_api import expect  # noqa: E402  (after the skip: it may be missing)

from fieldops.extensions import db  # noqa: E402
from fieldops.issues.models import Issue  # noqa: E402
from tests.browser.offline_day import SYNC_TIMEOUT, start_the_day, stored  # noqa: E402


def choose(page: Any, field: str, *widths: int) -> None:
    """Choose photos in the field as the phone's picker does (replacing its own selection),
    one JPEG per width, so the photos the server keeps can be told apart."""
    files = [
        {"name": f"w{width}.jpg", "mimeType": "image/jpeg", "buffer": jpeg((width, 60))}
        for width in widths
    ]
    page.set_input_files(field, files=files)


def choose_three_and_remove_the_second(page: Any) -> None:
    choose(page, "#f-photo", 80, 81)
    choose(page, "#f-photo", 82)  # a second choice adds to the first
    previews = page.get_by_role("list", name="Chosen photos").get_by_role("img")
    expect(previews).to_have_count(3)
    expect(page.get_by_text("3 of 10 photos")).to_be_visible()
    removed = previews.nth(1).get_attribute("src")
    page.get_by_role("button", name="Remove photo 2").click()
    expect(previews).to_have_count(2)
    expect(page.get_by_text("2 of 10 photos")).to_be_visible()
    expect(page.get_by_role("button", name="Remove photo 2")).to_be_focused()
    # the removed preview's object URL is released
    assert page.evaluate("(url) => fetch(url).then(() => false, () => true)", removed)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_issue_is_filed_with_the_photos_left_after_one_is_removed(live, context, page):
    store, _engineer, _visit = start_the_day(live, page)
    page.goto(f"/issues/new?store_id={store.id}")
    page.select_option("#f-category", "wifi")
    page.fill("#f-title", "Access point hanging loose")
    choose_three_and_remove_the_second(page)
    page.get_by_role("button", name="File issue").click()
    expect(page).to_have_url(re.compile(r"/issues/\d+$"))
    expect(page.locator(".photos img")).to_have_count(2, timeout=SYNC_TIMEOUT)
    with live.db():
        issue = db.session.get(Issue, int(page.url.rsplit("/", 1)[1]))
        assert sorted(photo.width for photo in issue.photos) == [80, 82]

    # Its page adds more, counting the two it has.
    choose(page, "#add-photo", *range(90, 99))
    expect(page.get_by_role("alert")).to_have_text(
        "At most 10 photos can be added here (it has 2): 1 photo not added."
    )
    expect(page.get_by_text("8 chosen: 10 of 10 photos with the 2 it has")).to_be_visible()
    page.get_by_role("button", name="Add photos", exact=True).click()
    expect(page.locator(".photos img")).to_have_count(10, timeout=SYNC_TIMEOUT)


def test_an_observation_made_offline_sends_its_photos_once_online(live, context, page):
    store, _engineer, visit = start_the_day(live, page)
    page.goto(f"/observations/new?store_id={store.id}&visit_id={visit.id}&category=general")
    context.set_offline(True)
    page.fill("#f-text", "Two access points on one shelf")
    choose_three_and_remove_the_second(page)
    page.get_by_role("button", name="Save observation").click()
    expect(page).to_have_url(f"{live.url}/visits/{visit.id}")
    counter = page.locator("[data-outbox-count]")
    expect(counter).to_have_text("3 waiting")  # the observation and its two photos
    context.set_offline(False)
    expect(counter).to_be_hidden(timeout=SYNC_TIMEOUT)
    _visit, observations, photos = stored(live, visit.id)
    assert len(observations) == 1
    assert sorted(photo.width for photo in photos) == [80, 82]


def test_an_eleventh_photo_is_refused_in_words(live, context, page):
    store, _engineer, _visit = start_the_day(live, page)
    page.goto(f"/issues/new?store_id={store.id}")
    choose(page, "#f-photo", *range(80, 89))
    choose(page, "#f-photo", 89, 90)
    expect(page.get_by_role("alert")).to_have_text(
        "At most 10 photos can be added here: 1 photo not added."
    )
    expect(page.get_by_text("10 of 10 photos")).to_be_visible()
    expect(page.get_by_role("list", name="Chosen photos").get_by_role("img")).to_have_count(10)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Remove photo 10").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_text("9 of 10 photos")).to_be_visible()
