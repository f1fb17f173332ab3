"""/api/stores/<id>/signals, /closeouts and /hours: taking in evidence, showing hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fieldops.auth.models import TokenScope
from fieldops.extensions import db
from fieldops.hours.learning import recompute
from fieldops.hours.models import Closeout, DailyPresence, Signal
from tests.helpers import count

# NOW (tests/conftest.py) is Wednesday 2026-03-04 15:00 UTC = 09:00 in Chicago.


def wifi(device: str, start: str, end: str) -> dict:
    return {"source": "wifi_session", "device": device, "start": start, "end": end}


GOOD = [
    wifi("a1", "2026-03-03T10:05:00-06:00", "2026-03-03T10:50:00-06:00"),
    {
        "source": "door_count",
        "start": "2026-03-03T19:45:00-06:00",
        "interval_minutes": 15,
        "entries": 0,
        "exits": 2,
    },
    {"source": "transaction", "at": "2026-03-03T17:12:00-06:00", "id": "INV-1"},
    {"source": "closeout", "date": "2026-03-03", "last_customer_at": "20:10"},
]


@pytest.fixture
def store(build):
    return build.store(timezone="America/Chicago")


def test_a_batch_keeps_good_rows_and_names_each_bad_one(now, app, store, as_admin):
    bad = [
        wifi("b1", "2026-03-03T10:05:00", "2026-03-03T10:50:00"),  # naive
        {
            "source": "door_count",
            "start": "2026-03-03T10:00:00-06:00",
            "interval_minutes": 90,
            "entries": 1,
            "exits": 0,
        },
        {"source": "telepathy", "at": "2026-03-03T10:00:00-06:00"},
        wifi("c1", "2025-10-01T10:00:00-05:00", "2025-10-01T10:30:00-05:00"),  # > 120 days
        wifi("d1", "2026-03-05T10:00:00-06:00", "2026-03-05T10:30:00-06:00"),  # future
        "not an object",
        wifi("e1", "2026-03-03T11:00:00-06:00", "2026-03-03T10:00:00-06:00"),  # ends first
        {"source": ["wifi_session"], "at": "2026-03-03T10:00:00-06:00"},
    ]
    r = as_admin.post(f"/api/stores/{store.id}/signals", json={"signals": GOOD + bad})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["accepted"] == 4 and body["duplicates"] == 0
    errors = {row["index"]: row["error"] for row in body["rejected"]}
    assert sorted(errors) == [4, 5, 6, 7, 8, 9, 10, 11]
    assert "start" in errors[4] and "offset" in errors[4]
    assert "interval_minutes" in errors[5]
    assert "source" in errors[6]
    assert "older than 120 days" in errors[7]
    assert "future" in errors[8]
    assert "object" in errors[9]
    assert "end" in errors[10]
    assert "source" in errors[11]
    assert count(app, Signal) == 3 and count(app, Closeout) == 1


def test_a_resent_batch_is_all_duplicates_and_changes_nothing(now, app, store, as_admin):
    url = f"/api/stores/{store.id}/signals"
    assert as_admin.post(url, json={"signals": GOOD}).get_json()["accepted"] == 4
    again = as_admin.post(url, json={"signals": GOOD + GOOD[:1]}).get_json()
    assert again == {"accepted": 0, "duplicates": 5, "rejected": []}
    assert count(app, Signal) == 3 and count(app, Closeout) == 1


def test_more_than_ten_thousand_rows_is_413_for_the_whole_batch(now, app, store, as_admin):
    row = GOOD[2]
    rows = [{**row, "id": f"INV-{i}"} for i in range(10_001)]
    r = as_admin.post(f"/api/stores/{store.id}/signals", json={"signals": rows})
    assert r.status_code == 413 and "10,000" in r.get_json()["message"]
    assert count(app, Signal) == 0


def test_a_batch_that_is_not_a_list_names_the_field(now, store, as_admin):
    r = as_admin.post(f"/api/stores/{store.id}/signals", json={"signals": "lots"})
    assert r.status_code == 422 and "signals" in r.get_json()["errors"]


def test_unknown_store_is_404(now, as_admin):
    assert as_admin.post("/api/stores/999/signals", json={"signals": []}).status_code == 404


def test_evidence_updates_the_days_presence(now, app, store, as_admin):
    as_admin.post(f"/api/stores/{store.id}/signals", json={"signals": GOOD})
    with app.app_context():
        day = db.session.get(DailyPresence, (store.id, datetime(2026, 3, 3).date()))
        assert not day.closed
        assert day.first_minute == 10 * 60 + 5  # the Wi-Fi customer at 10:05
        assert day.last_minute == 20 * 60 + 10  # the close-out's last customer at 20:10
        assert set(day.sources.split(",")) == {
            "wifi_session",
            "door_count",
            "transaction",
            "closeout",
        }


@pytest.mark.parametrize("role", ["cio", "engineer", "manager"])
def test_only_admins_and_integrations_push_signals(now, store, build, login, role):
    client = login(build.user(role, stores=[store] if role == "manager" else ()))
    r = client.post(f"/api/stores/{store.id}/signals", json={"signals": "not even a list"})
    assert r.status_code == 403


def test_an_integration_token_pushes_signals_and_nothing_else(now, app, store, build, api):
    owner = build.user("admin")
    token = build.token(owner, scope=TokenScope.SIGNALS)
    bearer = {"Authorization": f"Bearer {token}"}
    r = api.client.post(f"/api/stores/{store.id}/signals", json={"signals": GOOD}, headers=bearer)
    assert r.status_code == 200 and r.get_json()["accepted"] == 4
    assert api.client.get("/api/stores", headers=bearer).status_code == 403
    assert api.client.get(f"/api/stores/{store.id}/hours", headers=bearer).status_code == 403


def test_the_closeout_defaults_to_now_and_a_second_replaces_the_first(
    now, app, store, build, login, time_machine
):
    manager = login(build.user("manager", stores=[store]))
    url = f"/api/stores/{store.id}/closeouts"
    time_machine.move_to(datetime(2026, 3, 5, 2, 40, tzinfo=UTC), tick=False)  # 20:40 Chicago
    r = manager.post(url, json={})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["date"] == "2026-03-04" and r.get_json()["last_customer_at"] == "20:40"
    time_machine.move_to(datetime(2026, 3, 5, 6, 20, tzinfo=UTC), tick=False)  # 00:20 Chicago
    r = manager.post(url, json={})
    assert r.get_json()["date"] == "2026-03-04" and r.get_json()["last_customer_at"] == "00:20"
    assert count(app, Closeout) == 1
    with app.app_context():
        day = db.session.get(DailyPresence, (store.id, datetime(2026, 3, 4).date()))
        assert day.last_minute == 24 * 60 + 20


def test_a_closeout_time_still_to_come_means_the_evening_before(now, store, build, login):
    manager = login(build.user("manager", stores=[store]))
    r = manager.post(f"/api/stores/{store.id}/closeouts", json={"last_customer_at": "21:40"})
    assert r.get_json()["date"] == "2026-03-03"  # at 09:00 on the 4th, "21:40" was last night


def test_closeout_refuses_a_future_date_and_another_stores_manager(
    now, store, build, login, as_cio
):
    other = build.store()
    manager = login(build.user("manager", stores=[store]))
    r = manager.post(
        f"/api/stores/{store.id}/closeouts",
        json={"date": "2026-03-09", "last_customer_at": "20:00"},
    )
    assert r.status_code == 422 and "date" in r.get_json()["errors"]
    assert manager.post(f"/api/stores/{other.id}/closeouts", json={}).status_code == 404
    cio = as_cio
    assert cio.post(f"/api/stores/{store.id}/closeouts", json={}).status_code == 403


def test_hours_show_posted_until_evidence_is_enough(now, app, store, as_engineer):
    client = as_engineer
    body = client.get(f"/api/stores/{store.id}/hours").get_json()
    assert body["timezone"] == "America/Chicago" and body["computed_at"] is None
    assert len(body["real"]) == 7 and {e["basis"] for e in body["real"]} == {"posted"}
    assert body["real"][0] == {
        "weekday": 0,
        "opens": "09:00",
        "closes": "20:00",
        "sample_days": 0,
        "confidence": 0.0,
        "basis": "posted",
    }
    assert body["real"][6]["opens"] is None  # Sunday: posted closed


def test_hours_learned_from_closeouts_on_five_tuesdays(now, app, store, as_admin):
    admin = as_admin
    tuesdays = [datetime(2026, 3, 3).date() - timedelta(weeks=w) for w in range(5)]
    rows = [
        {
            "source": "closeout",
            "date": d.isoformat(),
            "first_customer_at": "08:30",
            "last_customer_at": "00:30",
        }
        for d in tuesdays
    ]
    assert (
        admin.post(f"/api/stores/{store.id}/signals", json={"signals": rows}).get_json()["accepted"]
        == 5
    )
    with app.app_context():
        recompute(now)
        db.session.commit()
    body = admin.get(f"/api/stores/{store.id}/hours").get_json()
    tuesday = body["real"][1]
    assert tuesday["basis"] == "observed" and tuesday["sample_days"] == 5
    assert (tuesday["opens"], tuesday["closes"]) == ("08:30", "00:30")  # closes after midnight
    assert body["real"][0]["basis"] == "posted"
    assert body["computed_at"] is not None
