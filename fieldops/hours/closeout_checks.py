"""What the store page asks before it sends a close-out (the API itself keeps replacing).

A second close-out for the same business day replaces the first, and a mistyped time
(02:08 meant as 20:08, a.m. for p.m.) would teach FieldOps wrong hours: the page asks
first when a close-out would replace one, or when the last customer is said to have left
more than 3 hours after the posted close or before the posted opening.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from fieldops.clock import business_date, clock_minute, instant_of
from fieldops.extensions import db
from fieldops.hours.ingest import closeout_day
from fieldops.hours.models import Closeout
from fieldops.stores import Store, window_on

LATE_AFTER_CLOSE = timedelta(hours=3)


def closeout_on(store: Store, day: date) -> Closeout | None:
    """The close-out already sent for `store`'s business `day`, if any."""
    return db.session.scalar(
        sa.select(Closeout).where(Closeout.store_id == store.id, Closeout.business_date == day)
    )


def todays_closeout(store: Store, now: datetime) -> Closeout | None:
    cutoff = current_app.config["HOURS_BUSINESS_DAY_CUTOFF"]
    return closeout_on(store, business_date(now, store.timezone, cutoff))


def said(closeout: Closeout) -> str:
    """A close-out as a manager would say it: "closed" or "the last customer left at 21:40"."""
    if closeout.closed or closeout.last_customer_at is None:
        return "closed"
    return f"the last customer left at {closeout.last_customer_at:%H:%M}"


def closeout_questions(store: Store, data: dict[str, Any], now: datetime) -> list[str]:
    """The questions to ask before sending the close-out `data` (CloseoutSchema) for
    `store` at `now`; none when it can go as it is."""
    cutoff: time = current_app.config["HOURS_BUSINESS_DAY_CUTOFF"]
    day, last = closeout_day(store, data, now, cutoff)
    questions = []
    earlier = closeout_on(store, day)
    if earlier is not None:
        questions.append(
            f"The close-out for {day:%a %d %b} already says {said(earlier)}. Replace it?"
        )
    window = window_on(store, day)
    if last is not None and window is not None:
        left = instant_of(day, clock_minute(last, cutoff), store.timezone)
        if left > window.end + LATE_AFTER_CLOSE:
            questions.append(
                f"{last:%H:%M} is more than 3 hours after the posted close "
                f"({window.closes:%H:%M}). Is that right?"
            )
        elif left < window.start:
            questions.append(
                f"{last:%H:%M} is before the posted opening ({window.opens:%H:%M}). Is that right?"
            )
    return questions
