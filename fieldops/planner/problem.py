"""What the planner solves, in plain data: stores to visit, engineer-days to visit them in,
and the visits it places. Times are POSIX seconds; the gathering (gathering.py) builds a
problem from the database, the solver (solver.py) and the benchmark's baseline read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from fieldops.core.geo import Point

# VROOM's priorities run 0..100: an overdue store first, then a due one with another
# reason too (an open issue, a coverage gap, thin hours), then a due one, then the rest.
PRIORITY = {"overdue": 100, "due_and_more": 80, "due": 60, "optional": 0}


@dataclass(frozen=True)
class Stop:
    """A store to visit: where, for how long, when a visit may start (each window lies in
    the store's real customer hours and leaves room for the whole visit), and why."""

    store_id: int
    location: Point
    minutes: int
    windows: tuple[tuple[int, int], ...]
    reasons: tuple[str, ...]
    optional: bool = False  # not due: kept only when the detour is short
    region: str | None = None

    @property
    def priority(self) -> int:
        if self.optional:
            return PRIORITY["optional"]
        if "overdue" in self.reasons:
            return PRIORITY["overdue"]
        return PRIORITY["due_and_more" if len(self.reasons) > 1 else "due"]


@dataclass(frozen=True)
class Fixed:
    """An engineer's visit already on the calendar: the plan routes around it."""

    visit_id: int
    location: Point | None
    start: int
    end: int


@dataclass(frozen=True)
class EngineerDay:
    """One engineer's working day: the hours, where it starts and ends, how many visits it
    may hold (existing ones included) and which regions' stores."""

    engineer_id: int
    day: date  # in the engineer's zone
    start: int
    end: int
    base: Point | None
    max_visits: int
    regions: frozenset[str] = frozenset()  # empty: any region
    fixed: tuple[Fixed, ...] = ()

    @property
    def room(self) -> int:
        """How many new visits the day may still take."""
        return max(self.max_visits - len(self.fixed), 0)

    def stretches(self) -> list[Stretch]:
        """The day's free stretches between its existing visits (none when they fill it):
        from the base, or the store of the visit before, to the next visit's store by its
        start, or back to the base by the end of the day."""
        if not self.room:
            return []
        found = []
        at, since = self.base, self.start
        for fixed in sorted(self.fixed, key=lambda f: (f.start, f.end)):
            if fixed.start > since:
                found.append(Stretch(self, at, fixed.location, since, min(fixed.start, self.end)))
            at, since = fixed.location, max(since, fixed.end)
        if self.end > since:
            found.append(Stretch(self, at, self.base, since, self.end, home=True))
        return found


@dataclass(frozen=True)
class Stretch:
    """A free stretch of an engineer-day: from where (None: no known place) to where,
    between when, and whether it ends the day at the base."""

    day: EngineerDay
    start_at: Point | None
    end_at: Point | None
    opens: int
    closes: int
    home: bool = False


@dataclass(frozen=True)
class Problem:
    stops: list[Stop]
    days: list[EngineerDay]


@dataclass
class Placed:
    """A proposed visit: which engineer, when, the drive before it (from the base or the
    previous stop) and, when it ends the day, the drive home (seconds)."""

    store_id: int
    engineer_id: int
    start: int
    end: int
    travel_before: int
    travel_home: int = 0


@dataclass
class Solution:
    placed: list[Placed] = field(default_factory=list)
    left: list[int] = field(default_factory=list)  # store ids no engineer-day could take
