"""The pages: the admin's service-level policies, and the issue page's service level."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
import sqlalchemy as sa

from fieldops.audit.models import AuditEvent
from fieldops.extensions import db
from fieldops.hours.models import HoursBasis, RealHours

pytestmark = pytest.mark.usefixtures("now")


def test_the_admin_edits_a_policy_with_errors_next_to_the_fields(app, world, browser_as_admin):
    page = browser_as_admin.get("/admin/sla").get_data(as_text=True)
    assert "Critical" in page and "4 h" in page and "Real customer hours" in page
    r = browser_as_admin.submit(
        "/admin/sla/medium", {"response_minutes": "0", "resolve_minutes": "", "clock": "always"}
    )
    assert r.status_code == 422
    text = r.get_data(as_text=True)
    assert 'id="response_minutes-error"' in text and 'id="resolve_minutes-error"' in text
    r = browser_as_admin.submit(
        "/admin/sla/medium",
        {"response_minutes": "120", "resolve_minutes": "960", "clock": "posted_hours"},
    )
    assert r.status_code == 302
    page = browser_as_admin.get("/admin/sla").get_data(as_text=True)
    assert "2 h" in page and "16 h" in page and "Posted hours" in page
    with app.app_context():
        assert db.session.scalars(sa.select(AuditEvent.action)).all() == ["sla_policy.updated"]


def test_only_admins_see_the_policy_pages(world, browser_as_engineer):
    assert browser_as_engineer.get("/admin/sla").status_code == 403
    assert browser_as_engineer.get("/admin/sla/high").status_code == 403


def test_the_issue_page_says_when_in_customer_time_and_what_posted_hours_would_say(
    app, world, browser_as_manager, as_manager, time_machine
):
    with app.app_context():
        db.session.add(
            RealHours(
                store_id=world.store.id,
                weekday=4,
                opens=time(9),
                closes=time(21, 30),
                sample_days=8,
                confidence=0.9,
                basis=HoursBasis.OBSERVED,
            )
        )
        db.session.commit()
    time_machine.move_to(datetime(2026, 3, 7, 1, 45, tzinfo=UTC), tick=False)  # Fri 19:45 CST
    r = as_manager.post(
        "/api/issues",
        json={
            "store_id": world.store.id,
            "category": "wifi",
            "severity": "high",
            "title": "AP down",
            "reported_at": "2026-03-07T01:30:00+00:00",
        },
    )
    page = browser_as_manager.get(f"/issues/{r.get_json()['id']}").get_data(as_text=True)
    assert "due in 45 min of customer time (Fri 20:30 CST)" in page
    assert "On posted hours: due in 45 min of posted hours (Sat 09:30 CST)" in page


def test_the_issue_list_says_what_is_due_next(
    world, browser_as_manager, as_manager, as_engineer, now, time_machine
):
    body = {"store_id": world.store.id, "category": "wifi", "severity": "high", "title": "AP"}
    issue = as_manager.post("/api/issues", json=body).get_json()  # Wednesday 09:00 CST
    assert "Response due Wed 10:00 CST" in browser_as_manager.get("/issues").get_data(True)
    as_engineer.patch(f"/api/issues/{issue['id']}", json={"status": "waiting_on_store"})
    assert "service level paused" in browser_as_manager.get("/issues").get_data(True)
    as_engineer.patch(f"/api/issues/{issue['id']}", json={"status": "in_progress"})
    assert "Resolution due Wed 17:00 CST" in browser_as_manager.get("/issues").get_data(True)
    time_machine.move_to(now.replace(hour=23), tick=False)  # Wednesday 17:00 CST
    assert "Resolution overdue" in browser_as_manager.get("/issues").get_data(True)
