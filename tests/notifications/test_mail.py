"""Email: sent after the commit to a real SMTP server, not sent for a request that failed,
turned off by a preference; a failing server does not fail the request; without a server
(development) the mail is written to the log."""

from __future__ import annotations

import logging

import pytest

from tests.notifications.conftest import file_issue, kinds_of, notifications_of, triage

pytestmark = pytest.mark.usefixtures("now")


def test_the_assignee_receives_an_email(world, smtp, as_manager, as_admin):
    issue = file_issue(as_manager, world.store, title="Card reader dead")
    triage(as_admin, issue["id"], assignee_id=world.engineer.id)

    [(recipients, mail)] = smtp.mails
    assert recipients == [world.engineer.email]
    assert mail["To"] == world.engineer.email
    assert mail["Subject"] == "[FieldOps] Assigned to you: Card reader dead"
    assert mail["From"] == "FieldOps <fieldops@localhost>"
    text = mail.get_payload(decode=True).decode()
    assert f"assigned issue #{issue['id']} to you" in text
    assert f"https://fieldops.example.com/issues/{issue['id']}" in text


def test_a_refused_change_sends_no_mail(world, smtp, as_manager, as_admin):
    issue = file_issue(as_manager, world.store)
    r = as_admin.patch(
        f"/api/issues/{issue['id']}", json={"assignee_id": world.engineer.id, "version": 99}
    )
    assert r.status_code == 409
    assert smtp.mails == []


def test_turning_email_off_keeps_the_inbox(world, smtp, as_manager, as_admin, as_engineer):
    r = as_engineer.put(
        "/api/notifications/preferences", json={"channels": {"assigned": {"email": False}}}
    )
    assert r.status_code == 200, r.get_json()
    issue = file_issue(as_manager, world.store)
    triage(as_admin, issue["id"], assignee_id=world.engineer.id)
    assert smtp.mails == []
    assert kinds_of(as_engineer) == ["assigned"]


def test_a_failing_smtp_server_does_not_fail_the_request(
    app, world, monkeypatch, caplog, as_manager, as_admin, as_engineer
):
    from tests.notifications.conftest import free_port

    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())  # nobody listens there
    monkeypatch.setitem(app.config, "SMTP_TLS", "none")
    issue = file_issue(as_manager, world.store)
    with caplog.at_level(logging.ERROR, logger="fieldops.notifications.mail"):
        triage(as_admin, issue["id"], assignee_id=world.engineer.id)
    assert "failed; 1 mail(s) not sent" in caplog.text
    assert notifications_of(as_engineer)["unread"] == 1


def test_without_an_smtp_server_mails_are_written_to_the_log(world, caplog, as_manager, as_admin):
    issue = file_issue(as_manager, world.store, title="Kiosk frozen")
    with caplog.at_level(logging.INFO, logger="fieldops.notifications.mail"):
        triage(as_admin, issue["id"], assignee_id=world.engineer.id)
    assert f"Mail (no SMTP_HOST set) to {world.engineer.email}" in caplog.text
    assert "[FieldOps] Assigned to you: Kiosk frozen" in caplog.text
