"""Accuracy: hours learned from 8 weeks of simulated evidence against the known truth.

A dozen stores (fieldops.demo.truths.varied_truths) post hours that differ from
when their customers really come; 8 weeks of noisy evidence from every source (staff
devices, passers-by, missing exports, close-outs, engineers' observations), spanning the
2026-03-08 daylight-saving change, go in through the same services as the API; then
hours are recomputed and compared with the truth.

The generator and this test were developed against seeds 1-3 (DEV_SEEDS); the
assertions run on seeds 1001-1005, fixed before their results were seen; the estimator
was not tuned on any of them. Posted hours alone are right for only about 65% of
store-weekdays, so the bar of 95% cannot be met by falling back to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask

from fieldops.auth.models import Role, User
from fieldops.clock import business_date
from fieldops.demo.simulation import Evidence, StoreTruth, simulate, window
from fieldops.demo.truths import PRESIDENTS_DAY_2026, varied_truths
from fieldops.extensions import db
from fieldops.hours.ingest import ingest_signals
from fieldops.hours.learning import recompute
from fieldops.hours.services import hours_for
from fieldops.observations.schemas import ObservationCreateSchema
from fieldops.observations.services import create_observation
from fieldops.stores.models import Store
from tests.builders import Builder

NOW = datetime(2026, 3, 23, 12, tzinfo=UTC)  # Monday; every US store is in its Monday
LAST = date(2026, 3, 22)  # yesterday's business day closes the 56-day window
FIRST = LAST - timedelta(days=55)  # 2026-01-26, so 2026-03-08 (DST) is inside
STORES = 12
TOLERANCE = 15  # minutes
REQUIRED_SHARE = 0.95
DEV_SEEDS = (1, 2, 3)  # what the estimator was developed with; not asserted on
SEEDS = (1001, 1002, 1003, 1004, 1005)
BATCH = 10_000
CUTOFF = time(4)  # business days run 04:00 to 04:00 (HOURS_BUSINESS_DAY_CUTOFF)


@dataclass
class Learned:
    truth: StoreTruth
    evidence: Evidence
    hours: dict[str, Any]  # hours_for(store): the GET /api/stores/<id>/hours shape

    def real(self, weekday: int) -> dict[str, Any]:
        return self.hours["real"][weekday]


def as_time(value: time | str | None) -> time | None:
    return time.fromisoformat(value) if isinstance(value, str) else value


def errors(truth: StoreTruth, entry: dict[str, Any]) -> tuple[int, int] | None:
    """(opening, closing) error in minutes; None when one side is closed and the other not."""
    true = truth.hours.get(entry["weekday"])
    opens, closes = as_time(entry["opens"]), as_time(entry["closes"])
    if true is None or opens is None:
        return (0, 0) if true is None and opens is None else None
    (o, c), (lo, lc) = window(true), window((opens, closes))
    return lo - o, lc - c


def right(truth: StoreTruth, entry: dict[str, Any]) -> bool:
    found = errors(truth, entry)
    return found is not None and max(map(abs, found)) <= TOLERANCE


def store_for(build: Builder, truth: StoreTruth) -> Store:
    posted = [(d, o, c) for d, hours in sorted(truth.posted.items()) if hours for o, c in [hours]]
    holidays = [
        {"date": d, "closed": True, "note": "Holiday"}
        for d in sorted(truth.holidays)
        if FIRST <= d <= LAST
    ]
    return build.store(hours=posted, exceptions=holidays, timezone=truth.timezone)


def learn(app: Flask, build: Builder, seed: int) -> list[Learned]:
    """Stores built from the truths of `seed`, their evidence ingested, hours recomputed."""
    truths = varied_truths(STORES, seed)
    engineer = build.user(Role.ENGINEER)
    stores = [store_for(build, truth) for truth in truths]
    with app.app_context():
        author = db.session.get(User, engineer.id)
        found = []
        for truth, built in zip(truths, stores, strict=True):
            store = db.session.get(Store, built.id)
            evidence = simulate(truth, FIRST, LAST, seed, store_id=store.id)
            rows = evidence.rows
            for start in range(0, len(rows), BATCH):
                result = ingest_signals(store, rows[start : start + BATCH], NOW)
                assert not result.rejected, result.rejected[:3]
            for body in evidence.observations:
                create_observation(ObservationCreateSchema().load(body), author, NOW)
            found.append((truth, evidence, store.id))
        db.session.commit()
        recompute(NOW)
        db.session.commit()
        return [
            Learned(truth, evidence, hours_for(db.session.get(Store, store_id)))
            for truth, evidence, store_id in found
        ]


def scored(learned: list[Learned]) -> list[tuple[str, int, bool, tuple[int, int] | None]]:
    """(store, weekday, right, errors) of every store-weekday with 8 weeks of evidence."""
    return [
        (
            item.truth.key,
            weekday,
            right(item.truth, item.real(weekday)),
            errors(item.truth, item.real(weekday)),
        )
        for item in learned
        if item.truth.evidence_days is None
        for weekday in range(7)
    ]


def report(seed: int, scores: list[tuple[str, int, bool, tuple[int, int] | None]]) -> str:
    share = sum(ok for *_, ok, _ in scores) / len(scores)
    misses = [f"{key} weekday {day}: {err}" for key, day, ok, err in scores if not ok]
    return f"seed {seed}: {share:.1%} within {TOLERANCE} min; misses: {misses}"


def posted_share(learned: list[Learned]) -> float:
    """How often the posted hours themselves are within tolerance of the truth."""
    entries = [
        (item.truth, {"weekday": d, "opens": o, "closes": c})
        for item in learned
        if item.truth.evidence_days is None
        for d in range(7)
        for o, c in [item.truth.posted.get(d) or (None, None)]
    ]
    return sum(right(truth, entry) for truth, entry in entries) / len(entries)


@pytest.fixture
def frozen(time_machine: Any) -> datetime:
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.mark.parametrize("seed", SEEDS)
def test_learned_hours_are_within_15_minutes_of_the_truth(
    app: Flask, build: Builder, frozen: datetime, seed: int
) -> None:
    learned = learn(app, build, seed)
    scores = scored(learned)
    share = sum(ok for *_, ok, _ in scores) / len(scores)
    assert share >= REQUIRED_SHARE, report(seed, scores)
    assert posted_share(learned) < 0.8, "posted hours alone would pass: the test has no teeth"

    by_key = {item.truth.key: item for item in learned}
    posted_hours_stand_where_evidence_is_thin(by_key["two-days-los-angeles"])
    a_holiday_is_left_out(by_key["dst-late-chicago"], PRESIDENTS_DAY_2026)
    saturday_closes_after_midnight(by_key["midnight-saturday-new-york"])
    a_day_posted_open_without_customers_is_closed(by_key["sunday-never-denver"], weekday=6)


def posted_hours_stand_where_evidence_is_thin(item: Learned) -> None:
    """Two days of evidence: every weekday shows the posted hours, marked "posted"."""
    assert item.truth.evidence_days == 2
    for weekday in range(7):
        entry = item.real(weekday)
        posted = item.truth.posted.get(weekday)
        assert entry["basis"] == "posted"
        assert (as_time(entry["opens"]), as_time(entry["closes"])) == (posted or (None, None))


def a_holiday_is_left_out(item: Learned, holiday: date) -> None:
    """The holiday sent evidence of a closed day, yet it is no sample: its weekday stays open."""
    sent = days_with_evidence(item)
    assert holiday in sent and item.truth.hours.get(holiday.weekday())
    same_weekday = {d for d in sent if d.weekday() == holiday.weekday() and d != holiday}
    entry = item.real(holiday.weekday())
    assert entry["sample_days"] == len(same_weekday)
    assert entry["basis"] == "observed" and right(item.truth, entry)


def saturday_closes_after_midnight(item: Learned) -> None:
    """Customers stay until about 00:30: the close is learned after midnight (<= opens)."""
    assert window(item.truth.hours[5])[1] > 1440
    entry = item.real(5)
    opens, closes = as_time(entry["opens"]), as_time(entry["closes"])
    assert closes <= opens and closes <= time(1)
    assert right(item.truth, entry)


def a_day_posted_open_without_customers_is_closed(item: Learned, weekday: int) -> None:
    assert item.truth.posted.get(weekday) and not item.truth.hours.get(weekday)
    entry = item.real(weekday)
    assert entry["basis"] == "observed" and entry["opens"] is None and entry["closes"] is None


def days_with_evidence(item: Learned) -> set[date]:
    """Business days on which the store sent anything (a day with nothing is no sample)."""
    tz = item.truth.timezone
    days = {date.fromisoformat(row["date"]) for row in item.evidence.closeouts}
    times = [row.get("start") or row["at"] for row in item.evidence.signals]
    times += [body["observed_at"] for body in item.evidence.observations]
    return days | {business_date(datetime.fromisoformat(at), tz, CUTOFF) for at in times}
