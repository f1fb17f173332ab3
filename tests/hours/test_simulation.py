"""The evidence generator: valid payloads, the noise it promises, DST, determinism."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from fieldops.demo.simulation import (
    DOOR,
    TRANSACTION,
    WIFI,
    Evidence,
    StoreTruth,
    simulate,
    window,
)
from fieldops.demo.truths import varied_truths
from fieldops.hours.schemas import ROW_SCHEMAS
from fieldops.observations.schemas import HoursFieldsSchema

FIRST, LAST = date(2026, 1, 26), date(2026, 3, 22)  # 8 weeks across the 2026-03-08 DST change
OFFSET = re.compile(r"[+-]\d\d:\d\d$")
CUTOFF = timedelta(hours=4)
WEEKDAYS = dict.fromkeys(range(6), (time(9), time(20)))  # Mon-Sat 09-20, Sunday closed
CHICAGO = StoreTruth(
    "chicago", "America/Chicago", WEEKDAYS, holidays=frozenset({date(2026, 2, 16)})
)


def business_day(at: str, tz: str) -> date:
    local = datetime.fromisoformat(at).astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    return (local - CUTOFF).date()


def wall_minute(at: str, tz: str, day: date) -> float:
    """Wall-clock minutes from the local midnight that starts business day `day`."""
    local = datetime.fromisoformat(at).astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    return (local - datetime.combine(day, time())).total_seconds() / 60


def by_day(evidence: Evidence, source: str, tz: str) -> dict[date, list[dict]]:
    days: dict[date, list[dict]] = defaultdict(list)
    for row in evidence.signals:
        if row["source"] == source:
            days[business_day(row.get("start") or row["at"], tz)].append(row)
    return days


def minutes_of(hhmm: str) -> int:
    h, m = map(int, hhmm.split(":"))
    return h * 60 + m


@pytest.fixture(scope="module")
def chicago() -> Evidence:
    return simulate(CHICAGO, FIRST, LAST, seed=1)


@pytest.fixture(scope="module")
def many() -> list[tuple[StoreTruth, Evidence]]:
    """A dozen varied stores over 8 weeks."""
    return [(t, simulate(t, FIRST, LAST, seed=2)) for t in varied_truths(12, seed=2)]


def test_every_row_is_a_valid_api_payload(many: list[tuple[StoreTruth, Evidence]]) -> None:
    for truth, evidence in many:
        zone = ZoneInfo(truth.timezone)
        for row in evidence.rows:
            ROW_SCHEMAS[row["source"]].load(row)  # raises on anything the API would reject
            for key in ("start", "end", "at"):
                if key in row:  # the offset is the store's own at that instant
                    assert OFFSET.search(row[key]), row
                    local = datetime.fromisoformat(row[key]).astimezone(zone)
                    assert local.isoformat() == row[key]
        for body in evidence.observations:
            assert body["category"] == "hours"
            assert OFFSET.search(body["observed_at"])
            HoursFieldsSchema().load(body["fields"])


def test_times_fall_within_their_business_day(many: list[tuple[StoreTruth, Evidence]]) -> None:
    for truth, evidence in many:
        tz = truth.timezone
        for row in evidence.signals:
            day = business_day(row.get("start") or row["at"], tz)
            assert FIRST <= day <= LAST
            if row["source"] == WIFI:
                assert business_day(row["end"], tz) == day
                assert datetime.fromisoformat(row["start"]) < datetime.fromisoformat(row["end"])
        for row in evidence.closeouts:
            assert FIRST <= date.fromisoformat(row["date"]) <= LAST


def test_customers_come_at_the_true_hours(many: list[tuple[StoreTruth, Evidence]]) -> None:
    for truth, evidence in many:
        for day, presence in evidence.truth.items():
            hours = truth.hours_on(day)
            assert (presence is None) == (hours is None)
            if presence is not None:
                opens, closes = window(hours)
                assert opens <= presence[0] <= opens + 10
                assert closes - 10 <= presence[1] <= closes + 10


def test_closeouts_give_the_last_customer_within_minutes(chicago: Evidence) -> None:
    for row in chicago.closeouts:
        day = date.fromisoformat(row["date"])
        presence = chicago.truth[day]
        if presence is None:
            assert row == {"source": "closeout", "date": row["date"], "closed": True}
        else:
            assert abs(minutes_of(row["last_customer_at"]) - presence[1]) <= 3.5
    assert 0.35 < len(chicago.closeouts) / len(chicago.truth) < 0.65


def test_staff_devices_span_the_day_and_passers_by_are_short(chicago: Evidence) -> None:
    tz = CHICAGO.timezone
    staff_counts = set()
    for day, sessions in by_day(chicago, WIFI, tz).items():
        spans: dict[str, list[float]] = {}
        for s in sessions:
            a, b = wall_minute(s["start"], tz, day), wall_minute(s["end"], tz, day)
            first_last = spans.setdefault(s["device"], [a, b])
            first_last[0], first_last[1] = min(first_last[0], a), max(first_last[1], b)
        staff = {d for d, (a, b) in spans.items() if b - a >= 6 * 60}
        presence = chicago.truth[day]
        if presence is None:  # closed: nobody but passers-by, a few minutes each
            assert not staff
            assert all(b - a <= 4.02 for a, b in spans.values())
            assert sessions, "passers-by connect on closed days too"
        else:
            staff_counts.add(len(staff))
            opens, closes = window(CHICAGO.hours_on(day))
            for d in staff:
                assert opens - 60 <= spans[d][0] <= opens - 20
                assert closes + 10 <= spans[d][1] <= closes + 45
            short = [b - a for d, (a, b) in spans.items() if b - a < 5]
            assert short and all(minutes >= 1 for minutes in short)
    assert len(staff_counts) == 1 and 3 <= staff_counts.pop() <= 8  # the same staff every day


def test_about_one_day_in_ten_has_no_export_per_source() -> None:
    truth = StoreTruth("year", "America/New_York", dict.fromkeys(range(7), (time(9), time(20))))
    first, last = date(2025, 1, 1), date(2025, 12, 31)
    evidence = simulate(truth, first, last, seed=3)
    days = (last - first).days + 1
    reported = {s: by_day(evidence, s, truth.timezone) for s in (WIFI, DOOR, TRANSACTION)}
    missing = {s: 1 - len(found) / days for s, found in reported.items()}
    assert all(0.06 < share < 0.14 for share in missing.values()), missing
    both = set(reported[WIFI]) | set(reported[DOOR])
    assert len(both) > len(reported[WIFI]), "sources miss days independently"


def test_door_bins_cover_the_whole_day_even_when_closed(chicago: Evidence) -> None:
    bins = by_day(chicago, DOOR, CHICAGO.timezone)
    sunday = next(d for d in bins if d.weekday() == 6)
    assert len(bins[sunday]) == 96
    assert all(b["entries"] == b["exits"] == 0 for b in bins[sunday])
    monday = next(d for d in bins if d.weekday() == 0 and d not in CHICAGO.holidays)
    assert sum(b["entries"] for b in bins[monday]) == sum(b["exits"] for b in bins[monday]) > 0


def test_a_holiday_has_no_customers(chicago: Evidence) -> None:
    holiday = date(2026, 2, 16)
    assert chicago.truth[holiday] is None
    assert not by_day(chicago, TRANSACTION, CHICAGO.timezone).get(holiday)
    assert all(b["entries"] == 0 for b in by_day(chicago, DOOR, CHICAGO.timezone)[holiday])


def test_offsets_follow_daylight_saving(chicago: Evidence) -> None:
    bins = by_day(chicago, DOOR, CHICAGO.timezone)
    before, change, after = date(2026, 3, 6), date(2026, 3, 7), date(2026, 3, 9)
    assert {b["start"][-6:] for b in bins[before]} == {"-06:00"}
    assert {b["start"][-6:] for b in bins[after]} == {"-05:00"}
    # The business day of Saturday 03-07 runs 04:00 CST to 04:00 CDT: 23 hours, 92 bins.
    assert len(bins[change]) == 92
    starts = [datetime.fromisoformat(b["start"]) for b in bins[change]]
    assert all(b - a == timedelta(minutes=15) for a, b in zip(starts, starts[1:], strict=False))
    assert starts[0].isoformat() == "2026-03-07T04:00:00-06:00"
    assert starts[-1].isoformat() == "2026-03-08T03:45:00-05:00"
    wifi = by_day(chicago, WIFI, CHICAGO.timezone)
    assert {s["start"][-6:] for s in wifi[before]} == {"-06:00"}
    assert {s["start"][-6:] for s in wifi[after]} == {"-05:00"}


def test_customers_past_midnight_belong_to_saturday() -> None:
    truth = next(t for t in varied_truths(5) if t.key == "midnight-saturday-new-york")
    assert truth.hours[5] == (time(10), time(0, 30))
    evidence = simulate(truth, FIRST, LAST, seed=4)
    saturdays = [d for d in evidence.truth if d.weekday() == 5]
    assert all(evidence.truth[d][1] > 1440 for d in saturdays)
    late = [r for r in evidence.closeouts if date.fromisoformat(r["date"]).weekday() == 5]
    assert late and all("00:15" <= r["last_customer_at"] <= "00:45" for r in late)
    # Customers' Wi-Fi after midnight is dated the next calendar day but the same business day.
    after_midnight = [
        s
        for s in evidence.signals
        if s["source"] == WIFI and s["end"][11:13] == "00" and s["end"][:10] != s["start"][:10]
    ]
    assert after_midnight
    assert all(business_day(s["end"], truth.timezone).weekday() == 5 for s in after_midnight)


def test_a_store_with_two_days_of_evidence() -> None:
    truth = next(t for t in varied_truths(5) if t.evidence_days == 2)
    evidence = simulate(truth, FIRST, LAST, seed=5)
    days = {business_day(r.get("start") or r["at"], truth.timezone) for r in evidence.signals}
    days |= {date.fromisoformat(r["date"]) for r in evidence.closeouts}
    assert days <= {LAST - timedelta(days=1), LAST} and days


def test_row_counts_stay_moderate(many: list[tuple[StoreTruth, Evidence]]) -> None:
    for _truth, evidence in many:
        days = len(evidence.truth)
        assert 10 * days <= len(evidence.rows) <= 300 * days


def test_the_same_seed_gives_the_same_evidence() -> None:
    truths = varied_truths(6, seed=9)
    assert truths == varied_truths(6, seed=9)
    assert truths[5:] != varied_truths(6, seed=10)[5:]
    a = simulate(truths[0], FIRST, LAST, seed=9)
    assert a == simulate(truths[0], FIRST, LAST, seed=9)
    assert a.rows != simulate(truths[0], FIRST, LAST, seed=10).rows


def test_varied_truths_cover_the_cases_that_matter() -> None:
    truths = varied_truths(12, seed=0)
    zones = {t.timezone for t in truths}
    assert {"America/Phoenix", "America/New_York", "America/Chicago"} <= zones
    assert any(t.hours.get(5) and window(t.hours[5])[1] > 1440 for t in truths)
    assert any(t.hours.get(6) is None for t in truths)
    assert any(t.posted.get(6) and t.hours.get(6) is None for t in truths)
    assert [t.evidence_days for t in truths].count(2) == 1
    assert any(date(2026, 2, 16) in t.holidays for t in truths)
    assert len({t.key for t in truths}) == 12
