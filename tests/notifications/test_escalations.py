"""An escalated service level reaches the people it names: in the app, and by mail once the
scheduler's run has committed (the `sla_escalation` job, run as the scheduler runs it)."""

from __future__ import annotations

import pytest

from tests.coverage.helpers import add_shift
from tests.notifications.conftest import notifications_of
from tests.sla.test_escalation import file, scheduler, utc  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("now")


def test_a_warning_and_a_breach_notify_in_the_app_and_by_mail_once(
    app,
    world,
    as_manager,
    login,
    scheduler,  # noqa: F811 (the fixture imported above)
    smtp,
):
    on_shift = world.build.user("engineer", name="Sam Shift", email="sam@example.test")
    add_shift(app, name="Midwest days", region="Midwest", engineers=[on_shift])
    world.made("admin", "cio")
    issue_id = file(as_manager, world.store)  # critical: 30 minutes to respond

    scheduler.run(utc(2026, 3, 4, 15, 22, 30))  # 75 % of the response time
    [warning] = notifications_of(login(on_shift))["items"]
    assert warning["kind"] == "sla_warning" and warning["link"] == f"/issues/{issue_id}"
    assert warning["title"] == "Service level: response due Wed 04 Mar 09:30 CST: Down"
    [(to, mail)] = smtp.mails
    assert to == ["sam@example.test"] and mail["Subject"].endswith(warning["title"])

    scheduler.run(utc(2026, 3, 4, 15, 30))  # breached: the admins and the CIO
    for person in (world.admin, world.cio):
        kinds = [n["kind"] for n in notifications_of(login(person))["items"]]
        assert kinds == ["sla_breach"], person.role
    assert len(smtp.mails) == 3

    scheduler.run(utc(2026, 3, 4, 15, 31))  # nothing new: nothing sent again
    assert len(smtp.mails) == 3
    assert len(notifications_of(login(on_shift))["items"]) == 1
