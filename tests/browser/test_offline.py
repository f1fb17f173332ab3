"""An engineer's day in a real browser: offline mid-work, back online, nothing lost or doubled."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from fieldops.auth.models import User
from fieldops.extensions import db
from fieldops.issues.models import Issue, IssueStatus, Severity
from fieldops.issues.services import update_issue
from fieldops.visits.models import VisitStatus
from tests.browser.support import (
    TIMEOUT_MS,
    attach_photo,
    jpeg,
    require_browser,
    sign_in,
)

require_browser()

from playwright.sync_api import expect  # noqa: E402  (after the skip: it may be missing)

from tests.browser.offline_day import (  # noqa: E402
    SYNC_TIMEOUT,
    open_today_and_save_pages,
    plan_day,
    start_the_day,
    stored,
    sync_bodies,
)


def test_offline_check_in_and_observation_with_photo_reach_the_server_once(live, context, page):
    store, engineer, visit, tomorrow = plan_day(live)
    bodies = sync_bodies(context)
    sign_in(page, engineer.email)
    open_today_and_save_pages(page)
    expect(page.get_by_role("heading", name="Tomorrow")).to_be_visible()
    expect(page.get_by_text("Lakeside Ford")).to_be_visible()
    counter = page.locator("[data-outbox-count]")

    context.set_offline(True)
    check_in = page.locator(f"form[action='/visits/{visit.id}/check-in']")
    check_in.get_by_role("button", name="Check in").click()
    expect(check_in.locator("[data-outbox-status]")).to_have_text("Checked in, waiting to send")
    expect(counter).to_have_text("1 waiting")

    # The observation form was saved on the phone while online.
    page.click(f"a[href='/observations/new?store_id={store.id}&visit_id={visit.id}']")
    page.get_by_role("link", name="Wi-Fi").click()
    page.fill("#f-zone", "Showroom")
    page.fill("#f-rssi_dbm", "-67")
    page.fill("#f-download_mbps", "48.5")
    attach_photo(page, jpeg())
    page.get_by_role("button", name="Save observation").click()
    expect(page).to_have_url(f"{live.url}/visits/{visit.id}")
    expect(counter).to_have_text("3 waiting")  # the check-in, the observation, its photo
    expect(page.locator("[data-banner=offline]")).to_contain_text(
        "Offline: showing the copy saved at"
    )

    page.reload()  # still offline: the saved copy, and the queue survives
    expect(page.locator("meta[name=served-from]")).to_have_count(1)
    expect(counter).to_have_text("3 waiting")
    page.goto("/outbox")
    items = page.locator("[data-outbox-list] > li")
    expect(items).to_have_count(3)
    expect(items.first).to_contain_text("Check-in at Northside Toyota")
    assert bodies == []  # nothing was sent while offline

    context.set_offline(False)  # the online event flushes the outbox
    expect(page.locator("[data-outbox-empty]")).to_be_visible(timeout=SYNC_TIMEOUT)
    expect(counter).to_be_hidden()

    saved_visit, observations, photos = stored(live, visit.id)
    assert saved_visit.status == VisitStatus.CHECKED_IN
    assert saved_visit.distance_m is not None and saved_visit.far_from_store is False
    assert len(observations) == 1
    assert observations[0].fields == {"zone": "Showroom", "rssi_dbm": -67, "download_mbps": 48.5}
    assert len(photos) == 1 and photos[0].width == 80

    # Replaying the very batches the browser sent changes nothing.
    token = context.request.get("/api/auth/csrf").json()["csrf_token"]
    assert bodies
    for body in bodies:
        answer = context.request.post(
            "/api/sync",
            data=body,
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
        )
        assert answer.status == 200
        sent = json.loads(body)["operations"]
        results = answer.json()["results"]
        assert [r["client_id"] for r in results] == [op["client_id"] for op in sent]
        assert {r["status"] for r in results} == {"duplicate"}
    again_visit, again_observations, again_photos = stored(live, visit.id)
    assert [o.id for o in again_observations] == [o.id for o in observations]
    assert [p.id for p in again_photos] == [p.id for p in photos]
    assert again_visit.version == saved_visit.version


def queue_a_refused_observation(live: Any, context: Any, page: Any, zone: str) -> Any:
    """An observation saved offline that only the server refuses (a signal of -67.5 dBm:
    the browser takes any number, the server a whole one), refused once back online."""
    store, engineer, visit = start_the_day(live, page)
    page.goto(f"/observations/new?store_id={store.id}&visit_id={visit.id}&category=wifi")
    context.set_offline(True)
    page.fill("#f-zone", zone)
    page.fill("#f-rssi_dbm", "-67.5")
    page.get_by_role("button", name="Save observation").click()
    expect(page).to_have_url(f"{live.url}/visits/{visit.id}")
    context.set_offline(False)  # sent, and refused
    expect(page.locator("[data-outbox-notice]")).to_contain_text(
        "Refused: needs a fix", timeout=SYNC_TIMEOUT
    )
    return visit


def test_a_refused_entry_stays_with_the_reason_until_fixed(live, context, page):
    visit = queue_a_refused_observation(live, context, page, "Service lane")
    counter = page.locator("[data-outbox-count]")
    expect(counter).to_have_text("1 waiting")
    expect(counter).to_have_class(re.compile("attention"))
    reason = "Signal (dBm) must be a whole number."
    expect(page.locator("[data-outbox-notice]")).to_contain_text(reason)

    page.goto("/outbox")
    item = page.locator("[data-outbox-list] > li")
    expect(item).to_contain_text(reason)
    page.reload()  # never dropped: still there, still saying why
    expect(item).to_contain_text(reason)
    page.get_by_role("button", name="Send again").click()  # refused again, not delivered
    expect(item).to_contain_text(reason)
    assert "fields." not in item.inner_text()  # in words, never the field's path
    assert stored(live, visit.id)[1] == []

    item.get_by_role("button", name="Fix").click()
    expect(item.get_by_label("Signal (dBm)")).to_have_value("-67.5")  # named as on the form
    item.get_by_label("Signal (dBm)").fill("-70")
    page.get_by_role("button", name="Save and send").click()
    expect(page.locator("[data-outbox-empty]")).to_be_visible(timeout=SYNC_TIMEOUT)
    observations = stored(live, visit.id)[1]
    assert [o.fields for o in observations] == [{"zone": "Service lane", "rssi_dbm": -70}]


def test_an_expired_session_keeps_the_queue_and_sends_it_after_signing_in(live, context, page):
    store, engineer, visit = start_the_day(live, page)
    context.set_offline(True)
    page.locator(f"form[action='/visits/{visit.id}/check-in'] button").click()
    expect(page.locator("[data-outbox-count]")).to_have_text("1 waiting")

    context.clear_cookies()  # the session ends while the phone is offline
    context.set_offline(False)
    banner = page.locator("[data-banner=session]")
    expect(banner).to_contain_text(
        "Your session has expired — sign in to send 1 waiting item", timeout=SYNC_TIMEOUT
    )
    assert stored(live, visit.id)[0].status == VisitStatus.PLANNED
    banner.get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/login\?next=%2Ftoday$"))
    page.fill("input[name=email]", engineer.email)
    page.fill("input[name=password]", live.build.PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/today$"))
    # Sent at once; the page then shows the new state (the server's, after a reload).
    expect(page.locator(f"form[action='/visits/{visit.id}/check-in']")).to_have_count(
        0, timeout=SYNC_TIMEOUT
    )
    expect(page.locator("[data-outbox-count]")).to_be_hidden()
    assert stored(live, visit.id)[0].status == VisitStatus.CHECKED_IN


def test_an_issue_with_a_photo_then_a_comment_made_offline(live, context, page):
    store, engineer, _visit = start_the_day(live, page)
    page.goto(f"/issues/new?store_id={store.id}")
    page.select_option("#f-category", "wifi")
    page.select_option("#f-severity", "high")
    page.fill("#f-title", "Guest Wi-Fi down in the showroom")
    attach_photo(page, jpeg())
    page.get_by_role("button", name="File issue").click()
    # Online, it is sent at once and the new issue's page opens, photo included.
    expect(page).to_have_url(re.compile(r"/issues/\d+$"))
    issue_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator(".photos img")).to_have_count(1)

    context.set_offline(True)
    page.fill("#f-body", "Controller rebooted, still down")
    page.get_by_role("button", name="Comment").click()
    expect(page.locator("[data-outbox-notice]")).to_contain_text("Waiting to sync")
    context.set_offline(False)
    expect(page.locator(".comment")).to_contain_text(
        "Controller rebooted, still down", timeout=SYNC_TIMEOUT
    )
    with live.db():
        issue = db.session.get(Issue, issue_id)
        assert issue.title == "Guest Wi-Fi down in the showroom"
        assert len(issue.photos) == 1 and [c.body for c in issue.comments] == [
            "Controller rebooted, still down"
        ]


def test_signing_out_warns_of_waiting_items_and_keeps_them(live, context, page):
    queue_a_refused_observation(live, context, page, "Lobby")  # it stays in the outbox
    expect(page.locator("[data-outbox-count]")).to_have_text("1 waiting")

    page.goto("/account")
    questions: list[str] = []

    def answer(dialog: Any, accept: bool) -> None:
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.get_by_role("button", name="Sign out", exact=True).click()
    for _ in range(TIMEOUT_MS // 100):  # asked once the outbox has been read
        if questions:
            break
        page.wait_for_timeout(100)
    assert "1 item you entered is still waiting to be sent" in questions[0]
    expect(page).to_have_url(f"{live.url}/account")  # stayed signed in
    expect(page.locator("[data-outbox-count]")).to_have_text("1 waiting")

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.locator("[data-banner=session]")).to_contain_text(
        "1 item wait on this phone: they are sent once you sign in."
    )
    saved = "async () => (await caches.open('fieldops-pages')).keys().then((k) => k.length)"
    assert page.evaluate(saved) == 0  # the next person on this phone reads nothing saved


def test_a_photo_that_is_not_an_image_stays_refused_while_its_observation_is_saved(
    live, context, page
):
    store, engineer, visit = start_the_day(live, page)
    context.set_offline(True)
    page.goto(f"/observations/new?store_id={store.id}&visit_id={visit.id}&category=wifi")
    page.fill("#f-zone", "Back office")
    attach_photo(page, b"not a jpeg")
    page.get_by_role("button", name="Save observation").click()
    counter = page.locator("[data-outbox-count]")
    expect(counter).to_have_text("2 waiting")

    context.set_offline(False)
    expect(counter).to_have_text("1 waiting", timeout=SYNC_TIMEOUT)
    expect(counter).to_have_class(re.compile("attention"))
    _visit, observations, photos = stored(live, visit.id)
    assert [o.fields for o in observations] == [{"zone": "Back office"}] and photos == []

    page.goto("/outbox")
    item = page.locator("[data-outbox-list] > li")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Refused: needs a fix")
    expect(item).to_contain_text("Must be a JPEG, PNG or WebP image.")
    page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name="Discard").click()  # the user's decision, not ours
    expect(page.locator("[data-outbox-empty]")).to_be_visible()


def test_an_update_to_an_issue_changed_meanwhile_shows_it_as_it_is_now(live, context, page):
    store, engineer, _visit, _tomorrow = plan_day(live)
    issue = live.build.issue(store, engineer, title="Printer offline in F&I")
    lead = live.build.user("admin")
    sign_in(page, engineer.email)
    page.goto(f"/issues/{issue.id}")
    context.set_offline(True)
    page.select_option("#f-status", "in_progress")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("[data-outbox-notice]")).to_contain_text("Waiting to sync")

    with live.db():  # meanwhile, at the office, someone lowers its severity
        update_issue(
            db.session.get(Issue, issue.id),
            {"severity": Severity.LOW},
            db.session.get(User, lead.id),
            datetime.now(UTC),
        )
        db.session.commit()

    context.set_offline(False)
    notice = page.locator("[data-outbox-notice]")
    expect(notice).to_contain_text("Changed on the server", timeout=SYNC_TIMEOUT)
    with live.db():
        assert db.session.get(Issue, issue.id).status == IssueStatus.OPEN  # nothing overwritten

    page.goto("/outbox")
    item = page.locator("[data-outbox-list] > li")
    expect(item).to_contain_text("The record as it is now:")
    expect(item.locator("dl")).to_contain_text("low")
    item.get_by_role("button", name="Apply mine on top").click()
    expect(page.locator("[data-outbox-empty]")).to_be_visible(timeout=SYNC_TIMEOUT)
    with live.db():
        now_stored = db.session.get(Issue, issue.id)
        assert (now_stored.status, now_stored.severity) == (IssueStatus.IN_PROGRESS, Severity.LOW)


def test_a_whole_visit_done_offline_checks_in_then_out(live, context, page):
    store, engineer, visit = start_the_day(live, page)
    context.set_offline(True)
    page.goto(f"/visits/{visit.id}")
    check_out = page.locator("#check-out")
    expect(check_out).to_be_hidden()
    page.get_by_role("button", name="Check in now").click()
    expect(check_out).to_be_visible()  # opened by the check-in waiting on the phone
    page.fill("#f-summary", "Replaced the showroom access point")
    check_out.get_by_role("button", name="Check out").click()
    counter = page.locator("[data-outbox-count]")
    expect(counter).to_have_text("2 waiting")

    context.set_offline(False)
    expect(counter).to_be_hidden(timeout=SYNC_TIMEOUT)
    saved_visit = stored(live, visit.id)[0]
    assert saved_visit.status == VisitStatus.COMPLETED
    assert saved_visit.summary == "Replaced the showroom access point"
