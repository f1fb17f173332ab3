"""The overview follows an admin's own change at once: a shift, a store's hours or a
completed visit refreshes the snapshots (and alerts) of the stores it touches in the same
request; a change touching more stores than COVERAGE_REFRESH_IN_REQUEST_MAX is queued for
the scheduler instead."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from fieldops.coverage.models import Alert, AlertEvent, AlertKind, CoverageSnapshot
from fieldops.extensions import db
from fieldops.hours import recompute
from fieldops.jobs import lease, registry, runner
from fieldops.jobs.models import JobRun, RunStatus
from fieldops.shifts.models import SupportShift
from tests.coverage.helpers import make_group, run

# NOW: Wednesday 2026-03-04 15:00 UTC. Stores are posted Mon-Sat 09:00-20:00; the Midwest
# shift covers Mon-Fri 08:00-20:00 Chicago, GOOD also has a Saturday shift, BARE (West)
# has none: 72 open store-days, 44 covered -> 61.1 %.


@pytest.fixture
def group(app, build, now):
    stores = make_group(app, build, now)
    run(app, now)
    return stores


def overview(browser) -> str:
    response = browser.get("/overview")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def shift_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(SupportShift.id).where(SupportShift.name == name))


def snapshot(app, store) -> CoverageSnapshot:
    with app.app_context():
        return db.session.scalars(
            sa.select(CoverageSnapshot).where(CoverageSnapshot.store_id == store.id)
        ).one()


def open_alerts(app) -> list[tuple[str, AlertKind]]:
    with app.app_context():
        stmt = (
            sa.select(Alert.message, Alert.kind)
            .where(Alert.closed_at.is_(None))
            .order_by(Alert.store_id, Alert.kind)
        )
        return [(message.split(" ")[0], kind) for message, kind in db.session.execute(stmt)]


def test_a_shift_edit_shows_on_the_overview_right_after(app, group, as_admin, browser_as_admin):
    assert "61.1%" in overview(browser_as_admin)
    r = as_admin.patch(
        f"/api/shifts/{shift_id(app, 'Days')}", json={"weekdays": [0, 1, 2, 3, 4, 5]}
    )
    assert r.status_code == 200, r.get_json()
    # SAT's Saturdays are covered now: 48 of 72 store-days.
    page = overview(browser_as_admin)
    assert "66.7%" in page and "61.1%" not in page
    assert snapshot(app, group["sat"]).real_covered_minutes == 24 * 660


def test_a_shift_moved_to_another_region_refreshes_both_and_alerts_follow(
    app, group, as_admin, now
):
    assert ("BARE", AlertKind.LOW_COVERAGE) in open_alerts(app)
    r = as_admin.patch(f"/api/shifts/{shift_id(app, 'Days')}", json={"region": "West"})
    assert r.status_code == 200, r.get_json()
    # The West store is covered on weekdays now (20 of 24 days, above 80 %): its alert
    # closes; the Midwest stores lose their weekdays and open alerts of their own.
    assert snapshot(app, group["bare"]).real_covered_minutes == 20 * 660
    assert snapshot(app, group["sat"]).real_covered_minutes == 0
    assert snapshot(app, group["good"]).real_covered_minutes == 4 * 660
    low = [code for code, kind in open_alerts(app) if kind is AlertKind.LOW_COVERAGE]
    assert low == ["GOOD", "SAT"]
    with app.app_context():
        closed = db.session.scalars(
            sa.select(Alert).where(Alert.store_id == group["bare"].id, Alert.kind == "low_coverage")
        ).one()
        assert closed.closed_at == now
        history = db.session.scalars(
            sa.select(AlertEvent.change)
            .where(AlertEvent.alert_id == closed.id)
            .order_by(AlertEvent.id)
        ).all()
        assert [change["open"]["to"] for change in history] == [True, False]


def test_a_store_hours_change_shows_on_the_overview_right_after(
    app, group, as_admin, browser_as_admin
):
    weekdays = [{"weekday": d, "opens": "09:00", "closes": "20:00"} for d in range(5)]
    r = as_admin.patch(f"/api/stores/{group['sat'].id}", json={"posted_hours": weekdays})
    assert r.status_code == 200, r.get_json()
    # SAT no longer opens on Saturdays: 44 of 68 store-days covered.
    assert "64.7%" in overview(browser_as_admin)
    assert snapshot(app, group["sat"]).posted_customer_minutes == 20 * 660


def test_a_completed_visit_refreshes_the_cadence_and_closes_the_overdue_alert(
    app, build, group, login, now
):
    bare = group["bare"]
    assert ("BARE", AlertKind.OVERDUE_VISIT) in open_alerts(app)
    engineer = build.user("engineer")
    client = login(engineer)

    def complete_a_visit() -> None:
        visit = build.visit(bare, engineer, now - timedelta(hours=1))
        assert client.post(f"/api/visits/{visit.id}/check-in", json={}).status_code == 200
        r = client.post(f"/api/visits/{visit.id}/check-out", json={"summary": "Done"})
        assert r.status_code == 200, r.get_json()

    complete_a_visit()
    snap = snapshot(app, bare)
    assert (snap.completed_12m, snap.computed_at) == (1, now)
    assert ("BARE", AlertKind.OVERDUE_VISIT) in open_alerts(app)  # 1 of 2: still overdue
    complete_a_visit()
    assert snapshot(app, bare).completed_12m == 2
    assert ("BARE", AlertKind.OVERDUE_VISIT) not in open_alerts(app)


def test_a_change_touching_more_stores_than_the_setting_is_queued_for_the_scheduler(
    app, group, as_admin, browser_as_admin, now, monkeypatch
):
    monkeypatch.setitem(app.config, "COVERAGE_REFRESH_IN_REQUEST_MAX", 1)
    r = as_admin.patch(
        f"/api/shifts/{shift_id(app, 'Days')}", json={"weekdays": [0, 1, 2, 3, 4, 5]}
    )
    assert r.status_code == 200, r.get_json()
    assert "61.1%" in overview(browser_as_admin)  # not yet: two stores, one job queued
    with app.app_context():
        queued = db.session.scalars(sa.select(JobRun)).one()
        assert (queued.job_id, queued.status) == ("coverage_refresh", RunStatus.QUEUED)
        assert queued.details == {"store_ids": sorted([group["good"].id, group["sat"].id])}
        with db.engine.begin() as conn:
            tenure = lease.acquire(conn, "scheduler", now, timedelta(seconds=90))

    outcome = runner.run_job(app, registry.QUEUED_JOBS, tenure, now)
    assert outcome.status is None and not outcome.lost_lease  # not recorded itself
    assert "66.7%" in overview(browser_as_admin)
    with app.app_context():
        done = db.session.scalars(sa.select(JobRun)).one()
        assert done.status is RunStatus.SUCCEEDED and done.details["stores"] == 2
    assert runner.run_job(app, registry.QUEUED_JOBS, tenure, now).status is None  # nothing left


def test_the_scheduler_picks_queued_jobs_within_a_minute(app):
    spec = registry.get(registry.QUEUED_JOBS)
    assert spec.trigger(app.config).interval <= timedelta(seconds=60)


def test_learning_real_hours_again_refreshes_the_stores_learned(app, group, now):
    later = now + timedelta(hours=2)
    with app.app_context():
        recompute(later, [group["sat"].id])
        db.session.commit()
    assert snapshot(app, group["sat"]).computed_at == later
    assert snapshot(app, group["good"]).computed_at == now


def test_before_the_first_snapshot_run_a_change_refreshes_nothing(app, build, now, as_admin):
    stores = make_group(app, build, now)
    r = as_admin.patch(f"/api/stores/{stores['sat'].id}", json={"name": "Renamed"})
    assert r.status_code == 200, r.get_json()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CoverageSnapshot)) == 0
