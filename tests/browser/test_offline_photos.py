"""The outbox when the phone is short of room: photos it cannot store, camera photos too
large to send as they are."""

from __future__ import annotations

from tests.browser.support import (
    attach_photo,
    jpeg,
    noise_png,
    require_browser,
    sign_in,
    wait_until,
)

require_browser()

from playwright.sync_api import expect  # noqa: E402  (after the skip: it may be missing)

from tests.browser.offline_day import (  # noqa: E402
    SYNC_TIMEOUT,
    open_today_and_save_pages,
    plan_day,
    start_the_day,
    stored,
)

# IndexedDB refusing to store photos, as a full phone does.
PHOTOS_REFUSED = """(() => {
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (value, key) {
    if (value && value.kind === "photo") throw new DOMException("full", "QuotaExceededError");
    return put.call(this, value, key);
  };
})()"""


def test_a_form_the_phone_cannot_store_is_sent_once_the_classic_way(live, context, page):
    store, engineer, visit, _tomorrow = plan_day(live)
    context.add_init_script(PHOTOS_REFUSED)
    sign_in(page, engineer.email)
    open_today_and_save_pages(page)
    page.goto(f"/observations/new?store_id={store.id}&visit_id={visit.id}&category=wifi")
    page.fill("#f-zone", "Service lane")
    attach_photo(page, jpeg())
    page.get_by_role("button", name="Save observation").click()
    expect(page).to_have_url(f"{live.url}/visits/{visit.id}")
    wait_until(page, "() => Boolean(self.FieldOpsOutbox)")  # the new page's modules loaded
    assert page.evaluate("async () => (await self.FieldOpsOutbox.all()).length") == 0
    _visit, observations, photos = stored(live, visit.id)
    assert len(observations) == 1 and len(photos) == 1  # not half-queued and sent twice


def test_a_large_camera_photo_is_made_smaller_on_the_phone_before_it_is_queued(live, context, page):
    store, engineer, visit = start_the_day(live, page)
    big = noise_png((3000, 2000))  # about 18 MB: over the server's 10 MB limit as it is
    assert len(big) > 10 * 1024 * 1024
    page.goto(f"/observations/new?store_id={store.id}&visit_id={visit.id}&category=wifi")
    page.fill("#f-zone", "Roof")
    attach_photo(page, big, "roof.png", "image/png")
    page.get_by_role("button", name="Save observation").click()
    expect(page).to_have_url(f"{live.url}/visits/{visit.id}")
    expect(page.locator("[data-outbox-count]")).to_be_hidden(timeout=SYNC_TIMEOUT)
    [photo] = stored(live, visit.id)[2]
    assert (photo.width, photo.height) == (2048, 1365)
