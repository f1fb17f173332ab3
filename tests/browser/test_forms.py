"""Forms that explain themselves: mistakes said on the form in its words, before anything is
queued or when the server refuses; every action confirmed, online and queued offline."""

from __future__ import annotations

import contextlib
import re
from datetime import time
from typing import Any

import sqlalchemy as sa

from fieldops.extensions import db
from fieldops.issues.models import Issue
from tests.browser.support import require_browser, sign_in, wait_until

require_browser()

from playwright.sync_api import expect  # noqa: E402  (after the skip: it may be missing)

from tests.browser.offline_day import (  # noqa: E402
    SYNC_TIMEOUT,
    start_the_day,
    stored,
    sync_bodies,
)

MINUS = "\u2212"


def said(page: Any) -> Any:
    """The page's confirmation, in its status region."""
    return page.locator("[data-said][role=status]")


def wifi_form(page: Any, store: Any, visit: Any) -> None:
    page.goto(f"/observations/new?store_id={store.id}&visit_id={visit.id}&category=wifi")
    wait_until(page, "() => Boolean(window.FieldOpsOutbox)")


def test_an_out_of_range_observation_is_stopped_in_the_browser_with_words(live, context, page):
    store, _engineer, visit = start_the_day(live, page)
    bodies = sync_bodies(context)
    wifi_form(page, store, visit)
    zone, signal = page.locator("#f-zone"), page.locator("#f-rssi_dbm")
    expect(page.locator("label[for=f-zone]")).to_contain_text("required")  # marked visibly
    expect(zone).to_have_attribute("required", "")
    expect(signal).to_have_attribute("min", "-120")
    expect(signal).to_have_attribute("max", "0")

    signal.fill("-150")
    page.get_by_role("button", name="Save observation").click()
    expect(signal).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-rssi_dbm-error")).to_have_text(
        f"Signal (dBm) must be between {MINUS}120 and 0."
    )
    expect(zone).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-zone-error")).to_contain_text("is required.")
    expect(signal).to_have_value("-150")  # what was typed is kept
    expect(page.locator("[data-outbox-count]")).to_be_hidden()  # nothing queued
    assert bodies == []

    zone.fill("Showroom")
    signal.fill("-60")
    page.get_by_role("button", name="Save observation").click()
    expect(page).to_have_url(f"{live.url}/visits/{visit.id}")
    expect(said(page)).to_have_text("Observation saved")
    assert [o.fields for o in stored(live, visit.id)[1]] == [{"zone": "Showroom", "rssi_dbm": -60}]


def test_a_refusal_only_the_server_knows_stays_on_the_form_in_words(live, context, page):
    store, _engineer, visit = start_the_day(live, page)
    wifi_form(page, store, visit)
    page.fill("#f-zone", "Service lane")
    page.fill("#f-rssi_dbm", "-67.5")  # the browser takes any number; the server a whole one
    button = page.get_by_role("button", name="Save observation")
    button.click()

    expect(page.locator("#f-rssi_dbm-error")).to_have_text("Signal (dBm) must be a whole number.")
    expect(page.locator("#f-rssi_dbm")).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(re.compile(r"/observations/new"))  # the form stays open
    expect(page.locator("#f-zone")).to_have_value("Service lane")
    expect(page.locator("#f-rssi_dbm")).to_have_value("-67.5")
    expect(button).to_be_enabled()
    assert "fields." not in page.locator("main").inner_text()
    expect(page.locator("[data-outbox-count]")).to_be_hidden()  # not left to send again

    page.fill("#f-rssi_dbm", "-67")
    button.click()
    expect(page).to_have_url(f"{live.url}/visits/{visit.id}")
    expect(said(page)).to_have_text("Observation saved")
    assert len(stored(live, visit.id)[1]) == 1


def test_no_answer_in_time_leaves_it_saved_on_the_phone(live, context, page):
    store, _engineer, visit = start_the_day(live, page)
    context.add_init_script("self.FieldOpsSyncWaitMs = 300")
    held: list[Any] = []
    page.route("**/api/sync", lambda route: held.append(route))  # the server does not answer (yet)
    wifi_form(page, store, visit)
    page.fill("#f-zone", "Lobby")
    page.get_by_role("button", name="Save observation").click()

    expect(page).to_have_url(f"{live.url}/visits/{visit.id}")
    expect(said(page)).to_have_text("Saved on this phone; it will be sent when you are online.")
    expect(page.locator("[data-outbox-count]")).to_have_text("1 waiting")

    page.unroute("**/api/sync")
    for route in held:
        with contextlib.suppress(Exception):  # the page that asked may have gone
            route.abort()
    page.reload()  # the outbox takes over: sent once the server answers
    wait_until(page, "() => Boolean(window.FieldOpsOutbox)")  # the page's modules loaded
    wait_until(
        page,
        "async () => Boolean(window.FieldOpsOutbox)"
        " && (await window.FieldOpsOutbox.all()).length === 0",
    )
    expect(page.locator("[data-outbox-count]")).to_be_hidden(timeout=SYNC_TIMEOUT)
    assert [o.fields for o in stored(live, visit.id)[1]] == [{"zone": "Lobby"}]


