"""With JavaScript, a check-in far from the planned start is asked about before it is
queued; declining leaves the visit as it was, accepting marks it off schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fieldops.visits.models import VisitStatus
from tests.browser.support import require_browser, sign_in

require_browser()

from playwright.sync_api import expect  # noqa: E402  (after the skip: it may be missing)

from tests.browser.offline_day import SYNC_TIMEOUT, stored  # noqa: E402


def test_a_late_check_in_is_asked_about_first(live, page):
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    store = live.build.store(name="Westside Honda")
    engineer = live.build.user("engineer")
    visit = live.build.visit(store, engineer, now - timedelta(hours=3))
    sign_in(page, engineer.email)
    page.goto(f"/visits/{visit.id}")
    asked: list[str] = []

    def answer(dialog, accept: bool) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.get_by_role("button", name="Check in now").click()
    expect(page.locator("#check-out")).to_be_hidden()
    assert "minutes after the planned start" in asked[0]
    assert stored(live, visit.id)[0].status == VisitStatus.PLANNED

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.get_by_role("button", name="Check in now").click()
    expect(page.locator("#check-out")).to_be_visible()
    expect(page.locator("[data-outbox-count]")).to_be_hidden(timeout=SYNC_TIMEOUT)
    saved = stored(live, visit.id)[0]
    assert saved.status == VisitStatus.CHECKED_IN and saved.off_schedule
