"""On PostgreSQL `signals` is partitioned by month: partitions are made ahead, a month
without one falls into the default partition, and retention drops whole months.

NOW is 2026-03-04; with 120 days of retention, August and September 2025 are wholly past.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from fieldops.clock import to_utc
from fieldops.extensions import db
from fieldops.hours import partitions, prune_signals
from fieldops.hours.ingest import ingest_signals
from fieldops.hours.models import DailyPresence
from fieldops.hours.partitions import Month
from tests.conftest import PG_URL
from tests.hours.test_retention import evidence, local_days, signal

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (FIELDOPS_TEST_DATABASE_URL)")

AUGUST, SEPTEMBER = Month(2025, 8), Month(2025, 9)


def ensure(month: Month) -> None:
    if month not in partitions.months():
        partitions.create(month)
        db.session.commit()


def rows_in(table: str) -> int:
    return db.session.scalar(sa.text(f"SELECT count(*) FROM {table}"))


def test_the_table_is_partitioned_and_its_key_holds_the_start(ctx):
    assert partitions.partitioned()
    key = db.session.scalar(
        sa.text(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conname = 'uq_signals_store_id_source_dedupe_key_start_at'"
        )
    )
    assert key == "UNIQUE (store_id, source, dedupe_key, start_at)"


def test_the_job_makes_this_month_and_the_next_two_ahead(ctx, now):
    prune_signals(now, db.session.commit)
    assert {Month(2026, 3), Month(2026, 4), Month(2026, 5)} <= set(partitions.months())
    assert prune_signals(now, db.session.commit)["partitions_created"] == []  # made once


def test_a_month_without_a_partition_falls_into_the_default_one_then_moves(ctx, now, build):
    store = build.store()
    july = Month(2025, 7)
    if july in partitions.months():
        partitions.drop(july)
    db.session.add(signal(store, date(2025, 7, 15), 10))
    db.session.commit()  # no partition for July: the insert does not fail
    assert rows_in("signals_default") == 1

    partitions.create(july)
    db.session.commit()

    assert (rows_in("signals_default"), rows_in(july.table)) == (0, 1)


def test_a_summarised_month_past_retention_is_dropped_whole(ctx, now, build):
    ensure(AUGUST)
    ensure(SEPTEMBER)
    store = build.store()
    kept = date(2025, 9, 20)
    evidence(
        store,
        {date(2025, 8, 10): True, date(2025, 8, 20): True, date(2025, 9, 10): True, kept: False},
    )

    figures = prune_signals(now, db.session.commit)

    # (an empty month past retention, left by another test, goes too)
    assert AUGUST.table in figures["partitions_dropped"]
    assert figures["deleted"] == 2  # September 10, row by row: September 20 is not summarised
    assert AUGUST not in partitions.months() and SEPTEMBER in partitions.months()
    assert local_days(store) == {kept: 2}
    assert DailyPresence.query.filter_by(store_id=store.id).count() == 3  # summaries stay


def test_a_month_stays_while_a_long_query_holds_the_table_and_its_rows_go_one_by_one(
    ctx, now, build, monkeypatch
):
    ensure(AUGUST)
    store = build.store()
    evidence(store, {date(2025, 8, 10): True})
    monkeypatch.setattr(partitions, "DROP_LOCK_TIMEOUT", "100ms")
    with db.engine.connect() as report:  # a long read of signals, still open
        report.execute(sa.text("SELECT count(*) FROM signals"))
        figures = prune_signals(now, db.session.commit)
        report.rollback()

    assert AUGUST.table not in figures["partitions_dropped"] and AUGUST in partitions.months()
    assert figures["deleted"] == 2 and local_days(store) == {}
    assert AUGUST.table in prune_signals(now, db.session.commit)["partitions_dropped"]


def test_a_resent_signal_is_still_a_duplicate_on_the_partitioned_table(ctx, now, build):
    store = build.store()
    at = to_utc(date(2026, 3, 3), time(10), "America/Chicago") + timedelta(minutes=7)
    row = {"source": "transaction", "id": "T-1", "at": at.isoformat()}
    assert ingest_signals(store, [row], now).accepted == 1
    again = ingest_signals(store, [row], now)
    db.session.commit()
    assert (again.accepted, again.duplicates) == (0, 1)


def test_migration_0019_goes_down_and_up_again_keeping_the_signals(ctx, now, build):
    store = build.store()
    evidence(store, {date(2025, 10, 1): True, date(2026, 3, 3): False})
    db.session.remove()

    downgrade(revision="0018_visit_plans")
    assert (
        not partitions.partitioned()
        and db.session.scalar(sa.text("SELECT count(*) FROM signals")) == 4
    )
    db.session.remove()
    upgrade()

    assert partitions.partitioned()
    assert {Month(2025, 10), Month(2026, 3)} <= set(partitions.months())  # every month with signals
    assert rows_in("signals_default") == 0 and rows_in(Month(2025, 10).table) == 2
    assert local_days(db.session.get(type(store), store.id)) == {
        date(2025, 10, 1): 2,
        date(2026, 3, 3): 2,
    }
