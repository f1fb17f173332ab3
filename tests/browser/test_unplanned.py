"""An engineer starts an unplanned visit from the store page: online it opens the new
visit; offline it waits in the outbox as "Visit started: <store>" and is sent later."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from fieldops.extensions import db
from fieldops.visits.models import Visit, VisitStatus
from tests.browser.support import require_browser, sign_in

require_browser()

from playwright.sync_api import expect  # noqa: E402  (after the skip: it may be missing)

from tests.browser.offline_day import SYNC_TIMEOUT, start_the_day  # noqa: E402


def unplanned_visits(live: Any, store_id: int) -> list[Visit]:
    with live.db():
        return list(
            db.session.scalars(
                sa.select(Visit).where(Visit.store_id == store_id, Visit.unplanned.is_(True))
            )
        )


def test_a_visit_started_online_opens_it(live, page):
    store = live.build.store(name="Westside Honda")
    engineer = live.build.user("engineer")
    sign_in(page, engineer.email)
    page.goto(f"/stores/{store.id}")
    page.get_by_role("button", name="Start a visit now").click()
    expect(page).to_have_url(re.compile(r"/visits/\d+$"))
    expect(page.locator(".page-head .badge.unplanned")).to_have_text("Unplanned")
    expect(page.locator("#check-out")).to_be_visible()
    [visit] = unplanned_visits(live, store.id)
    assert page.url.endswith(f"/visits/{visit.id}")
    assert visit.status == VisitStatus.CHECKED_IN and visit.engineer_id == engineer.id
    assert visit.distance_m is not None and visit.far_from_store is False  # the phone's position


def test_a_visit_started_offline_is_sent_when_back_online(live, context, page):
    store, _engineer, _visit = start_the_day(live, page)  # the store's page saved on the phone
    context.set_offline(True)
    page.goto(f"/stores/{store.id}")
    form = page.locator("form[data-outbox=visit_start]")
    form.get_by_role("button", name="Start a visit now").click()
    expect(form.locator("[data-outbox-status]")).to_contain_text("waiting to sync")
    counter = page.locator("[data-outbox-count]")
    expect(counter).to_have_text("1 waiting")
    page.goto("/outbox")
    expect(page.locator("[data-outbox-list] > li")).to_contain_text(
        "Visit started: Northside Toyota"
    )
    assert unplanned_visits(live, store.id) == []

    context.set_offline(False)
    expect(page.locator("[data-outbox-empty]")).to_be_visible(timeout=SYNC_TIMEOUT)
    [visit] = unplanned_visits(live, store.id)
    assert visit.status == VisitStatus.CHECKED_IN and visit.checked_in_at is not None
