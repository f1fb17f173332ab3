"""Reading learned hours: a store's posted vs real hours, and the stores that drift most."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

import sqlalchemy as sa

from fieldops.clock import MINUTES_A_DAY, WEEKDAY_NAMES
from fieldops.extensions import db
from fieldops.hours.models import HoursBasis, HoursStatus, RealHours
from fieldops.stores import PostedHours, Store


def _posted_entry(weekday: int, posted: PostedHours | None) -> dict[str, Any]:
    return {
        "weekday": weekday,
        "opens": posted.opens if posted else None,
        "closes": posted.closes if posted else None,
        "sample_days": 0,
        "confidence": 0.0,
        "basis": HoursBasis.POSTED,
    }


def hours_for(store: Store) -> dict[str, Any]:
    """Posted and real hours of a store, a real entry for each weekday (Monday = 0).

    Where evidence is thin (basis "posted") the entry shows the current posted hours.
    """
    posted = {p.weekday: p for p in store.posted_hours}
    learned = {
        r.weekday: r
        for r in db.session.scalars(sa.select(RealHours).where(RealHours.store_id == store.id))
    }
    real = []
    for weekday in range(7):
        row = learned.get(weekday)
        if row is None or row.basis == HoursBasis.POSTED:
            entry = _posted_entry(weekday, posted.get(weekday))
            entry["sample_days"] = row.sample_days if row else 0
        else:
            entry = {
                "weekday": weekday,
                "opens": row.opens,
                "closes": row.closes,
                "sample_days": row.sample_days,
                "confidence": row.confidence,
                "basis": row.basis,
            }
        real.append(entry)
    status = db.session.get(HoursStatus, store.id)
    return {
        "timezone": store.timezone,
        "posted": store.posted_hours,
        "real": real,
        "computed_at": status.computed_at if status else None,
    }


def span(opens: time, closes: time) -> tuple[int, int]:
    """Opening and closing as minutes of the day; a close at or before the open is next day."""
    start = opens.hour * 60 + opens.minute
    end = closes.hour * 60 + closes.minute
    return start, end + MINUTES_A_DAY if end <= start else end


@dataclass(frozen=True)
class Drift:
    store: Store
    weekday: int
    minutes: int  # how far real hours reach beyond (or fall short of) posted ones
    text: str


def drifts_of(store: Store, real: RealHours, posted: PostedHours | None) -> list[Drift]:
    """How one learned weekday differs from the posted hours, in words and minutes."""
    day = WEEKDAY_NAMES[real.weekday] + "s"
    if real.opens is None:
        if posted is None:
            return []
        return [
            Drift(
                store,
                real.weekday,
                span(posted.opens, posted.closes)[1] - span(posted.opens, posted.closes)[0],
                f"No customers on {day} although it is posted open",
            )
        ]
    real_open, real_close = span(real.opens, real.closes)
    if posted is None:
        return [
            Drift(
                store,
                real.weekday,
                real_close - real_open,
                f"Customers come on {day} although it is posted closed",
            )
        ]
    posted_open, posted_close = span(posted.opens, posted.closes)
    found = []
    if real_close != posted_close:
        late = real_close - posted_close
        where = "past" if late > 0 else "before"
        verb = "stay" if late > 0 else "leave"
        found.append(
            Drift(
                store,
                real.weekday,
                abs(late),
                f"Customers {verb} {abs(late)} min {where} the posted close on {day}",
            )
        )
    if real_open != posted_open:
        early = posted_open - real_open
        where = "before" if early > 0 else "after"
        found.append(
            Drift(
                store,
                real.weekday,
                abs(early),
                f"Customers arrive {abs(early)} min {where} the posted opening on {day}",
            )
        )
    return found
