"""The nightly coverage snapshot and its alerts: contents, idempotence, one open alert."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from fieldops.coverage import snapshots
from fieldops.coverage.models import Alert, AlertKind, CoverageSnapshot
from fieldops.coverage.services import coverage_of
from fieldops.extensions import db
from fieldops.jobs import registry, runner
from fieldops.jobs.models import RunStatus
from fieldops.stores.models import Store
from tests.coverage.helpers import add_shift, run, visited

# NOW: Wednesday 2026-03-04 15:00 UTC (09:00 in Chicago); the period is 4-31 March,
# four of each weekday. Stores are posted Mon-Sat 09:00-20:00 (660 min a day).
DAY = 660


def snapshot_of(app, store, taken_on: date = date(2026, 3, 4)) -> CoverageSnapshot:
    with app.app_context():
        return db.session.scalars(
            sa.select(CoverageSnapshot).where(
                CoverageSnapshot.store_id == store.id, CoverageSnapshot.taken_on == taken_on
            )
        ).one()


def alerts(app, store=None, *, open_only: bool = True) -> list[tuple[int, AlertKind]]:
    with app.app_context():
        stmt = sa.select(Alert.store_id, Alert.kind).order_by(Alert.store_id, Alert.kind)
        if open_only:
            stmt = stmt.where(Alert.closed_at.is_(None))
        if store is not None:
            stmt = stmt.where(Alert.store_id == store.id)
        return [tuple(row) for row in db.session.execute(stmt)]


def test_a_snapshot_holds_the_next_28_days_of_coverage_and_the_cadence(app, build, now):
    store = build.store(code="MID", region="Midwest")  # Mon-Fri 08-20 covers all but Saturdays
    visited(build, store, now, 40, 200)
    add_shift(app, region="Midwest")
    figures = run(app, now)
    assert figures == {
        "taken_on": "2026-03-04",
        "stores": 1,
        "alerts_opened": 0,
        "alerts_closed": 0,
    }
    snap = snapshot_of(app, store)
    assert (snap.days, snap.computed_at) == (28, now)
    # 24 open days x 660; the four Saturdays are not covered.
    assert (snap.real_customer_minutes, snap.real_covered_minutes) == (24 * DAY, 20 * DAY)
    assert (snap.posted_customer_minutes, snap.posted_covered_minutes) == (24 * DAY, 20 * DAY)
    assert snap.uncovered_by_weekday == [0, 0, 0, 0, 0, 4 * DAY, 0]
    assert (snap.completed_12m, snap.cadence, snap.overdue) == (2, 2, False)
    assert snap.due_on == (now + timedelta(days=165)).date()  # when the older one ages out


def test_a_second_run_the_same_day_replaces_the_snapshot(app, build, now):
    store = build.store(region="Midwest")
    add_shift(app, region="Midwest")
    run(app, now)
    add_shift(app, region="Midwest", name="Saturdays", weekdays=[5])
    later = now + timedelta(hours=3)
    run(app, later)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CoverageSnapshot)) == 1
    snap = snapshot_of(app, store)
    assert snap.real_covered_minutes == snap.real_customer_minutes == 24 * DAY
    assert snap.uncovered_by_weekday == [0] * 7 and snap.computed_at == later

    run(app, now + timedelta(days=1))  # the next day: a snapshot of its own
    assert snapshot_of(app, store, date(2026, 3, 5)).days == 28
    assert snapshot_of(app, store).computed_at == later


def test_low_coverage_opens_an_alert_once_and_it_closes_when_covered(app, build, now):
    covered = build.store(code="OK", region="Midwest")  # 83.33 %: above the 80 % threshold
    bare = build.store(code="BARE", region="West")  # no shift: 0 %
    closed = build.store(code="SHUT", region="West", hours=[])  # no customers: no alert
    for store in (covered, bare, closed):
        visited(build, store, now, 10, 20)  # not overdue
    add_shift(app, region="Midwest")

    assert run(app, now)["alerts_opened"] == 1
    assert alerts(app) == [(bare.id, AlertKind.LOW_COVERAGE)]
    with app.app_context():
        alert = db.session.scalars(sa.select(Alert)).one()
        assert alert.opened_at == now and alert.closed_at is None
        assert "BARE" in alert.message and "0.0%" in alert.message
        assert alert.details["real_percent"] == 0.0 and alert.details["threshold"] == 80.0

    again = run(app, now + timedelta(hours=1))  # a second run that day: nothing new
    assert (again["alerts_opened"], again["alerts_closed"]) == (0, 0)
    assert len(alerts(app, open_only=False)) == 1

    add_shift(app, region="West", weekdays=[0, 1, 2, 3, 4, 5], timezone="America/Chicago")
    next_day = now + timedelta(days=1)
    assert run(app, next_day)["alerts_closed"] == 1
    assert alerts(app) == []
    with app.app_context():
        assert db.session.scalars(sa.select(Alert.closed_at)).one() == next_day


def test_the_threshold_comes_from_the_settings(app, build, now, monkeypatch):
    store = build.store(region="Midwest")
    visited(build, store, now, 10, 20)
    add_shift(app, region="Midwest")  # 83.33 %
    monkeypatch.setitem(app.config, "COVERAGE_ALERT_PERCENT", 90.0)
    run(app, now)
    assert alerts(app) == [(store.id, AlertKind.LOW_COVERAGE)]
    monkeypatch.setitem(app.config, "COVERAGE_ALERT_PERCENT", 83.0)
    run(app, now + timedelta(days=1))
    assert alerts(app) == []


def test_an_overdue_store_gets_an_alert_until_it_is_visited(app, build, now):
    store = build.store(region="Midwest", cadence_per_year=2)
    add_shift(app, region="Midwest", weekdays=[0, 1, 2, 3, 4, 5])  # fully covered
    visited(build, store, now, 30)
    run(app, now)
    assert alerts(app) == [(store.id, AlertKind.OVERDUE_VISIT)]
    with app.app_context():
        alert = db.session.scalars(sa.select(Alert)).one()
        assert alert.details == {"completed_12m": 1, "cadence": 2}
        assert "1 of 2" in alert.message

    visited(build, store, now + timedelta(days=1), 0)
    run(app, now + timedelta(days=2))
    assert alerts(app) == []
    assert len(alerts(app, open_only=False)) == 1


def test_never_two_open_alerts_per_store_and_kind_even_when_runs_race(app, build, now):
    store = build.store(region="West")  # no shift, no visit: both kinds
    run(app, now)
    assert alerts(app) == [
        (store.id, AlertKind.LOW_COVERAGE),
        (store.id, AlertKind.OVERDUE_VISIT),
    ]
    # A racing run read "no open alert" before the first committed: its INSERT skips them.
    with app.app_context():
        found = snapshots.conditions(coverage_of([db.session.get(Store, store.id)], now), 80.0)
        assert len(found) == 2
        assert snapshots.insert_alerts(found, now) == 0
        db.session.commit()
    assert len(alerts(app, open_only=False)) == 2


def test_the_alerts_of_a_store_no_longer_active_close(app, build, now):
    store = build.store(region="West")
    run(app, now)
    assert len(alerts(app)) == 2
    with app.app_context():
        db.session.get(Store, store.id).active = False
        db.session.commit()
    figures = run(app, now + timedelta(days=1))
    assert (figures["stores"], figures["alerts_closed"]) == (0, 2)
    assert alerts(app) == []


def test_a_holiday_off_shows_in_the_snapshot(app, build, now):
    store = build.store(region="Midwest")
    add_shift(app, region="Midwest", off=[date(2026, 3, 9)])  # a Monday without support
    run(app, now)
    snap = snapshot_of(app, store)
    assert snap.uncovered_by_weekday == [DAY, 0, 0, 0, 0, 4 * DAY, 0]


@pytest.mark.parametrize("twice", [False, True])
def test_the_job_runs_through_the_registry(app, build, now, twice):
    store = build.store(region="West")
    spec = registry.get(registry.COVERAGE_SNAPSHOT)
    with app.app_context():
        for _ in range(2 if twice else 1):
            outcome = runner.record_run(spec.id, "test", spec.func, now)
            assert outcome.status is RunStatus.SUCCEEDED, outcome.details
        assert outcome.details["stores"] == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CoverageSnapshot)) == 1
    assert len(alerts(app)) == 2
    assert snapshot_of(app, store).computed_at == datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
