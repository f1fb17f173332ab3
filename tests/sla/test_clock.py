"""The service-level clock on hand-worked cases, to the minute (plain Python, no database).

The store is in Chicago (CST is UTC-6, CDT UTC-5): posted Mon-Sat 09:00-20:00, closed on
Sundays; its customers really stay until 21:30 on Fridays. The bar stays open 18:00-04:00
every day, across midnight and the daylight-saving nights of 2026 (March 8, November 1).
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from fieldops.coverage import StoreHours
from fieldops.sla import Checkpoint, Clock, ClockHours, Rules, Step, derive, reading

TZ = "America/Chicago"
POSTED = {d: (time(9), time(20)) for d in range(6)}
REAL = {**POSTED, 4: (time(9), time(21, 30))}
BAR = {d: (time(18), time(4)) for d in range(7)}

HIGH = Rules("high", Clock.CUSTOMER_HOURS, 60, 480)
MEDIUM = Rules("medium", Clock.CUSTOMER_HOURS, 240, 1440)
CRITICAL = Rules("critical", Clock.ALWAYS, 30, 240)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def store_hours(real: dict = REAL, posted: dict = POSTED, exceptions: dict | None = None):
    clocks = {
        Clock.CUSTOMER_HOURS: ClockHours(StoreHours(TZ, real, exceptions or {})),
        Clock.POSTED_HOURS: ClockHours(StoreHours(TZ, posted, exceptions or {})),
        Clock.ALWAYS: ClockHours(),
    }
    return clocks.__getitem__


def test_elapsed_counts_only_the_clocks_hours():
    real = store_hours()(Clock.CUSTOMER_HOURS)
    posted = store_hours()(Clock.POSTED_HOURS)
    # Friday 2026-12-04 19:30 CST to Saturday 10:00 CST
    start, end = utc(2026, 12, 5, 1, 30), utc(2026, 12, 5, 16, 0)
    assert real.seconds_between(start, end) == (120 + 60) * 60
    assert posted.seconds_between(start, end) == (30 + 60) * 60
    assert ClockHours().seconds_between(start, end) == 870 * 60


def test_reported_before_closing_on_a_friday_when_customers_stay_past_the_posted_close():
    # Friday 19:30 CST: 2 h of real customer time are left that evening, 30 min posted.
    reported = utc(2026, 12, 5, 1, 30)
    verdict = derive(reported, HIGH, [], store_hours(), reported)
    assert verdict.response.due_at == utc(2026, 12, 5, 2, 30)  # Friday 20:30 CST
    # 120 min on Friday, 360 of Saturday's 09:00-20:00: Saturday 15:00 CST
    assert verdict.resolve.due_at == utc(2026, 12, 5, 21, 0)

    posted = derive(
        reported, Rules("high", Clock.POSTED_HOURS, 60, 480), [], store_hours(), reported
    )
    assert posted.response.due_at == utc(2026, 12, 5, 15, 30)  # Saturday 09:30 CST
    # 30 min on Friday, 450 on Saturday: 16:30 CST
    assert posted.resolve.due_at == utc(2026, 12, 5, 22, 30)


def test_reported_on_a_closed_sunday_starts_counting_at_mondays_opening():
    reported = utc(2026, 12, 6, 20, 0)  # Sunday 14:00 CST
    verdict = derive(reported, HIGH, [], store_hours(), reported)
    assert verdict.response.due_at == utc(2026, 12, 7, 16, 0)  # Monday 10:00 CST
    assert verdict.resolve.due_at == utc(2026, 12, 7, 23, 0)  # Monday 17:00 CST
    # Two hours later nothing has elapsed: Sunday is not customer time.
    later = reading(verdict, utc(2026, 12, 6, 22, 0))
    assert later["response"] == {
        "due_at": utc(2026, 12, 7, 16, 0),
        "met_at": None,
        "state": "running",
        "remaining_minutes": 60,
    }


def test_critical_counts_every_hour():
    reported = utc(2026, 12, 6, 20, 0)  # a closed Sunday
    verdict = derive(reported, CRITICAL, [], store_hours(), reported)
    assert verdict.response.due_at == utc(2026, 12, 6, 20, 30)
    assert verdict.resolve.due_at == utc(2026, 12, 7, 0, 0)


def test_spring_forward_night_has_one_hour_less_of_customer_time():
    # Saturday 2026-03-07 23:00 CST; the bar closes Sunday 04:00 CDT, after 02:00 became 03:00:
    # four real hours are left that night (05:00 -> 09:00 UTC), not five.
    reported = utc(2026, 3, 8, 5, 0)
    hours = store_hours(real=BAR, posted=BAR)
    verdict = derive(reported, MEDIUM, [], hours, reported)
    assert verdict.response.due_at == utc(2026, 3, 8, 9, 0)  # Sunday 04:00 CDT
    # 240 that night + 600 on Sunday 18:00-04:00 CDT + 600 on Monday: Tuesday 04:00 CDT
    assert verdict.resolve.due_at == utc(2026, 3, 10, 9, 0)


def test_fall_back_night_has_one_hour_more_of_customer_time():
    # Saturday 2026-10-31 22:00 CDT; 4 h later it is 01:00 for the second time (CST).
    reported = utc(2026, 11, 1, 3, 0)
    hours = store_hours(real=BAR, posted=BAR)
    verdict = derive(reported, MEDIUM, [], hours, reported)
    assert verdict.response.due_at == utc(2026, 11, 1, 7, 0)  # 01:00 CST, not 01:00 CDT
    # 420 that night (22:00 CDT -> 04:00 CST is 03:00 -> 10:00 UTC, 7 h), 600 on Sunday
    # 18:00-04:00 CST, 420 more on Monday's from 18:00 CST: Tuesday 01:00 CST
    assert verdict.resolve.due_at == utc(2026, 11, 3, 7, 0)


def test_customers_after_midnight_count_on_the_evening_they_belong_to():
    # Tuesday 2026-12-08 03:00 CST: still inside Monday's 18:00-04:00 window.
    reported = utc(2026, 12, 8, 9, 0)
    hours = store_hours(real=BAR, posted=BAR)
    verdict = derive(reported, HIGH, [], hours, reported)
    # 60 min until 04:00 CST: the response is due at closing
    assert verdict.response.due_at == utc(2026, 12, 8, 10, 0)
    # 60 that night, then 420 of Tuesday's window: Wednesday 01:00 CST
    assert verdict.resolve.due_at == utc(2026, 12, 9, 7, 0)


def test_waiting_on_the_store_pauses_and_moves_the_due_time_by_the_paused_clock_minutes():
    reported = utc(2026, 12, 3, 16, 0)  # Thursday 10:00 CST
    paused, resumed = utc(2026, 12, 3, 16, 20), utc(2026, 12, 3, 20, 20)  # 10:20-14:20 CST
    steps = [Step(paused, paused=True, resolved=False, responded=True)]
    during = derive(reported, HIGH, steps, store_hours(), utc(2026, 12, 3, 18, 0))
    shown = reading(during, utc(2026, 12, 3, 19, 0))
    assert shown["paused"] is True
    assert shown["response"]["state"] == "met"
    assert shown["response"]["met_at"] == paused
    assert shown["resolve"] == {
        "due_at": None,
        "met_at": None,
        "state": "paused",
        "remaining_minutes": 460,
    }

    steps.append(Step(resumed, paused=False, resolved=False))
    after = derive(reported, HIGH, steps, store_hours(), resumed)
    # Without the pause: Thursday 18:00 CST. With 240 paused minutes inside the hours:
    # 340 more on Thursday (14:20-20:00), 120 on Friday: 11:00 CST.
    assert after.resolve.due_at == utc(2026, 12, 4, 17, 0)
    assert reading(after, resumed)["resolve"]["remaining_minutes"] == 460


def test_a_pause_outside_the_clocks_hours_moves_nothing():
    reported = utc(2026, 12, 3, 16, 0)  # Thursday 10:00 CST
    steps = [
        Step(utc(2026, 12, 4, 2, 30), paused=True, resolved=False),  # Thursday 20:30 CST
        Step(utc(2026, 12, 4, 14, 0), paused=False, resolved=False),  # Friday 08:00 CST
    ]
    verdict = derive(reported, MEDIUM, steps, store_hours(), utc(2026, 12, 4, 14, 0))
    plain = derive(reported, MEDIUM, [], store_hours(), utc(2026, 12, 4, 14, 0))
    assert verdict.resolve.due_at == plain.resolve.due_at


def test_a_severity_changed_midway_keeps_the_elapsed_minutes():
    reported = utc(2026, 12, 3, 16, 0)  # Thursday 10:00 CST, medium
    changed = utc(2026, 12, 3, 16, 30)  # 10:30 CST: high
    steps = [Step(changed, checkpoint=Checkpoint(HIGH, 30 * 60, 30 * 60))]
    verdict = derive(reported, MEDIUM, steps, store_hours(), changed)
    assert verdict.rules == HIGH
    assert verdict.response.due_at == utc(2026, 12, 3, 17, 0)  # 30 left: 11:00 CST
    assert verdict.resolve.due_at == utc(2026, 12, 4, 0, 0)  # 450 left: 18:00 CST


def test_a_severity_raised_to_critical_counts_every_hour_from_then_on():
    reported = utc(2026, 12, 4, 1, 0)  # Thursday 19:00 CST, high
    changed = utc(2026, 12, 4, 1, 20)  # 19:20 CST: critical, on the always clock
    steps = [Step(changed, checkpoint=Checkpoint(CRITICAL, 20 * 60, 20 * 60))]
    verdict = derive(reported, HIGH, steps, store_hours(), changed)
    assert verdict.clock == Clock.ALWAYS
    assert verdict.response.due_at == utc(2026, 12, 4, 1, 30)  # 10 left: 19:30 CST
    assert verdict.resolve.due_at == utc(2026, 12, 4, 5, 0)  # 220 left: 23:00 CST


def test_a_checkpoint_keeps_minutes_that_elapsed_under_other_hours():
    # Learned hours changed at Thursday 12:00 CST, when 90 minutes had elapsed (say a
    # longer morning than today's hours show): the 90 stand, the rest follows the new hours.
    reported = utc(2026, 12, 3, 16, 0)
    at = utc(2026, 12, 3, 18, 0)
    steps = [Step(at, checkpoint=Checkpoint(MEDIUM, 90 * 60, 90 * 60))]
    verdict = derive(reported, MEDIUM, steps, store_hours(), at)
    assert verdict.response.due_at == utc(2026, 12, 3, 20, 30)  # 150 left: 14:30 CST
    assert verdict.response.elapsed == 90 * 60


def test_reopening_resumes_the_resolution_clock_and_a_met_response_stays_met():
    reported = utc(2026, 12, 3, 16, 0)  # Thursday 10:00 CST
    resolved = utc(2026, 12, 3, 16, 40)  # 10:40 CST by an engineer: responded too
    reopened = utc(2026, 12, 3, 21, 0)  # 15:00 CST by the manager
    steps = [
        Step(resolved, paused=False, resolved=True, responded=True),
        Step(reopened, paused=False, resolved=False),
    ]
    closed = derive(reported, HIGH, steps[:1], store_hours(), utc(2026, 12, 3, 20, 0))
    assert closed.resolve.state == "met" and closed.resolve.met_at == resolved
    assert reading(closed, utc(2026, 12, 10))["resolve"]["remaining_minutes"] == 440  # frozen

    verdict = derive(reported, HIGH, steps, store_hours(), reopened)
    assert verdict.response.state == "met" and verdict.response.met_at == resolved
    # 440 left from 15:00 CST: 300 on Thursday, 140 on Friday: 11:20 CST
    assert verdict.resolve.met_at is None
    assert verdict.resolve.due_at == utc(2026, 12, 4, 17, 20)


def test_a_breach_reads_negative_minutes_and_keeps_its_due_time():
    reported = utc(2026, 12, 3, 16, 0)  # Thursday 10:00 CST
    verdict = derive(reported, HIGH, [], store_hours(), reported)
    shown = reading(verdict, utc(2026, 12, 3, 17, 30))  # 11:30 CST
    assert shown["response"] == {
        "due_at": utc(2026, 12, 3, 17, 0),
        "met_at": None,
        "state": "breached",
        "remaining_minutes": -30,
    }
    late = derive(
        reported,
        HIGH,
        [Step(utc(2026, 12, 3, 17, 10), responded=True)],
        store_hours(),
        utc(2026, 12, 3, 18, 0),
    )
    assert late.response.state == "breached"
    assert late.response.met_at == utc(2026, 12, 3, 17, 10)


def test_a_store_without_hours_in_the_next_14_days_falls_back_to_every_hour():
    reported = utc(2026, 12, 3, 16, 0)
    closed = {datetime(2026, 12, day).date(): None for day in range(1, 32)}
    verdict = derive(reported, HIGH, [], store_hours(exceptions=closed), reported)
    assert verdict.clock == Clock.ALWAYS and verdict.fallback
    assert verdict.response.due_at == utc(2026, 12, 3, 17, 0)
    assert verdict.resolve.due_at == utc(2026, 12, 4, 0, 0)


def test_a_cached_verdict_reads_the_same_as_a_fresh_one():
    reported = utc(2026, 12, 5, 1, 30)
    steps = [
        Step(utc(2026, 12, 5, 1, 40), paused=True, resolved=False, responded=True),
        Step(utc(2026, 12, 5, 15, 30), paused=False, resolved=False),
    ]
    verdict = derive(reported, HIGH, steps, store_hours(), utc(2026, 12, 5, 16, 0))
    later = utc(2026, 12, 5, 19, 45)
    fresh = derive(reported, HIGH, steps, store_hours(), later)
    again = type(verdict).from_json(verdict.as_json())
    assert reading(again, later) == reading(fresh, later)


def test_ordinary_hours_across_the_spring_forward_weekend():
    # Saturday 2026-03-07 19:30 CST, medium: 30 min on Saturday, Sunday closed (and the
    # clocks go forward), the other 210 from Monday 09:00 CDT (14:00 UTC): 12:30 CDT.
    reported = utc(2026, 3, 8, 1, 30)
    verdict = derive(reported, MEDIUM, [], store_hours(), reported)
    assert verdict.response.due_at == utc(2026, 3, 9, 17, 30)


def test_learned_hours_past_midnight_keep_counting_after_the_date_changes():
    # Customers are learned to stay until 01:00 after Fridays; reported Friday 23:30 CST.
    late = {**POSTED, 4: (time(9), time(1))}
    reported = utc(2026, 12, 5, 5, 30)
    verdict = derive(reported, HIGH, [], store_hours(real=late), reported)
    assert verdict.response.due_at == utc(2026, 12, 5, 6, 30)  # Saturday 00:30 CST
    # 90 that night, 390 on Saturday from 09:00: 15:30 CST
    assert verdict.resolve.due_at == utc(2026, 12, 5, 21, 30)
    posted = derive(reported, HIGH, [], store_hours(real=POSTED), reported)
    assert posted.response.due_at == utc(2026, 12, 5, 16, 0)  # Saturday 10:00 CST
