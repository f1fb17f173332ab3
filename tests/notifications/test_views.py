"""The bell in every signed-in page's header, the inbox, opening a notification, the
preferences on the account page, and the issue page's Follow button."""

from __future__ import annotations

import re

import pytest

from tests.notifications.conftest import comment, file_issue, kinds_of, notifications_of

pytestmark = pytest.mark.usefixtures("now")


def bell(page: str) -> str:
    match = re.search(r'<a class="bell".*?</a>', page, re.S)
    assert match, "no bell in the header"
    return match[0]


def test_the_bell_shows_the_unread_count_on_every_page(world, as_engineer, browser_as_manager):
    page = browser_as_manager.get("/issues").get_data(as_text=True)
    assert "bell-count" not in bell(page) and "Notifications</span>" in bell(page)

    issue = file_issue(as_engineer, world.store)  # the engineer files, the manager follows it
    browser_as_manager.submit(
        f"/issues/{issue['id']}", {"follow": "true"}, f"/issues/{issue['id']}/follow"
    )
    comment(as_engineer, issue["id"], "Fixed?")
    comment(as_engineer, issue["id"], "Please check.")
    for url in ("/issues", f"/stores/{world.store.id}", "/account"):
        shown = bell(browser_as_manager.get(url).get_data(as_text=True))
        assert '<span class="bell-count" data-unread="2">2</span>' in shown, url
        assert "Notifications: 2 unread" in shown


def test_the_inbox_lists_opens_and_marks_read(world, as_manager, as_engineer, browser_as_manager):
    issue = file_issue(as_manager, world.store, title="Router reboots")
    comment(as_engineer, issue["id"], "Firmware updated.")
    page = browser_as_manager.get("/notifications").get_data(as_text=True)
    assert "New comment: Router reboots" in page and "1 unread" in page
    [n] = notifications_of(as_manager)["items"]

    r = browser_as_manager.get(f"/notifications/{n['id']}")
    assert r.status_code == 302 and r.headers["Location"] == f"/issues/{issue['id']}"
    assert notifications_of(as_manager)["unread"] == 0

    comment(as_engineer, issue["id"], "Anything else?")
    r = browser_as_manager.submit("/notifications", {"all": "true"}, "/notifications/read")
    assert r.status_code == 302
    assert notifications_of(as_manager)["unread"] == 0


def test_someone_elses_notification_does_not_open(world, as_manager, as_engineer, browser_as_cio):
    issue = file_issue(as_manager, world.store)
    comment(as_engineer, issue["id"])
    [n] = notifications_of(as_manager)["items"]
    assert browser_as_cio.get(f"/notifications/{n['id']}").status_code == 404


def test_the_account_page_turns_a_channel_off(world, as_manager, as_engineer, browser_as_manager):
    page = browser_as_manager.get("/account").get_data(as_text=True)
    assert 'id="notifications"' in page
    label = "A comment on an issue you follow: In the app"
    assert f'value="issue_comment:in_app" aria-label="{label}" checked' in page

    kept_on = ["assigned:in_app", "issue_status:in_app", "issue_comment:email"]
    r = browser_as_manager.submit("/account", {"on": kept_on}, "/account/notifications")
    assert r.status_code == 302 and r.headers["Location"] == "/account#notifications"
    prefs = as_manager.get("/api/notifications/preferences").get_json()
    assert prefs["channels"]["issue_comment"] == {"in_app": False, "email": True, "push": False}

    issue = file_issue(as_manager, world.store)
    comment(as_engineer, issue["id"])
    assert kinds_of(as_manager) == []
    page = browser_as_manager.get("/account").get_data(as_text=True)
    assert f'value="issue_comment:in_app" aria-label="{label}">' in page


def test_the_issue_page_follows_and_unfollows(world, as_manager, browser_as_cio):
    issue = file_issue(as_manager, world.store)
    url = f"/issues/{issue['id']}"
    assert ">Follow</button>" in browser_as_cio.get(url).get_data(as_text=True)
    browser_as_cio.submit(url, {"follow": "true"}, f"{url}/follow")
    page = browser_as_cio.get(url).get_data(as_text=True)
    assert "Following ✓ · Unfollow" in page
    browser_as_cio.submit(url, {"follow": "false"}, f"{url}/follow")
    assert ">Follow</button>" in browser_as_cio.get(url).get_data(as_text=True)
