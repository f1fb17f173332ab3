"""Alerts on the pages: the overview's open alerts can be acknowledged, assigned and
noted (admins), "and N more" opens the full list (/alerts) with the same filters."""

from __future__ import annotations

import html as markup

import pytest
import sqlalchemy as sa

from fieldops.coverage.models import Alert, AlertKind
from fieldops.extensions import db
from tests.coverage.helpers import run

# NOW: Wednesday 2026-03-04. A store without any shift that was never visited has two
# alerts: low coverage and overdue visit.


def page_of(browser, url: str = "/overview", status: int = 200) -> str:
    response = browser.get(url)
    assert response.status_code == status
    return markup.unescape(response.get_data(as_text=True))


@pytest.fixture
def lone(app, build, now):
    store = build.store(code="LONE", name="Lone Motors", region="West")
    run(app, now)
    with app.app_context():
        alert_id = db.session.scalar(
            sa.select(Alert.id).where(Alert.kind == AlertKind.LOW_COVERAGE)
        )
    return store, alert_id


def alert(app, alert_id: int) -> Alert:
    with app.app_context():
        found = db.session.get(Alert, alert_id)
        db.session.expunge(found)
        return found


def test_an_admin_acknowledges_from_the_overview_and_comes_back(app, lone, browser_as_admin):
    _, alert_id = lone
    page = page_of(browser_as_admin)
    assert f'action="/alerts/{alert_id}"' in page and "Acknowledge</button>" in page
    r = browser_as_admin.submit(
        "/overview",
        {"acknowledged": "true", "next": "/overview?region=West"},
        action=f"/alerts/{alert_id}",
    )
    assert r.status_code == 302 and r.headers["Location"] == "/overview?region=West"
    assert alert(app, alert_id).acknowledged_at is not None
    page = page_of(browser_as_admin, "/overview?region=West")
    assert "Alert updated." in page and "Withdraw acknowledgement" in page


def test_an_admin_assigns_and_notes_then_clears_them(app, build, lone, browser_as_admin):
    _, alert_id = lone
    engineer = build.user("engineer", name="Eve Engineer")
    form = {"assignee_id": str(engineer.id), "note": "Adding a Saturday desk", "next": "/overview"}
    r = browser_as_admin.submit("/overview", form, action=f"/alerts/{alert_id}")
    assert r.status_code == 302
    saved = alert(app, alert_id)
    assert (saved.assignee_id, saved.note) == (engineer.id, "Adding a Saturday desk")
    page = page_of(browser_as_admin)
    assert "Assigned to <strong>Eve Engineer</strong>" in page
    assert "Note: Adding a Saturday desk" in page
    assert f'<option value="{engineer.id}" selected>Eve Engineer</option>' in page
    browser_as_admin.submit(
        "/overview", {"assignee_id": "", "note": ""}, action=f"/alerts/{alert_id}"
    )
    saved = alert(app, alert_id)
    assert saved.assignee_id is None and saved.note is None


def test_a_refused_change_is_told_and_changes_nothing(app, lone, world, browser_as_admin):
    _, alert_id = lone
    r = browser_as_admin.submit(
        "/overview", {"assignee_id": str(world.manager.id)}, action=f"/alerts/{alert_id}"
    )
    assert r.status_code == 302
    assert "only they own alerts" in page_of(browser_as_admin)
    assert alert(app, alert_id).assignee_id is None


def test_the_cio_sees_who_owns_an_alert_but_has_no_controls(
    app, lone, world, as_admin, browser_as_cio
):
    _, alert_id = lone
    as_admin.patch(f"/api/alerts/{alert_id}", json={"assignee_id": world.admin.id})
    page = page_of(browser_as_cio)
    assert "Assigned to <strong>Ada Admin</strong>" in page
    assert "Acknowledge</button>" not in page and f'action="/alerts/{alert_id}"' not in page
    r = browser_as_cio.submit("/account", {"acknowledged": "true"}, action=f"/alerts/{alert_id}")
    assert r.status_code == 403 and alert(app, alert_id).acknowledged_at is None


@pytest.mark.parametrize("role", ["engineer", "manager"])
def test_engineers_and_managers_may_not_see_the_alert_list(signed_in, world, role):
    assert signed_in(getattr(world, role)).get("/alerts").status_code == 403


def test_and_n_more_opens_the_full_list_with_the_same_filters(app, build, now, browser_as_cio):
    for n in range(5):  # ten open alerts in the West, two in the Midwest
        build.store(code=f"W{n}", name=f"West Motors {n}", region="West")
    build.store(code="MID", name="Mid Motors", region="Midwest")
    run(app, now)
    page = page_of(browser_as_cio, "/overview?region=West")
    assert '<a href="/alerts?open=true&region=West">and 2 more</a>' in page
    listed = page_of(browser_as_cio, "/alerts?open=true&region=West")
    assert sum(listed.count(f"West Motors {n}</strong>") for n in range(5)) == 10
    assert "Mid Motors" not in listed and "10 in all" in listed
    assert "Opened by the coverage snapshot" in listed


def test_the_list_shows_closed_alerts_with_their_history(
    app, lone, now, as_admin, browser_as_admin
):
    store, alert_id = lone
    as_admin.patch(f"/api/alerts/{alert_id}", json={"acknowledged": True, "note": "On it"})
    with app.app_context():  # the store closes: its alerts close with the next snapshot
        db.session.get(type(store), store.id).active = False
        db.session.commit()
    run(app, now)
    page = page_of(browser_as_admin, "/alerts?open=false")
    assert "Closed</span>" in page and "Lone Motors" in page
    assert "Ada Admin: Acknowledged; Note: On it" in page
    assert "FieldOps: Closed: condition cleared" in page
    assert "Withdraw acknowledgement" not in page  # history: no controls


def test_a_bad_filter_shows_the_list_and_names_it(lone, browser_as_admin):
    page = page_of(browser_as_admin, "/alerts?kind=fire&open=true", status=422)
    assert "Kind must be one of: low_coverage, overdue_visit." in page and "Lone Motors" in page
