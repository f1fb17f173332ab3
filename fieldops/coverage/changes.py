"""What a suggestion is made of: the staffed shifts and new windows it may change, the steps
of a change, and a change as the API shows it (fieldops/coverage/suggestions.py weighs them)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import time
from typing import Any

from fieldops.clock import MINUTES_A_DAY, minute_of_day, wall_clock
from fieldops.coverage import planning
from fieldops.coverage.engine import ShiftPlan
from fieldops.coverage.intervals import Interval
from fieldops.coverage.services import StoreCoverage
from fieldops.shifts import SupportShift

Gains = dict[int, list[Interval]]  # per store id, the uncovered intervals a change covers


@dataclass(frozen=True)
class Change:
    """A change as the API shows it, and the option the planner weighs (for a move, the
    steps it is made of merged into one)."""

    summary: str
    method: str
    path: str
    body: dict[str, Any]
    option: planning.Option


@dataclass(frozen=True)
class Staffed:
    """A staffed shift covering stores in scope, with what the suggestions need of it."""

    shift: SupportShift
    plan: ShiftPlan
    engineers: list[int]  # active engineer ids
    stores: list[StoreCoverage]  # the rows in scope it covers

    @property
    def start(self) -> int:
        return minute_of_day(self.plan.start)

    @property
    def minutes(self) -> int:
        """Length of its window: an end at or before the start is the next day."""
        return (minute_of_day(self.plan.end) - self.start - 1) % MINUTES_A_DAY + 1


@dataclass(frozen=True, eq=False)
class NewShift:
    """An uncovered window a new shift could cover: its zone, weekdays and local minutes
    (on the grid; an end past 24:00 is the next day), the rows that have it, and the
    engineer it would take."""

    timezone: str
    days: frozenset[int]
    start: int
    end: int
    rows: list[StoreCoverage]
    engineer: int

    def plan(self, start: int, end: int) -> ShiftPlan:
        return ShiftPlan(0, self.timezone, self.days, to_time(start), to_time(end))


@dataclass(frozen=True)
class Step:
    """A step of a chain: of a shift's move (`earlier`: its start, else its end), or of a
    new shift growing from its window's end (`earlier`) or start; the minutes up to and
    including it."""

    target: Staffed | NewShift
    earlier: bool
    minutes: int


def hhmm(minute: int) -> str:
    return wall_clock(minute % MINUTES_A_DAY)


def to_time(minute: int) -> time:
    return time(minute % MINUTES_A_DAY // 60, minute % 60)


def merged(shifts: list[NewShift]) -> list[NewShift]:
    """New shifts of the same zone and hours as one, on all their days, for all their
    stores, staffed by the lowest engineer id of theirs."""
    same: dict[tuple[str, int, int], list[NewShift]] = defaultdict(list)
    for shift in shifts:
        same[shift.timezone, shift.start, shift.end].append(shift)
    found = []
    for group in same.values():
        rows = {row.store.id: row for shift in group for row in shift.rows}
        found.append(
            replace(
                group[0],
                days=frozenset().union(*(shift.days for shift in group)),
                rows=[rows[i] for i in sorted(rows)],
                engineer=min(shift.engineer for shift in group),
            )
        )
    return found
