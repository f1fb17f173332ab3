"""Daily presence from tiny hand-made evidence: which rows make a customer, which a closed day."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask import Flask

from fieldops.extensions import db
from fieldops.hours.ingest import ingest_signals
from fieldops.hours.models import DailyPresence
from fieldops.stores.models import Store
from tests.builders import Builder

NOW = datetime(2026, 3, 23, 12, tzinfo=UTC)
TUESDAY = date(2026, 3, 17)  # Chicago, daylight time (-05:00)
Ingest = Callable[[list[dict]], dict[date, DailyPresence]]


def at(day: date, hhmm: str, offset: str = "-05:00") -> str:
    return f"{day.isoformat()}T{hhmm}:00{offset}"


def wifi(device: str, start: str, end: str) -> dict:
    return {"source": "wifi_session", "device": device, "start": start, "end": end}


def staff_day(device: str, day: date = TUESDAY) -> list[dict]:
    """A staff phone from before opening to after closing, with a lunch break."""
    return [
        wifi(device, at(day, "08:20"), at(day, "12:30")),
        wifi(device, at(day, "13:05"), at(day, "20:40")),
    ]


@pytest.fixture
def presence(app: Flask, build: Builder) -> Iterator[Ingest]:
    """presence(rows) -> {business date: DailyPresence} after ingesting `rows` into a store."""
    store = build.store(timezone="America/Chicago")
    with app.app_context():

        def ingest(rows: list[dict]) -> dict[date, DailyPresence]:
            result = ingest_signals(db.session.get(Store, store.id), rows, NOW)
            assert not result.rejected, result.rejected
            db.session.flush()
            found = db.session.scalars(
                sa.select(DailyPresence).where(DailyPresence.store_id == store.id)
            )
            return {p.business_date: p for p in found}

        yield ingest
        db.session.rollback()


def test_a_staff_device_alone_is_a_closed_sample(presence: Ingest) -> None:
    day = presence(staff_day("staff-1"))[TUESDAY]
    assert day.closed and day.first_minute is None and day.last_minute is None


def test_a_passer_by_alone_is_a_closed_sample(presence: Ingest) -> None:
    day = presence([wifi("walker", at(TUESDAY, "14:00"), at(TUESDAY, "14:03"))])[TUESDAY]
    assert day.closed


def test_a_customer_among_staff_and_passers_by(presence: Ingest) -> None:
    rows = [
        *staff_day("staff-1"),
        *staff_day("staff-2"),
        wifi("walker", at(TUESDAY, "07:10"), at(TUESDAY, "07:12")),
        wifi("customer", at(TUESDAY, "10:00"), at(TUESDAY, "10:40")),
        wifi("walker-2", at(TUESDAY, "22:30"), at(TUESDAY, "22:34")),
    ]
    day = presence(rows)[TUESDAY]
    assert not day.closed
    assert (day.first_minute, day.last_minute) == (600, 640)


def test_door_bins_all_zero_are_a_closed_sample(presence: Ingest) -> None:
    rows = [
        {
            "source": "door_count",
            "start": at(TUESDAY, f"{h:02d}:00"),
            "interval_minutes": 60,
            "entries": 0,
            "exits": 0,
        }
        for h in range(4, 24)
    ]
    assert presence(rows)[TUESDAY].closed


def test_door_bins_with_entries_are_presence(presence: Ingest) -> None:
    rows = [
        {
            "source": "door_count",
            "start": at(TUESDAY, "09:00"),
            "interval_minutes": 15,
            "entries": 2,
            "exits": 0,
        },
        {
            "source": "door_count",
            "start": at(TUESDAY, "19:45"),
            "interval_minutes": 15,
            "entries": 0,
            "exits": 2,
        },
    ]
    day = presence(rows)[TUESDAY]
    assert 540 <= day.first_minute <= 555 and 1185 <= day.last_minute <= 1200


def test_a_closeout_at_0020_is_the_evening_before(presence: Ingest) -> None:
    rows = [{"source": "closeout", "date": "2026-03-14", "last_customer_at": "00:20"}]
    day = presence(rows)[date(2026, 3, 14)]
    assert not day.closed and day.last_minute == 1460


def test_a_closed_closeout_is_a_closed_sample(presence: Ingest) -> None:
    day = presence([{"source": "closeout", "date": "2026-03-15", "closed": True}])
    assert day[date(2026, 3, 15)].closed


def test_a_transaction_after_midnight_belongs_to_the_evening_before(presence: Ingest) -> None:
    rows = [{"source": "transaction", "at": at(date(2026, 3, 15), "00:10"), "id": "T1"}]
    days = presence(rows)
    assert set(days) == {date(2026, 3, 14)}
    assert days[date(2026, 3, 14)].last_minute == 1450


def test_minutes_are_wall_clock_across_the_dst_change(presence: Ingest) -> None:
    """Saturday 2026-03-07's business day runs 04:00 CST to 04:00 CDT; Sunday's 10:00 is 600."""
    rows = [
        {"source": "transaction", "at": "2026-03-07T23:50:00-06:00", "id": "T1"},
        {"source": "transaction", "at": "2026-03-08T03:30:00-05:00", "id": "T2"},
        {"source": "transaction", "at": "2026-03-08T10:00:00-05:00", "id": "T3"},
    ]
    days = presence(rows)
    saturday, sunday = days[date(2026, 3, 7)], days[date(2026, 3, 8)]
    assert (saturday.first_minute, saturday.last_minute) == (1430, 1440 + 210)
    assert sunday.first_minute == sunday.last_minute == 600


def test_days_without_evidence_are_no_sample(presence: Ingest) -> None:
    days = presence([{"source": "transaction", "at": at(TUESDAY, "11:00"), "id": "T1"}])
    assert set(days) == {TUESDAY}
    assert days[TUESDAY].first_minute == 660
    assert days[TUESDAY].first_at == datetime(2026, 3, 17, 16, tzinfo=UTC)
