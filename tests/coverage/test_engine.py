"""Coverage minutes checked against values worked out by hand.

Week of Monday 2026-03-02. US daylight saving starts Sunday 2026-03-08 at 02:00
(Chicago goes from UTC-6 to UTC-5); Phoenix stays at UTC-7 all year.
"""

from __future__ import annotations

from datetime import date, time

from fieldops.coverage.engine import ShiftPlan, StoreHours, coverage
from fieldops.coverage.intervals import union

MON = date(2026, 3, 2)
CHICAGO, PHOENIX = "America/Chicago", "America/Phoenix"


def t(hhmm: str) -> time:
    return time.fromisoformat(hhmm)


def store(weekly: dict, tz: str = CHICAGO, exceptions: dict | None = None) -> StoreHours:
    return StoreHours(tz, weekly, exceptions or {})


def support(*shifts: ShiftPlan, first: date = MON, last: date = date(2026, 3, 15)) -> list:
    return union(w for s in shifts for w in s.windows(first, last))


def shift(weekdays, start: str, end: str, tz: str = CHICAGO, **kw) -> ShiftPlan:
    return ShiftPlan(1, tz, frozenset(weekdays), t(start), t(end), **kw)


MON_SAT_9_20 = {d: (t("09:00"), t("20:00")) for d in range(6)}


def test_weekday_shift_leaves_evenings_and_saturday_uncovered():
    # Customers Mon-Sat 09:00-20:00 = 6 x 660 = 3960 min; support Mon-Fri 08:00-18:00
    # covers 09:00-18:00 = 540 a weekday, 2700 in all; uncovered 5 x 120 + 660 = 1260.
    result = coverage(store(MON_SAT_9_20), MON, 7, support(shift(range(5), "08:00", "18:00")))
    assert (result.customer_minutes, result.covered_minutes) == (3960, 2700)
    assert result.percent == 68.18
    assert [g.minutes for g in result.gaps] == [120] * 5 + [660]
    assert result.gaps[0].start.isoformat() == "2026-03-02T18:00:00-06:00"
    assert result.uncovered_by_weekday == [120, 120, 120, 120, 120, 660, 0]


def test_a_shift_in_a_zone_without_dst_across_the_change():
    # Support 07:00-16:00 Phoenix (UTC-7) every day; store 09:00-20:00 Chicago every day.
    # Saturday 7 March (CST, UTC-6): support is 08:00-17:00 Chicago -> 09:00-17:00 = 480.
    # Sunday 8 March (CDT, UTC-5): support is 09:00-18:00 Chicago -> 540.
    daily = {d: (t("09:00"), t("20:00")) for d in range(7)}
    result = coverage(
        store(daily), date(2026, 3, 7), 2, support(shift(range(7), "07:00", "16:00", tz=PHOENIX))
    )
    assert (result.customer_minutes, result.covered_minutes) == (1320, 1020)
    assert [(g.start.isoformat(), g.minutes) for g in result.gaps] == [
        ("2026-03-07T17:00:00-06:00", 180),
        ("2026-03-08T18:00:00-05:00", 120),
    ]
    assert result.percent == 77.27


def test_a_store_day_across_the_dst_night_is_an_hour_shorter():
    # Saturday 7 March 10:00 to Sunday 03:00 Chicago spans the 02:00->03:00 jump: 16 h, not 17.
    result = coverage(store({5: (t("10:00"), t("03:00"))}), date(2026, 3, 7), 1, [])
    assert result.customer_minutes == 16 * 60 and result.covered_minutes == 0
    assert result.percent == 0.0


def test_a_shift_past_midnight():
    # Friday 6 March: customers 10:00 to 01:00 Saturday (900 min); support Fridays
    # 18:00-02:00 covers 18:00-01:00 = 420; its Saturday 00:00-02:00 part is no help on
    # Saturday, whose customers come 10:00-16:00 (360, uncovered).
    hours = store({4: (t("10:00"), t("01:00")), 5: (t("10:00"), t("16:00"))})
    result = coverage(hours, date(2026, 3, 6), 2, support(shift([4], "18:00", "02:00")))
    assert (result.customer_minutes, result.covered_minutes) == (900 + 360, 420)
    assert [g.minutes for g in result.gaps] == [480, 360]


def test_overlapping_shifts_count_once():
    # Monday 08:00-14:00 and 12:00-20:00 overlap; together 08:00-20:00 cover 09:00-20:00.
    both = support(shift([0], "08:00", "14:00"), shift([0], "12:00", "20:00"))
    result = coverage(store(MON_SAT_9_20), MON, 1, both)
    assert (result.customer_minutes, result.covered_minutes, result.gaps) == (660, 660, [])
    assert result.percent == 100.0


def test_no_shifts_and_no_customers():
    assert coverage(store(MON_SAT_9_20), MON, 7, []).covered_minutes == 0
    closed = coverage(store({}), MON, 7, support(shift(range(7), "00:00", "00:00")))
    assert closed.customer_minutes == 0 and closed.percent is None


def test_a_holiday_exception_has_no_customer_minutes():
    # Monday 2 March closed for a holiday; Tuesday special hours 12:00-16:00.
    hours = store(MON_SAT_9_20, exceptions={MON: None, date(2026, 3, 3): (t("12:00"), t("16:00"))})
    result = coverage(hours, MON, 2, support(shift(range(7), "08:00", "14:00")))
    assert (result.customer_minutes, result.covered_minutes) == (240, 120)


def test_shift_exceptions_a_day_off_and_an_extra_window():
    # Mon-Fri 09:00-20:00 shift, off on Wednesday 4 March; a one-off Saturday 09:00-13:00.
    plan = shift(
        range(5),
        "09:00",
        "20:00",
        off=frozenset({date(2026, 3, 4)}),
        extra=((date(2026, 3, 7), t("09:00"), t("13:00")),),
    )
    result = coverage(store(MON_SAT_9_20), MON, 7, support(plan))
    assert result.covered_minutes == 4 * 660 + 240
    assert result.uncovered_by_weekday == [0, 0, 660, 0, 0, 420, 0]
