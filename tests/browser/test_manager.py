"""The store manager's phone: the one-tap close-out, queued offline and sent once."""

from __future__ import annotations

import re

import sqlalchemy as sa

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

    context.set_offline(True)
    page.get_by_role("button", name="Last customer just left").click()
    expect(page.locator("#closeout [data-outbox-status]")).to_contain_text("waiting to sync")
    page.reload()
    expect(page.locator("[data-outbox-count]")).to_have_text("1 waiting")
    assert closeouts(live, store.id) == []

    context.set_offline(False)
    expect(page.locator("[data-outbox-count]")).to_be_hidden(timeout=20_000)
    wait_until(page, "() => !document.querySelector('meta[name=served-from]')")  # reloaded
    [closeout] = closeouts(live, store.id)
    assert closeout.last_customer_at is not None and not closeout.closed
