"""The account page's push section: offered only where the server has a VAPID key."""

from __future__ import annotations

import re

KEY = "BOr3Y1b4n4Kb0rX7xq6Qm8x2gk3cT1r9f5sN0vQwE2yH7pL4dJ6uA8iZ3oC5eG1kM9tR2wS4yV6bX8nF0hJ2lP4"


def test_the_account_page_offers_notifications_with_the_servers_key(
    app, monkeypatch, browser_as_engineer
):
    monkeypatch.setitem(app.config, "VAPID_PUBLIC_KEY", KEY)
    html = browser_as_engineer.get("/account").get_data(as_text=True)
    section = re.search(r'<section class="card" id="push".*?</section>', html, re.S).group(0)
    assert f'data-push-key="{KEY}"' in section
    assert "Notify me on this phone" in section and "/static/js/push.js" in section


def test_without_a_key_the_account_page_says_push_is_not_set_up(browser_as_engineer):
    html = browser_as_engineer.get("/account").get_data(as_text=True)
    assert "Notifications to phones are not set up on this server." in html
    assert "push.js" not in html
