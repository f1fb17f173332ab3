"""The outbox's `visit_start`: an unplanned visit started offline, applied once."""

from __future__ import annotations

from datetime import UTC, datetime

from fieldops.sync.models import SyncReceipt
from fieldops.visits.models import Visit, VisitStatus
from tests.helpers import count, fetch
from tests.sync.test_api import op, sync


def test_a_visit_started_offline_is_checked_in_at_its_device_time(now, app, world, as_engineer):
    start = op(
        "visit_start", {"store_id": world.store.id, "latitude": 41.8881, "longitude": -87.6298}
    )
    [result] = sync(as_engineer, start)
    assert result["status"] == "applied" and result["error"] is None
    visit = fetch(app, Visit, result["id"])
    assert visit.unplanned and visit.status == VisitStatus.CHECKED_IN
    assert visit.engineer_id == world.engineer.id
    assert visit.checked_in_at == visit.planned_start == datetime(2026, 3, 4, 14, 55, tzinfo=UTC)
    assert visit.far_from_store is True


def test_a_replayed_start_is_a_duplicate_through_sync_and_the_route(now, app, world, as_engineer):
    start = op("visit_start", {"store_id": world.store.id})
    [first] = sync(as_engineer, start)
    [again] = sync(as_engineer, start)
    assert again["status"] == "duplicate" and again["id"] == first["id"]
    r = as_engineer.post(
        "/api/visits/start", json={"store_id": world.store.id, "client_id": start["client_id"]}
    )
    assert r.status_code == 200 and r.get_json()["id"] == first["id"]
    assert (count(app, Visit), count(app, SyncReceipt)) == (1, 1)


def test_a_start_sent_online_then_replayed_by_the_outbox_is_one_visit(now, app, world, as_engineer):
    start = op("visit_start", {"store_id": world.store.id})
    r = as_engineer.post(
        "/api/visits/start", json={"store_id": world.store.id, "client_id": start["client_id"]}
    )
    assert r.status_code == 201
    [result] = sync(as_engineer, start)
    assert result["status"] == "duplicate" and result["id"] == r.get_json()["id"]
    assert count(app, Visit) == 1


def test_bad_starts_are_rejected_as_their_route_would(now, app, world, as_engineer, as_manager):
    results = sync(
        as_engineer,
        op("visit_start", {}),
        op("visit_start", {"store_id": world.store.id, "latitude": 41.9}),
        op("visit_start", {"store_id": 99999}),
    )
    assert [r["status"] for r in results] == ["rejected"] * 3
    assert results[0]["error"]["code"] == 422
    assert results[0]["error"]["errors"] == {"store_id": ["Missing data for required field."]}
    assert results[1]["error"]["errors"] == {
        "latitude": ["Give both latitude and longitude, or neither."]
    }
    assert results[2]["error"]["code"] == 404
    [refused] = sync(as_manager, op("visit_start", {"store_id": world.store.id}))
    assert refused["status"] == "rejected" and refused["error"]["code"] == 403
    assert (count(app, Visit), count(app, SyncReceipt)) == (0, 0)


def test_a_start_while_checked_in_at_the_store_is_refused_until_checked_out(
    now, app, world, as_engineer
):
    second = op("visit_start", {"store_id": world.store.id})
    [first, refused] = sync(as_engineer, op("visit_start", {"store_id": world.store.id}), second)
    assert first["status"] == "applied"
    # refused, not a version conflict: nothing to apply it on top of
    assert refused["status"] == "rejected" and refused["error"]["code"] == 409
    assert "store_id" in refused["error"]["errors"]
    checked_out = op("check_out", {"visit_id": first["id"], "summary": "Done"})
    assert [r["status"] for r in sync(as_engineer, checked_out, second)] == ["applied"] * 2
    assert count(app, Visit) == 2