def test_check_in_and_check_out_confirm_themselves(live, context, page):
    store, _engineer, visit = start_the_day(live, page)
    page.goto(f"/visits/{visit.id}")
    wait_until(page, "() => Boolean(window.FieldOpsOutbox)")
    page.get_by_role("button", name="Check in now").click()
    expect(said(page)).to_have_text(re.compile(r"^Checked in at \d\d:\d\d$"))
    page.fill("#f-summary", "Replaced the access point")
    page.locator("#check-out").get_by_role("button", name="Check out").click()
    expect(said(page)).to_have_text("Checked out")
    assert stored(live, visit.id)[0].summary == "Replaced the access point"


def test_an_empty_check_out_is_stopped_on_the_form(live, context, page):
    store, _engineer, visit = start_the_day(live, page)
    page.goto(f"/visits/{visit.id}")
    page.get_by_role("button", name="Check in now").click()
    expect(said(page)).to_contain_text("Checked in at")
    page.locator("#check-out").get_by_role("button", name="Check out").click()
    expect(page.locator("#f-summary-error")).to_have_text("Summary of the visit is required.")
    expect(page.locator("#check-out").get_by_role("button", name="Check out")).to_be_enabled()


def test_a_queued_check_in_shows_on_the_visit_page(live, context, page):
    store, _engineer, visit = start_the_day(live, page)
    page.goto(f"/visits/{visit.id}")
    wait_until(page, "() => Boolean(window.FieldOpsOutbox)")
    context.set_offline(True)
    page.get_by_role("button", name="Check in now").click()
    expect(said(page)).to_have_text("Saved on this phone; it will be sent when you are online.")
    check_in = page.locator(f"form[action='/visits/{visit.id}/check-in']")
    expect(check_in.locator("[data-outbox-status]")).to_have_text("Checked in, waiting to send")
    expect(page.get_by_role("button", name="Check in now")).to_be_hidden()
    page.reload()  # the saved copy of the page says so too
    expect(check_in.locator("[data-outbox-status]")).to_have_text("Checked in, waiting to send")
    expect(page.get_by_role("button", name="Check in now")).to_be_hidden()
    context.set_offline(False)
    expect(page.locator("[data-outbox-count]")).to_be_hidden(timeout=SYNC_TIMEOUT)


def test_an_observation_queued_offline_says_so_on_the_next_page(live, context, page):
    store, _engineer, visit = start_the_day(live, page)
    wifi_form(page, store, visit)
    context.set_offline(True)
    page.fill("#f-zone", "Showroom")
    page.get_by_role("button", name="Save observation").click()
    expect(page).to_have_url(f"{live.url}/visits/{visit.id}")
    expect(said(page)).to_have_text("Saved on this phone; it will be sent when you are online.")


def test_an_issue_and_a_comment_confirm_themselves(live, context, page):
    store, _engineer, _visit = start_the_day(live, page)
    page.goto(f"/issues/new?store_id={store.id}")
    wait_until(page, "() => Boolean(window.FieldOpsOutbox)")
    page.get_by_role("button", name="File issue").click()  # empty: said on the form
    expect(page.locator("#f-title-error")).to_have_text("Title is required.")
    expect(page.locator("#f-category-error")).to_have_text("Category is required.")
    page.select_option("#f-category", index=1)
    page.fill("#f-title", "Guest Wi-Fi down in the showroom")
    page.get_by_role("button", name="File issue").click()
    expect(page).to_have_url(re.compile(r"/issues/\d+$"))
    expect(said(page)).to_have_text("Issue filed")

    page.fill("#f-body", "Rebooted the controller; still down.")
    page.get_by_role("button", name="Comment").click()
    expect(said(page)).to_have_text("Comment added")
    expect(page.locator(".comment")).to_contain_text("Rebooted the controller")
    with live.db():
        issues = db.session.scalars(sa.select(Issue).where(Issue.store_id == store.id)).all()
        assert [i.title for i in issues] == ["Guest Wi-Fi down in the showroom"]


def test_a_close_out_confirms_itself_with_the_time(live, context, page):
    all_day = [(d, time(4), time(3, 59)) for d in range(7)]  # no time is outside the hours
    store = live.build.store(name="Southside Mazda", hours=all_day)
    manager = live.build.user("manager", stores=[store])
    sign_in(page, manager.email)
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator(".closeout-time summary").click()
    page.fill("#f-last_customer_at", "21:40")
    page.get_by_role("button", name="Last customer just left").click()
    expect(said(page)).to_have_text("Close-out saved: last customer left at 21:40")
