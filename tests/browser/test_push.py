"""Web Push in Debian's chromium: a message delivered to the service worker through the
DevTools protocol (`ServiceWorker.deliverPushMessage`, as a push service would deliver it)
is shown as a notification, and tapping it opens the page it names.

Chromium has no way to tap a notification from a test, and it lets a worker open or focus
a window only while handling a real tap. The tap is therefore the worker's own
`notificationclick` listener called with a `NotificationEvent` for the notification shown,
its `waitUntil` kept by the test and `clients.openWindow` / `WindowClient.focus` recorded.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.browser.support import TIMEOUT_MS, require_browser, sign_in, wait_until

require_browser()

from playwright.sync_api import expect  # noqa: E402  (after the skip: it may be missing)

# On a loaded machine chromium may take long to show a message, or drop one delivered
# while its worker is busy starting: a message is delivered again until it is shown.
DELIVERIES, SHOWN_WITHIN_MS = 5, 10_000

SHOWN = """async (tag) => {
  const registration = await navigator.serviceWorker.ready;
  const shown = await registration.getNotifications({ tag });
  return shown.length > 0 && shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag,
                                                 data: n.data, icon: n.icon }));
}"""

TAP = """async (tag) => {
  const [notification] = await self.registration.getNotifications({ tag });
  const opened = [];
  const focused = [];
  const focus = WindowClient.prototype.focus;
  self.clients.openWindow = async (url) => opened.push(url) && null;
  WindowClient.prototype.focus = async function () { focused.push(this.url); return this; };
  try {
    const tap = new NotificationEvent("notificationclick", { notification });
    const work = [];
    Object.defineProperty(tap, "waitUntil", { value: (promise) => work.push(promise) });
    self.dispatchEvent(tap);
    await Promise.all(work);
  } finally {
    delete self.clients.openWindow;
    WindowClient.prototype.focus = focus;
  }
  const left = await self.registration.getNotifications({ tag });
  return { opened, focused, left: left.length };
}"""


def installed(live: Any, context: Any, page: Any) -> Any:
    """A signed-in engineer's phone with the app's worker in control and notifications
    allowed; answers a DevTools session with `push(payload)`."""
    sign_in(page, live.build.user("engineer").email)
    wait_until(page, "() => Boolean(navigator.serviceWorker.controller)")
    context.grant_permissions(["notifications"], origin=live.url)
    cdp = context.new_cdp_session(page)
    registrations: list[dict[str, Any]] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")  # answers with the registrations as events
    for _ in range(TIMEOUT_MS // 100):
        if registrations:
            break
        page.wait_for_timeout(100)
    [registration] = [r for r in registrations if r["scopeURL"] == f"{live.url}/"]

    def push(payload: dict[str, str] | str) -> None:
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": live.url,
                "registrationId": registration["registrationId"],
                "data": payload if isinstance(payload, str) else json.dumps(payload),
            },
        )

    return push


def delivered(page: Any, push: Any, payload: dict[str, str] | str, shown: str) -> Any:
    """Deliver `payload` until the script `shown` sees it shown; what it answers."""
    for _ in range(DELIVERIES - 1):
        push(payload)
        try:
            return wait_until(page, shown, SHOWN_WITHIN_MS)
        except AssertionError:
            continue  # dropped or late: again (the same tag replaces it)
    push(payload)
    return wait_until(page, shown, SHOWN_WITHIN_MS)


def test_a_pushed_message_is_shown_and_tapping_it_opens_its_page(live, context, page):
    push = installed(live, context, page)
    message = {
        "title": "Issue #7 assigned to you",
        "body": "AP down at Main St",
        "url": "/issues/7",
        "tag": "issue-7",
    }
    [shown] = delivered(page, push, message, f"() => ({SHOWN})('issue-7')")
    assert shown == {
        "title": "Issue #7 assigned to you",
        "body": "AP down at Main St",
        "tag": "issue-7",
        "data": {"url": "/issues/7"},
        "icon": f"{live.url}/static/icons/icon-192.png",
    }
    worker = context.service_workers[0]
    tapped = worker.evaluate(TAP, "issue-7")
    assert tapped == {"opened": [f"{live.url}/issues/7"], "focused": [], "left": 0}


def test_a_second_message_of_the_same_issue_replaces_the_first(live, context, page):
    push = installed(live, context, page)
    push({"title": "SLA warning", "body": "due in 15 min", "url": "/issues/7", "tag": "issue-7"})
    breached = {
        "title": "SLA breached",
        "body": "due 1 min ago",
        "url": "/issues/7",
        "tag": "issue-7",
    }
    latest = f"() => ({SHOWN})('issue-7').then((s) => s && s[0].title === 'SLA breached')"
    delivered(page, push, breached, latest)
    assert len(page.evaluate(SHOWN, "issue-7")) == 1


def test_tapping_focuses_the_page_already_open_and_never_leaves_the_app(live, context, page):
    push = installed(live, context, page)
    here = page.url
    moved = {"title": "Visit moved", "body": "now 14:00", "url": here, "tag": "visit"}
    delivered(page, push, moved, f"() => ({SHOWN})('visit')")
    out = {"title": "Elsewhere", "body": "a link out", "url": "https://example.com/x", "tag": "out"}
    delivered(page, push, out, f"() => ({SHOWN})('out')")
    worker = context.service_workers[0]
    assert worker.evaluate(TAP, "visit") == {"opened": [], "focused": [here], "left": 0}
    assert worker.evaluate(TAP, "out") == {"opened": [f"{live.url}/"], "focused": [], "left": 0}


def test_a_message_that_is_not_the_servers_still_shows(live, context, page):
    push = installed(live, context, page)
    [shown] = delivered(page, push, "Server maintenance at 22:00", f"() => ({SHOWN})('')")
    assert (shown["title"], shown["body"], shown["data"]) == (
        "FieldOps",
        "Server maintenance at 22:00",
        {"url": "/"},
    )


def test_the_account_page_offers_to_notify_this_phone_unless_blocked(live, context, page):
    key = base64.urlsafe_b64encode(b"\x04" + bytes(range(64))).rstrip(b"=").decode()
    live.app.config["VAPID_PUBLIC_KEY"] = key
    try:
        sign_in(page, live.build.user("engineer").email)
        page.goto("/account")  # headless chromium blocks notifications until allowed
        state = page.locator("#push [data-push-state]")
        expect(state).to_have_text(
            "Notifications are blocked for FieldOps in this browser's settings."
        )
        turn_on = page.get_by_role("button", name="Notify me on this phone")
        expect(turn_on).to_be_hidden()
        context.grant_permissions(["notifications"], origin=live.url)
        page.reload()
        expect(state).to_have_text("This phone is not notified.")
        expect(turn_on).to_be_visible()
        expect(page.get_by_role("button", name="Stop notifying this phone")).to_be_hidden()
    finally:
        live.app.config["VAPID_PUBLIC_KEY"] = ""
