"""Raw signals past retention go once their day is summarised; the rest stays.

NOW is 2026-03-04 15:00 UTC and the retention 120 days: the business days (Chicago, from
04:00 local) that ended by 2025-11-04 15:00 UTC are past it, the last being 2025-11-03.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from fieldops.clock import to_utc
from fieldops.extensions import db
from fieldops.hours import partitions, prune_signals, retention
from fieldops.hours.ingest import ingest_signals
from fieldops.hours.models import DailyPresence, Signal, SignalSource
from fieldops.jobs import runner
from fieldops.jobs.models import RunStatus
from fieldops.stores.models import Store
from tests.helpers import other_app
from tests.jobs.helpers import take

CHICAGO = "America/Chicago"
PAST = date(2025, 11, 3)  # the last business day wholly past retention
PAST_MONTHS_END = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _old_months_in_the_default_partition(app) -> None:
    """On PostgreSQL, no partition of an old month (another test may have made some): old
    signals land in the default partition and go row by row, as these tests count them.
    Dropping whole months is tested in test_partitions.py."""
    with app.app_context():
        if partitions.partitioned():
            for month in partitions.months():
                if month.end <= PAST_MONTHS_END:
                    partitions.drop(month)
            db.session.commit()


def signal(store: Store, day: date, hour: int, key: str = "") -> Signal:
    at = to_utc(day, time(hour, 0), CHICAGO)
    return Signal(
        store_id=store.id,
        source=SignalSource.TRANSACTION,
        dedupe_key=key or f"at:{at.isoformat()}",
        start_at=at,
    )


def evidence(store: Store, days: dict[date, bool], per_day: int = 2) -> None:
    """`per_day` signals on each day; its daily presence too where `days` says summarised."""
    for day, summarised in days.items():
        db.session.add_all(signal(store, day, 10 + n) for n in range(per_day))
        if summarised:
            db.session.add(DailyPresence(store_id=store.id, business_date=day, evidence=per_day))
    db.session.commit()


def local_days(store: Store) -> dict[date, int]:
    """The signals left per local (Chicago) day."""
    found: dict[date, int] = {}
    for at in db.session.scalars(sa.select(Signal.start_at).where(Signal.store_id == store.id)):
        day = at.astimezone(ZoneInfo(CHICAGO)).date()
        found[day] = found.get(day, 0) + 1
    return found


class Commits:
    """The `commit` a run is given: commits, and counts the rows each batch left."""

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def __call__(self) -> None:
        db.session.commit()
        self.sizes.append(db.session.scalar(sa.select(sa.func.count()).select_from(Signal)))


def test_summarised_days_past_retention_go_and_the_rest_stays(ctx, now, build):
    store = build.store()
    old, unsummarised = date(2025, 10, 1), date(2025, 10, 2)
    recent, partly_past = date(2026, 2, 1), PAST + timedelta(days=1)
    evidence(store, {old: True, unsummarised: False, PAST: True, partly_past: True, recent: True})

    figures = prune_signals(now, db.session.commit)

    assert figures["deleted"] == 4  # the two summarised days wholly past retention
    assert local_days(store) == {unsummarised: 2, partly_past: 2, recent: 2}
    again = prune_signals(now, db.session.commit)
    assert again["deleted"] == 0 and local_days(store) == {
        unsummarised: 2,
        partly_past: 2,
        recent: 2,
    }


def test_an_unsummarised_day_goes_once_it_is_summarised(ctx, now, build):
    store = build.store()
    day = date(2025, 10, 2)
    evidence(store, {day: False})
    assert prune_signals(now, db.session.commit)["deleted"] == 0
    db.session.add(DailyPresence(store_id=store.id, business_date=day, evidence=2))
    db.session.commit()
    assert prune_signals(now, db.session.commit)["deleted"] == 2
    assert local_days(store) == {}


def test_deletes_go_in_batches_each_its_own_transaction(ctx, now, build, app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNALS_RETENTION_BATCH", 3)
    store = build.store()
    evidence(store, {date(2025, 10, 1): True, date(2025, 10, 2): True}, per_day=4)
    evidence(store, {date(2026, 2, 1): True}, per_day=1)  # recent: stays
    commits = Commits()

    figures = prune_signals(now, commits)

    assert figures["deleted"] == 8 and figures["batches"] == 3
    # Partitions are made ahead first on PostgreSQL (one commit); then 3 + 3 + 2 rows.
    assert commits.sizes[-3:] == [6, 3, 1]
    assert figures["longest_batch_seconds"] >= 0


def test_the_nightly_job_records_what_it_deleted(app, now, build):
    with app.app_context():
        store = build.store()
        evidence(store, {date(2025, 10, 1): True, date(2025, 10, 2): False})
        term = take("host:1:aaaa", now)
    outcome = runner.run_job(app, "signal_retention", term, now)
    assert outcome.status == RunStatus.SUCCEEDED
    assert outcome.details["deleted"] == 2 and outcome.details["batches"] == 1
    with app.app_context():
        assert local_days(db.session.get(Store, store.id)) == {date(2025, 10, 2): 2}


def test_a_run_that_lost_its_lease_stops_at_its_next_batch_keeping_those_before(
    app, now, build, monkeypatch, time_machine
):
    monkeypatch.setitem(app.config, "SIGNALS_RETENTION_BATCH", 2)
    with app.app_context():
        store = build.store()
        evidence(store, {date(2025, 10, 1): True}, per_day=6)
        term = take("host:1:aaaa", now)
    batches = []
    delete = retention._delete_batch

    def taken_over_after_the_first_batch(*args):
        batches.append(args)
        if len(batches) == 2:  # the first batch is committed; the lease lapses, OTHER takes it
            later = now + timedelta(seconds=91)
            time_machine.move_to(later, tick=False)
            with app.app_context():
                assert take("host:2:bbbb", later)
        return delete(*args)

    monkeypatch.setattr(retention, "_delete_batch", taken_over_after_the_first_batch)
    outcome = runner.run_job(app, "signal_retention", term, now)

    assert outcome.status == RunStatus.ABANDONED and outcome.lost_lease
    with app.app_context():
        assert local_days(db.session.get(Store, store.id)) == {date(2025, 10, 1): 4}


def test_a_resent_signal_older_than_the_max_age_is_refused(ctx, now, build):
    store = build.store()
    evidence(store, {date(2025, 10, 1): True})
    prune_signals(now, db.session.commit)
    resent = {
        "source": "transaction",
        "at": to_utc(date(2025, 10, 1), time(10), CHICAGO).isoformat(),
    }
    fresh = {"source": "transaction", "at": (now - timedelta(hours=1)).isoformat()}

    result = ingest_signals(store, [resent, fresh, fresh], now)
    db.session.commit()

    assert (result.accepted, result.duplicates) == (1, 1)
    assert "older than 120 days" in result.rejected[0]["error"]
    assert local_days(store) == {date(2026, 3, 4): 1}


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        ({"SIGNALS_MAX_AGE_DAYS": 121}, r"SIGNALS_MAX_AGE_DAYS \(121\) must not exceed"),
        ({"SIGNALS_RETENTION_DAYS": 30, "SIGNALS_MAX_AGE_DAYS": 30}, "at least HOURS_WINDOW_DAYS"),
    ],
)
def test_the_app_refuses_to_start_with_a_retention_that_loses_evidence(app, settings, says):
    with pytest.raises(RuntimeError, match=says), other_app(app, **settings):
        pass


def test_settings_within_bounds_start(app):
    with other_app(app, SIGNALS_RETENTION_DAYS=56, SIGNALS_MAX_AGE_DAYS=56) as second:
        assert second.config["SIGNALS_RETENTION_DAYS"] == 56
