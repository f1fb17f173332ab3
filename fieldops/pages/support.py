"""The store page's Support panel: how well support covers the store's real customer hours
over the next 28 days, the coming week drawn as a strip, the largest uncovered windows, and,
for admins and the CIO, the shifts that cover it and the top suggestions that would close
its gaps (admins apply one after a confirm step, through the shifts service).

The figures come from the coverage engine (`coverage_of`), the same computation as the
store's row of /api/coverage and /api/stores/<id>/coverage, so the page, the API and the
overview cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for

from fieldops.auth import Action, User, can
from fieldops.clock import local_date, local_window, zone
from fieldops.coverage import (
    Gap,
    StoreCoverage,
    WeekStrip,
    coverage_of,
    covering_shifts,
    suggest,
    week_strip,
)
from fieldops.hours import HoursBasis
from fieldops.shifts import (
    ShiftKind,
    SupportShift,
    apply_change,
    describe_days,
    describe_window,
)
from fieldops.stores import Store

LARGEST_WINDOWS = 5
TOP_SUGGESTIONS = 3


@dataclass(frozen=True)
class ShiftLine:
    """A shift that covers the store, as its panel lists it."""

    name: str
    href: str
    kind: ShiftKind
    days: str  # "Mon–Fri"
    hours: str  # "08:00–20:00 CST", in the shift's zone
    at_store: str | None  # the same hours on the store's clock today, when its zone differs
    engineers: list[str]


@dataclass(frozen=True)
class SupportPanel:
    store: Store
    days: int
    real_percent: float | None  # None: no customer hours in the period
    posted_percent: float | None
    uncovered_a_week: float  # real customer minutes a week without support
    learned: bool  # real hours learned from evidence (else the posted ones stand in)
    strip: WeekStrip
    windows: list[Gap]  # the largest uncovered, in the store's zone
    shifts: list[ShiftLine] | None  # None: not shown to this user
    suggestions: list[dict[str, Any]] | None = None  # the API's, best first; None: not shown
    can_apply: bool = False


def _shift_line(shift: SupportShift, store: Store, user: User, now: datetime) -> ShiftLine:
    abbrev = now.astimezone(zone(shift.timezone)).strftime("%Z")
    at_store = None
    if shift.timezone != store.timezone:
        start, end = local_window(
            local_date(now, shift.timezone), shift.start_time, shift.end_time, shift.timezone
        )
        here = zone(store.timezone)
        at_store = f"{start.astimezone(here):%H:%M}–{end.astimezone(here):%H:%M %Z}"
    manage = can(user, Action.MANAGE_SHIFTS)
    return ShiftLine(
        name=shift.name,
        href=(url_for("shifts.edit", shift_id=shift.id) if manage else url_for("shifts.index")),
        kind=shift.kind,
        days=describe_days(shift.weekdays),
        hours=f"{describe_window(shift.start_time, shift.end_time)} {abbrev}",
        at_store=at_store,
        engineers=[person.name for person in shift.engineers if person.active],
    )


def _largest_windows(row: StoreCoverage) -> list[Gap]:
    return sorted(row.real.gaps, key=lambda gap: (-gap.minutes, gap.start))[:LARGEST_WINDOWS]


def support_panel(store: Store, user: User, now: datetime, hours: dict[str, Any]) -> SupportPanel:
    """The panel of a store the user sees, over its next COVERAGE_DEFAULT_DAYS days; `hours`
    are its hours as `hours_for` answers them (the page has them already)."""
    row = coverage_of([store], now)[0]
    return SupportPanel(
        store=store,
        days=row.days,
        real_percent=row.real.percent,
        posted_percent=row.posted.percent,
        uncovered_a_week=row.real.uncovered_minutes * 7 / row.days,
        learned=any(entry["basis"] == HoursBasis.OBSERVED for entry in hours["real"]),
        strip=week_strip(row),
        windows=_largest_windows(row),
        shifts=(
            [_shift_line(shift, store, user, now) for shift in covering_shifts(row)]
            if can(user, Action.VIEW_OVERVIEW)
            else None
        ),
        suggestions=(
            store_suggestions(store, user, now)[:TOP_SUGGESTIONS]
            if can(user, Action.VIEW_OVERVIEW)
            else None
        ),
        can_apply=can(user, Action.MANAGE_SHIFTS),
    )


def store_suggestions(store: Store, user: User, now: datetime) -> list[dict[str, Any]]:
    """The suggestions bringing the store to the alert threshold over the panel's days."""
    return suggest(user, now, {"store_id": store.id})["suggestions"]


def apply_suggestion(
    user: User, now: datetime, scope: dict[str, Any], index: int, summary: str
) -> SupportShift | None:
    """Apply suggestion `index` of the plan for `scope` (`{"store_id"}` or `{"region"}`)
    through the shifts service, if it still reads `summary` (the one the admin confirmed);
    None when the plan has changed since."""
    found = suggest(user, now, scope)["suggestions"]
    if not 0 <= index < len(found) or found[index]["summary"] != summary:
        return None
    return apply_change(found[index]["apply"], user, now)
