"""The estimator on hand-made samples: quantiles, closed days, thin evidence, midnight."""

from __future__ import annotations

from datetime import time

from fieldops.hours.estimate import Sample, Settings, estimate_weekday, quantile
from fieldops.hours.models import HoursBasis

SETTINGS = Settings(
    window_days=56, min_sample_days=4, open_quantile=0.2, close_quantile=0.8, round_minutes=5
)
POSTED = (time(9), time(20))


def days(*spans: tuple[int, int]) -> list[Sample]:
    return [Sample(False, first, last) for first, last in spans]


def test_quantile_interpolates():
    assert quantile([0, 10, 20, 30, 40], 0.5) == 20
    assert quantile([0, 10], 0.8) == 8
    assert quantile([7], 0.2) == 7


def test_fewer_than_four_days_leave_the_posted_hours():
    estimate = estimate_weekday(4, days((600, 1300), (610, 1310), (605, 1290)), POSTED, SETTINGS)
    assert estimate.basis == HoursBasis.POSTED
    assert (estimate.opens, estimate.closes, estimate.sample_days) == (time(9), time(20), 3)
    assert estimate.confidence == 0.0


def test_open_is_a_low_quantile_of_first_and_close_a_high_quantile_of_last():
    samples = days(*[(9 * 60 + d, 21 * 60 + 25 + d) for d in (0, 2, 4, 6, 8, 10, 12, 14)])
    estimate = estimate_weekday(4, samples, POSTED, SETTINGS)
    assert estimate.basis == HoursBasis.OBSERVED and estimate.sample_days == 8
    # firsts 540..554: q0.2 = 543 -> 09:05 (rounded to 5 min); lasts 1285..1299: q0.8 -> 21:35
    assert (estimate.opens, estimate.closes) == (time(9, 5), time(21, 35))
    assert 0.8 < estimate.confidence <= 1


def test_customers_past_midnight_close_the_next_day():
    samples = days(*[(600, 1440 + 25 + d) for d in range(5)])
    estimate = estimate_weekday(5, samples, POSTED, SETTINGS)
    assert estimate.closes == time(0, 30) and estimate.closes <= estimate.opens


def test_mostly_closed_days_learn_a_closed_weekday():
    samples = [Sample(True)] * 5 + days((600, 1000), (610, 990))
    estimate = estimate_weekday(6, samples, None, SETTINGS)
    assert estimate.basis == HoursBasis.OBSERVED
    assert (estimate.opens, estimate.closes) == (None, None)


def test_scattered_evidence_lowers_confidence():
    tight = estimate_weekday(0, days(*[(540, 1200)] * 8), POSTED, SETTINGS)
    loose = estimate_weekday(
        0, days(*[(540 + 40 * i, 1200 - 30 * i) for i in range(8)]), POSTED, SETTINGS
    )
    assert tight.confidence > loose.confidence
    few = estimate_weekday(0, days(*[(540, 1200)] * 4), POSTED, SETTINGS)
    assert few.confidence < tight.confidence
