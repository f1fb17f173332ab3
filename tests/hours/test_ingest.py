"""A batch's rows are stored as sent, and each batch counts only its own rows: also two
batches in one transaction, and a batch after a rolled-back one (on PostgreSQL the rows
pass through a temporary table of the connection)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from fieldops.extensions import db
from fieldops.hours.ingest import ingest_signals
from fieldops.hours.models import Signal, SignalSource

WIFI = {
    "source": "wifi_session",
    "device": "a1b2",
    "start": "2026-03-03T10:05:00-06:00",
    "end": "2026-03-03T10:50:30-06:00",
}
DOOR = {
    "source": "door_count",
    "start": "2026-03-03T10:00:00-06:00",
    "interval_minutes": 15,
    "entries": 3,
    "exits": 0,
}
SALE = {"source": "transaction", "at": "2026-03-03T11:12:13-06:00", "id": "T-1"}


def sale(n: int) -> dict[str, str]:
    return {**SALE, "id": f"T-{n}"}


def stored(store_id: int) -> list[tuple]:
    return db.session.execute(
        sa.select(
            Signal.source,
            Signal.dedupe_key,
            Signal.start_at,
            Signal.end_at,
            Signal.device,
            Signal.entries,
            Signal.exits,
            Signal.received_at,
        )
        .where(Signal.store_id == store_id)
        .order_by(Signal.source)
    ).all()


def test_each_source_is_stored_as_sent(ctx, now, build):
    store = build.store()
    assert ingest_signals(store, [WIFI, DOOR, SALE], now).accepted == 3
    db.session.commit()

    def at(hour: int, minute: int, second: int = 0) -> datetime:
        return datetime(2026, 3, 3, hour, minute, second, tzinfo=UTC)  # 6 h ahead of Chicago

    door = (SignalSource.DOOR_COUNT, "2026-03-03T16:00:00+00:00", at(16, 0), at(16, 15))
    wifi = (SignalSource.WIFI_SESSION, "a1b2|2026-03-03T16:05:00+00:00", at(16, 5), at(16, 50, 30))
    assert stored(store.id) == [
        (*door, None, 3, 0, now),
        (SignalSource.TRANSACTION, "id:T-1", at(17, 12, 13), None, None, None, None, now),
        (*wifi, "a1b2", None, None, now),
    ]


def test_batches_in_one_transaction_count_only_their_own_rows(ctx, now, build):
    store = build.store()
    first = ingest_signals(store, [sale(1), sale(2)], now)
    second = ingest_signals(store, [sale(2), sale(3), sale(3)], now)
    db.session.commit()

    assert (first.accepted, first.duplicates) == (2, 0)
    assert (second.accepted, second.duplicates) == (1, 2)
    assert len(stored(store.id)) == 3


def test_a_rolled_back_batch_leaves_nothing_behind(ctx, now, build):
    store = build.store()
    assert ingest_signals(store, [sale(1), sale(2)], now).accepted == 2
    db.session.rollback()

    again = ingest_signals(store, [sale(2)], now)
    db.session.commit()

    assert (again.accepted, again.duplicates) == (1, 0)
    assert len(stored(store.id)) == 1
