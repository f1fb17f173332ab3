"""/api/alerts: alerts a person can own (acknowledge, assign, note), with their history."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from fieldops.audit.models import AuditEvent
from fieldops.coverage.models import Alert
from fieldops.extensions import db
from tests.coverage.helpers import add_shift, run
from tests.helpers import errors_of

# NOW: Wednesday 2026-03-04. Stores are posted Mon-Sat 09:00-20:00 and never visited, so
# each is overdue; a store without a shift also has low coverage.


@pytest.fixture
def opened(app, build, now, world):
    """Two stores' alerts: WEST has no support (low coverage and overdue), MID is covered
    (overdue only)."""
    west = build.store(code="WEST", name="West Motors", region="West")
    mid = build.store(code="MID", name="Mid Motors", region="Midwest")
    add_shift(app, stores=[mid], weekdays=list(range(7)), start=time(0), end=time(0))
    run(app, now)
    return {"west": west, "mid": mid}


def alert_id(app, store, kind: str) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(Alert.id).where(Alert.store_id == store.id, Alert.kind == kind)
        )


def listed(client, query: str = "") -> list[tuple[str, str]]:
    r = client.get(f"/api/alerts?{query}")
    assert r.status_code == 200, r.get_json()
    return sorted((a["store_code"], a["kind"]) for a in r.get_json()["items"])


def test_admin_and_cio_read_alerts_with_their_history(opened, as_admin, as_cio):
    assert listed(as_admin) == [
        ("MID", "overdue_visit"),
        ("WEST", "low_coverage"),
        ("WEST", "overdue_visit"),
    ]
    body = as_cio.get("/api/alerts?kind=low_coverage").get_json()
    assert body["total"] == 1 and body["page"] == 1
    alert = body["items"][0]
    assert alert["open"] is True and alert["acknowledged"] is False
    assert alert["assignee_id"] is None and alert["note"] is None and alert["region"] == "West"
    opening = {"open": {"from": False, "to": True}}
    assert alert["events"] == [
        {"at": "2026-03-04T15:00:00+00:00", "actor_id": None, "change": opening}
    ]


@pytest.mark.parametrize("role", ["engineer", "manager"])
def test_engineers_and_managers_may_not_read_or_change_alerts(opened, app, login, world, role):
    client = login(getattr(world, role))
    assert client.get("/api/alerts").status_code == 403
    west = alert_id(app, opened["west"], "low_coverage")
    assert client.patch(f"/api/alerts/{west}", json={"acknowledged": True}).status_code == 403


def test_the_cio_reads_but_may_not_change(opened, app, as_cio):
    west = alert_id(app, opened["west"], "low_coverage")
    assert as_cio.patch(f"/api/alerts/{west}", json={"acknowledged": True}).status_code == 403


def test_filters(opened, app, as_admin, world):
    assert listed(as_admin, "region=Midwest") == [("MID", "overdue_visit")]
    assert listed(as_admin, "kind=overdue_visit&region=West") == [("WEST", "overdue_visit")]
    west = alert_id(app, opened["west"], "overdue_visit")
    as_admin.patch(f"/api/alerts/{west}", json={"assignee_id": world.admin.id})
    assert listed(as_admin, "assignee=me") == [("WEST", "overdue_visit")]
    assert listed(as_admin, f"assignee={world.admin.id}") == [("WEST", "overdue_visit")]
    assert ("WEST", "overdue_visit") not in listed(as_admin, "assignee=none")
    assert len(listed(as_admin, "open=true")) == 3 and listed(as_admin, "open=false") == []


@pytest.mark.parametrize(
    ("query", "field"),
    [("kind=fire", "kind"), ("assignee=someone", "assignee"), ("open=maybe", "open"),
     ("sort=colour", "sort"), ("page=0", "page")],
)  # fmt: skip
def test_a_bad_filter_answers_422_naming_it(as_admin, query, field):
    r = as_admin.get(f"/api/alerts?{query}")
    assert r.status_code == 422 and field in errors_of(r)


def test_admin_acknowledges_assigns_and_notes_each_change_kept(opened, app, as_admin, build, world):
    engineer = build.user("engineer", name="Eve Engineer")
    west = alert_id(app, opened["west"], "low_coverage")
    r = as_admin.patch(f"/api/alerts/{west}", json={"acknowledged": True})
    assert r.status_code == 200, r.get_json()
    alert = r.get_json()
    assert alert["acknowledged"] is True and alert["acknowledged_by_id"] == world.admin.id
    assert alert["acknowledged_at"] == "2026-03-04T15:00:00+00:00"
    r = as_admin.patch(
        f"/api/alerts/{west}",
        json={
            "assignee_id": engineer.id,
            "note": "  Adding a Saturday desk  ",
            "acknowledged": True,
        },
    )
    alert = r.get_json()
    assert (alert["assignee_id"], alert["note"]) == (engineer.id, "Adding a Saturday desk")
    as_admin.patch(f"/api/alerts/{west}", json={"assignee_id": None, "note": ""})
    changes = [
        (e["actor_id"], e["change"])
        for e in as_admin.get("/api/alerts?kind=low_coverage").get_json()["items"][0]["events"]
    ]
    assert changes == [
        (None, {"open": {"from": False, "to": True}}),
        (world.admin.id, {"acknowledged": {"from": False, "to": True}}),
        (world.admin.id, {"assignee_id": {"from": None, "to": engineer.id},
                          "note": {"from": None, "to": "Adding a Saturday desk"}}),
        (world.admin.id, {"assignee_id": {"from": engineer.id, "to": None},
                          "note": {"from": "Adding a Saturday desk", "to": None}}),
    ]  # fmt: skip
    with app.app_context():
        audited = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "alert.updated")
        ).all()
    assert [(e.actor_id, e.target_id) for e in audited] == [(world.admin.id, west)] * 3


def test_a_change_that_changes_nothing_leaves_no_history(opened, app, as_admin):
    west = alert_id(app, opened["west"], "low_coverage")
    r = as_admin.patch(f"/api/alerts/{west}", json={"acknowledged": False, "note": None})
    assert r.status_code == 200 and len(r.get_json()["events"]) == 1


@pytest.mark.parametrize("who", ["manager", "inactive engineer", "nobody"])
def test_only_active_admins_cios_and_engineers_own_alerts(opened, app, as_admin, build, world, who):
    user_id = {
        "manager": lambda: world.manager.id,
        "inactive engineer": lambda: build.user("engineer", active=False).id,
        "nobody": lambda: 999_999,
    }[who]()
    west = alert_id(app, opened["west"], "low_coverage")
    r = as_admin.patch(f"/api/alerts/{west}", json={"assignee_id": user_id})
    assert r.status_code == 422 and "assignee_id" in errors_of(r)
    assert as_admin.get("/api/alerts?assignee=none&kind=low_coverage").get_json()["total"] == 1


def test_a_cio_may_own_an_alert(opened, app, as_admin, world):
    west = alert_id(app, opened["west"], "low_coverage")
    r = as_admin.patch(f"/api/alerts/{west}", json={"assignee_id": world.cio.id})
    assert r.status_code == 200 and r.get_json()["assignee_id"] == world.cio.id


def test_bad_bodies_answer_422(opened, app, as_admin):
    west = alert_id(app, opened["west"], "low_coverage")
    bodies = {"acknowledged": "yes please", "note": "x" * 501, "assignee_id": 1.5}
    for field, value in bodies.items():
        body = {field: value}
        r = as_admin.patch(f"/api/alerts/{west}", json=body)
        assert r.status_code == 422 and field in errors_of(r)
    assert as_admin.patch("/api/alerts/999999", json={}).status_code == 404


def test_an_alert_closes_itself_when_its_condition_clears_history_kept(
    opened, app, as_admin, now, world
):
    west = alert_id(app, opened["west"], "low_coverage")
    as_admin.patch(
        f"/api/alerts/{west}", json={"acknowledged": True, "assignee_id": world.admin.id}
    )
    add_shift(app, stores=[opened["west"]], weekdays=list(range(7)), start=time(0), end=time(0))
    later = now + timedelta(days=1)
    assert run(app, later)["alerts_closed"] == 1
    closed = as_admin.get("/api/alerts?open=false").get_json()["items"]
    assert [a["id"] for a in closed] == [west]
    alert = closed[0]
    assert alert["open"] is False and alert["closed_at"] == "2026-03-05T15:00:00+00:00"
    assert alert["acknowledged"] is True and alert["assignee_id"] == world.admin.id
    assert [(e["actor_id"], e["change"]) for e in alert["events"]][-1] == (
        None, {"open": {"from": True, "to": False}},
    )  # fmt: skip
    assert len(alert["events"]) == 3
    r = as_admin.patch(f"/api/alerts/{west}", json={"note": "too late"})
    assert r.status_code == 409 and r.get_json()["errors"] == {"open": [r.get_json()["message"]]}
