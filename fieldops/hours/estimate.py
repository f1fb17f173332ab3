"""Learning a weekday's real hours from its daily presence samples (pure functions).

Over the trailing window, per weekday: the real opening is a low quantile of the days'
first presence, the real closing a high quantile of their last presence, rounded. With
fewer sample days than the minimum, the posted hours stand (basis "posted"). A weekday
on which most samples are closed days is learned as closed.

Confidence (0 to 1) grows with the number of open sample days (full at one a week over
the window) and shrinks with the spread of the evidence: coverage / (1 + spread / 60),
the spread being the larger interquartile range of first and last presence, in minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time

from flask import current_app

from fieldops.clock import MINUTES_A_DAY
from fieldops.hours.models import HoursBasis


@dataclass(frozen=True)
class Sample:
    """One business day: closed, or the minutes of first and last presence."""

    closed: bool
    first: int | None = None
    last: int | None = None


@dataclass(frozen=True)
class Settings:
    window_days: int
    min_sample_days: int
    open_quantile: float
    close_quantile: float
    round_minutes: int

    @classmethod
    def from_config(cls) -> Settings:
        config = current_app.config
        return cls(
            window_days=config["HOURS_WINDOW_DAYS"],
            min_sample_days=config["HOURS_MIN_SAMPLE_DAYS"],
            open_quantile=config["HOURS_OPEN_QUANTILE"],
            close_quantile=config["HOURS_CLOSE_QUANTILE"],
            round_minutes=config["HOURS_ROUND_MINUTES"],
        )


@dataclass(frozen=True)
class Estimate:
    weekday: int
    opens: time | None
    closes: time | None
    sample_days: int
    confidence: float
    basis: HoursBasis


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile of sorted `values`, interpolated linearly between neighbours."""
    position = (len(values) - 1) * q
    below = int(position)
    above = min(below + 1, len(values) - 1)
    return values[below] + (values[above] - values[below]) * (position - below)


def clock(minute: float, step: int) -> time:
    """Minutes of the business day as a time of day, rounded to `step` minutes."""
    rounded = int(round(minute / step) * step) % MINUTES_A_DAY
    return time(rounded // 60, rounded % 60)


def confidence(
    open_days: int, firsts: Sequence[int], lasts: Sequence[int], settings: Settings
) -> float:
    coverage = min(1.0, open_days / max(settings.window_days / 7, 1))
    spread = max(
        quantile(firsts, 0.75) - quantile(firsts, 0.25),
        quantile(lasts, 0.75) - quantile(lasts, 0.25),
    )
    return round(coverage / (1 + spread / 60), 2)


def estimate_weekday(
    weekday: int,
    samples: Sequence[Sample],
    posted: tuple[time, time] | None,
    settings: Settings,
) -> Estimate:
    """The real hours of one weekday from its samples, or the posted hours if too few."""
    days = len(samples)
    if days < settings.min_sample_days:
        opens, closes = posted if posted else (None, None)
        return Estimate(weekday, opens, closes, days, 0.0, HoursBasis.POSTED)
    open_days = [s for s in samples if not s.closed]
    if len(open_days) * 2 < days:
        share_closed = round((days - len(open_days)) / days, 2)
        return Estimate(weekday, None, None, days, share_closed, HoursBasis.OBSERVED)
    firsts = sorted(s.first for s in open_days if s.first is not None)
    lasts = sorted(s.last for s in open_days if s.last is not None)
    return Estimate(
        weekday,
        clock(quantile(firsts, settings.open_quantile), settings.round_minutes),
        clock(quantile(lasts, settings.close_quantile), settings.round_minutes),
        days,
        confidence(len(open_days), firsts, lasts, settings),
        HoursBasis.OBSERVED,
    )
