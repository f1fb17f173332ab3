"""The store manager's phone: the one-tap close-out, queued offline and sent once."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

import sqlalchemy as sa

from fieldops.clock import business_date
from fieldops.extensions import db
from fieldops.hours.models import Closeout
from tests.browser.support import require_browser, sign_in, wait_until

require_browser()

from playwright.sync_api import expect  # noqa: E402  (after the skip: it may be missing)


def closeouts(live, store_id: int) -> list[Closeout]:
    with live.db():
        rows = db.session.scalars(sa.select(Closeout).where(Closeout.store_id == store_id)).all()
        db.session.expunge_all()
        return list(rows)


def test_last_customer_just_left_is_queued_offline_and_sent_once(live, context, page):
    store = live.build.store(name="Westside Honda")
    manager = live.build.user("manager", stores=[store])
    sign_in(page, manager.email)
    expect(page).to_have_url(re.compile(rf"/stores/{store.id}$"))
    wait_until(
        page,
        """async () => navigator.serviceWorker.controller &&
          Boolean(await (await caches.open("fieldops-pages")).match("/my-store"))""",
    )

    # Outside the posted hours (the suite runs at any time of day) the page asks first.
    page.on("dialog", lambda dialog: dialog.accept())
    context.set_offline(True)
    page.get_by_role("button", name="Last customer just left").click()
    expect(page.locator("#closeout [data-outbox-status]")).to_contain_text(
        "Saved on this phone; it will be sent when you are online"
    )
    page.reload()
    expect(page.locator("[data-outbox-count]")).to_have_text("1 waiting")
    assert closeouts(live, store.id) == []

    context.set_offline(False)
    expect(page.locator("[data-outbox-count]")).to_be_hidden(timeout=20_000)
    wait_until(page, "() => !document.querySelector('meta[name=served-from]')")  # reloaded
    [closeout] = closeouts(live, store.id)
    assert closeout.last_customer_at is not None and not closeout.closed


def test_a_second_close_out_is_asked_about_before_it_is_queued(live, page):
    all_day = [(d, time(4), time(3, 59)) for d in range(7)]  # no time is outside the hours
    store = live.build.store(name="Eastside Kia", hours=all_day)
    manager = live.build.user("manager", stores=[store])
    now = datetime.now(UTC)
    with live.db():
        cutoff = live.app.config["HOURS_BUSINESS_DAY_CUTOFF"]
        day = business_date(now, store.timezone, cutoff)
        db.session.add(Closeout(store_id=store.id, business_date=day, last_customer_at=time(2, 8)))
        db.session.commit()
    sign_in(page, manager.email)
    asked: list[str] = []

    def answer(dialog, accept: bool) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.get_by_role("button", name="Last customer just left").click()
    assert "already says the last customer left at 02:08. Replace it?" in asked[0]
    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.get_by_role("button", name="Last customer just left").click()
    for _ in range(200):  # the outbox sends it at once (online); up to 20 s
        [closeout] = closeouts(live, store.id)
        if closeout.last_customer_at != time(2, 8):
            break
        page.wait_for_timeout(100)
    assert closeout.last_customer_at != time(2, 8)  # replaced, once
