"""Suggestions that close coverage gaps: changes to support shifts that bring every store in
scope to a threshold of its real customer minutes covered, for the fewest engineer-minutes.

A change is one of (times on a 15-minute grid in the shift's zone):
- a staffed shift starting earlier, ending later, or both (one PATCH);
- a staffed shift on one more weekday (PATCH);
- a new shift over an uncovered window, at least an hour long, for the stores that share
  it, staffed by one engineer of the shifts that already cover them (POST); a store no
  staffed shift covers has no engineer to suggest, so nothing is suggested for it.

Each candidate's gain per store is laid out with the coverage engine (`ShiftPlan.windows`,
the same windows coverage counts) against the store's uncovered windows; `planning` picks
at most one change per shift. Costs are engineer-minutes a week: window minutes added a
week, as written on the wall clock (a daylight-saving week is not special), times the
engineers on the shift.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from flask import current_app

from fieldops.auth import Role, User
from fieldops.clock import MINUTES_A_DAY, minute_of
from fieldops.coverage import planning
from fieldops.coverage.changes import (
    Change,
    Gains,
    NewShift,
    Staffed,
    Step,
    hhmm,
    merged,
    to_time,
)
from fieldops.coverage.engine import Coverage, ShiftPlan
from fieldops.coverage.intervals import Interval, overlap, subtract, union
from fieldops.coverage.services import StoreCoverage, active_stores, coverage_of, shift_plans
from fieldops.coverage.stacked import Stacked
from fieldops.shifts import describe_days

GRID = 15
SHORTEST_NEW = 60
EXACT_STORES, EXACT_SHIFTS = 6, 4


class Candidates:
    """Every change worth weighing for the rows in scope: `options` for the planner, and
    what each stands for (`changes` for standalone ones, `steps` for the steps of chains).
    Without `grow_new`, a new shift covers its whole window (a region has thousands of
    windows: growing each one would make ten thousand options)."""

    def __init__(
        self, rows: list[StoreCoverage], staffed: list[Staffed], grow_new: bool = True
    ) -> None:
        self.rows = rows
        self.staffed = staffed
        self.grow_new = grow_new
        self.first = min(r.first for r in rows) - timedelta(days=2)
        self.last = max(r.first + timedelta(days=r.days) for r in rows) + timedelta(days=1)
        self.uncovered = Stacked([r.store.id for r in rows], [r.real.uncovered for r in rows])
        self.changes: dict[int, Change] = {}  # id(option) -> its change
        self.steps: dict[int, Step] = {}  # id(option) -> the step of a chain it is
        self.options: list[planning.Option] = []
        for s in staffed:
            self.options += [*self.moves(s), *(self._keep(c) for c in self.weekdays(s))]
        self.options += list(self.new_shifts())

    def _keep(self, change: Change) -> planning.Option:
        self.changes[id(change.option)] = change
        return change.option

    def _windows(self, plan: ShiftPlan) -> list[Interval]:
        return union(plan.windows(self.first, self.last))

    def gains(self, windows: list[Interval], rows: list[StoreCoverage]) -> Gains:
        """The uncovered intervals of each row that `windows` would cover."""
        return self.uncovered.within(windows, [row.store.id for row in rows])

    def _grown(
        self,
        plans: Iterable[tuple[int, ShiftPlan]],
        reached: list[Interval],
        rows: list[StoreCoverage],
        uncovered: list[Interval] | None = None,
    ) -> Iterator[tuple[int, Gains]]:
        """Of plans ever longer (minutes added, plan), those that cover some of the rows'
        uncovered time the one kept before did not (a longer one that covers nothing more
        only costs more), each with what it adds; `uncovered`, all the rows' together,
        skips the others quickly."""
        for added, plan in plans:
            windows = self._windows(plan)
            more = subtract(windows, reached)
            if uncovered is not None and not overlap(more, uncovered):
                continue
            gains = self.gains(more, rows)
            if gains:
                yield added, gains
                reached = windows

    def _chain(
        self, group: str, target: Staffed | NewShift, earlier: bool,
        grown: Iterator[tuple[int, Gains]], cost_per_minute: int,
    ) -> Iterator[planning.Option]:  # fmt: skip
        """The steps kept as a chain: each costs its added minutes, taken after the one before."""
        before, done = None, 0
        for added, gains in grown:
            option = planning.Option(
                group,
                (added - done) * cost_per_minute,
                gains,
                new_shift=isinstance(target, NewShift),
                chain="earlier" if earlier else "later",
                after=before,
            )
            self.steps[id(option)] = Step(target, earlier, added)
            before, done = option, added
            yield option

    def moves(self, s: Staffed) -> Iterator[planning.Option]:
        """The steps of starting earlier (not before 00:00) and of ending later (the window
        at most 24 h), on the grid: a chain per side, both sides may move."""
        uncovered = union(part for row in s.stores for part in row.real.uncovered)
        reached = self._windows(s.plan)
        end = s.start + s.minutes
        room = MINUTES_A_DAY - s.minutes
        earlier = [s.start - p for p in range((s.start - 1) // GRID * GRID, -1, -GRID)]
        later = [p - end for p in range(end // GRID * GRID + GRID, end + MINUTES_A_DAY, GRID)]
        for side, sizes in ((True, earlier), (False, later)):
            plans = (
                (added, self._moved(s, added, 0) if side else self._moved(s, 0, added))
                for added in sizes
                if added <= room
            )
            grown = self._grown(plans, reached, s.stores, uncovered)
            cost = len(s.plan.weekdays) * len(s.engineers)
            yield from self._chain(f"shift:{s.shift.id}", s, side, grown, cost)

    @staticmethod
    def _moved(s: Staffed, earlier: int, later: int) -> ShiftPlan:
        return replace(
            s.plan, start=to_time(s.start - earlier), end=to_time(s.start + s.minutes + later)
        )

    def chosen(self, options: list[planning.Option]) -> list[Change]:
        """The planner's choice as changes: the chosen steps of a chain (both chains of a
        shift's move) become one change, and new shifts of the same hours one shift on all
        their days (the same cost; each store then covered on every one of the days)."""
        found = [self.changes[id(o)] for o in options if id(o) in self.changes]
        new: list[NewShift] = []
        steps: dict[str, list[tuple[Step, planning.Option]]] = defaultdict(list)
        for option in options:
            if id(option) in self.steps:
                steps[option.group].append((self.steps[id(option)], option))
        for taken in steps.values():
            target = taken[0][0].target
            before = max((step.minutes for step, _ in taken if step.earlier), default=0)
            after = max((step.minutes for step, _ in taken if not step.earlier), default=0)
            gains: Gains = defaultdict(list)
            for _, option in taken:
                for store, parts in option.gains.items():
                    gains[store] = union(gains[store] + parts)
            if isinstance(target, NewShift):
                start, end = (
                    (target.end - before, target.end)
                    if before
                    else (target.start, target.start + after)
                )
                new.append(replace(target, start=start, end=end))
            else:
                found.append(self._move(target, before, after, dict(gains)))
        return found + [self._new_shift(shift) for shift in merged(new)]

    def _move(self, s: Staffed, before: int, after: int, gains: Gains) -> Change:
        body: dict[str, Any] = {"version": s.shift.version}
        if before:
            body["start"] = hhmm(s.start - before)
        if after:
            body["end"] = hhmm(s.start + s.minutes + after)
        days = describe_days(list(s.plan.weekdays))
        old = f"{hhmm(s.start)}–{hhmm(s.start + s.minutes)}"
        new = f"{hhmm(s.start - before)}–{hhmm(s.start + s.minutes + after)}"
        summary = f"Run {s.shift.name} {new} instead of {old} ({days})"
        return self._change(s, summary, body, (before + after) * len(s.plan.weekdays), gains)

    def weekdays(self, s: Staffed) -> Iterator[Change]:
        for day in sorted(set(range(7)) - s.plan.weekdays):
            one_day = replace(s.plan, weekdays=frozenset({day}), off=frozenset(), extra=())
            gains = self.gains(self._windows(one_day), s.stores)
            if gains:
                body = {"weekdays": sorted({*s.plan.weekdays, day}), "version": s.shift.version}
                hours = f"{hhmm(s.start)}–{hhmm(s.start + s.minutes)}"
                summary = f"Add {describe_days([day])} to {s.shift.name} ({hours})"
                yield self._change(s, summary, body, s.minutes, gains)

    def _change(self, s: Staffed, summary: str, body: dict, minutes: int, gains: dict) -> Change:
        option = planning.Option(f"shift:{s.shift.id}", minutes * len(s.engineers), gains)
        return Change(summary, "PATCH", f"/api/shifts/{s.shift.id}", body, option)

    def _patterns(self) -> dict[tuple[str, int, int], dict[int, set[int]]]:
        """Uncovered windows as (zone, start, end) on the 15-minute grid, at least an hour
        long, each with the stores that have it per local weekday."""
        found: dict[tuple[str, int, int], dict[int, set[int]]] = defaultdict(
            lambda: defaultdict(set)
        )
        for row in self.rows:
            tz = row.store.timezone
            for gap in row.real.gaps:
                day = gap.start.date()
                start = minute_of(gap.start, tz, day) // GRID * GRID
                end = -(-minute_of(gap.end, tz, day) // GRID) * GRID
                end = min(max(end, start + SHORTEST_NEW), start + MINUTES_A_DAY)
                found[tz, start, end][day.weekday()].add(row.store.id)
        return found

    def _to_staff(self) -> Iterator[NewShift]:
        """Per uncovered window, a new shift on each weekday it falls on and one on all of
        them, for the stores that have it, staffed by the lowest engineer id of the shifts
        covering them (no engineer, nothing to suggest)."""
        engineers: dict[int, int] = {}  # store id -> the lowest engineer id covering it
        for s in self.staffed:
            for row in s.stores:
                engineers[row.store.id] = min(
                    engineers.get(row.store.id, s.engineers[0]), s.engineers[0]
                )
        rows = {row.store.id: row for row in self.rows}
        for (tz, start, end), by_day in self._patterns().items():
            choices = [({day}, stores) for day, stores in sorted(by_day.items())]
            if len(by_day) > 1:
                choices.append((set(by_day), set().union(*by_day.values())))
            for days, store_ids in choices:
                staffed = sorted(engineers[i] for i in store_ids if i in engineers)
                if staffed:
                    covers = [rows[i] for i in sorted(store_ids)]
                    yield NewShift(tz, frozenset(days), start, end, covers, staffed[0])

    def new_shifts(self) -> Iterator[planning.Option]:
        """For each window to staff, a new shift from its start growing later and one to
        its end growing earlier: an hour first, then 15 minutes a step, up to the whole
        window (so a store short of a few minutes is not given hours)."""
        for new in self._to_staff():
            whole = new.end - new.start
            sizes = range(SHORTEST_NEW if self.grow_new else whole, whole + 1, GRID)
            for earlier in (False, True) if len(sizes) > 1 else (False,):
                plans = (
                    (
                        m,
                        new.plan(new.end - m, new.end)
                        if earlier
                        else new.plan(new.start, new.start + m),
                    )
                    for m in sizes
                )
                days = sorted(new.days)
                group = f"new:{new.timezone}:{new.start}:{new.end}:{days}:{earlier}"
                grown = self._grown(plans, [], new.rows)
                yield from self._chain(group, new, earlier, grown, len(days))

    def _new_shift(self, new: NewShift) -> Change:
        start, end = new.start, new.end
        gains = self.gains(self._windows(new.plan(start, end)), new.rows)
        codes = [row.store.code for row in new.rows if row.store.id in gains]
        names = ", ".join(codes[:3]) + (f" and {len(codes) - 3} more" if len(codes) > 3 else "")
        days = describe_days(sorted(new.days))
        hours = f"{hhmm(start)}–{hhmm(end)}"
        body = {
            "name": f"{days} {hours} {names}"[:120],
            "timezone": new.timezone,
            "weekdays": sorted(new.days),
            "start": hhmm(start),
            "end": hhmm(end),
            "store_ids": sorted(gains),
            "engineer_ids": [new.engineer],
        }
        option = planning.Option("new", (end - start) * len(new.days), gains, new_shift=True)
        return Change(f"Add {days} {hours} for {names}", "POST", "/api/shifts", body, option)


def _staffed(rows: list[StoreCoverage]) -> list[Staffed]:
    found = []
    for shift, plan in shift_plans()[0]:
        covered = [row for row in rows if shift.id in row.shift_ids]
        engineers = sorted(u.id for u in shift.engineers if u.active and u.role == Role.ENGINEER)
        if covered and engineers:
            found.append(Staffed(shift, plan, engineers, covered))
    return found


def _percent(covered: int, customer: int) -> float | None:
    return round(100 * covered / customer, 2) if customer else None


def needs(rows: list[StoreCoverage], threshold: float) -> dict[int, int]:
    """Seconds each store is short of `threshold` percent of its real customer minutes."""

    def short(cov: Coverage) -> int:
        wanted = math.ceil(threshold * cov.customer_minutes / 100 - 1e-9)
        return 60 * max(0, wanted - cov.covered_minutes)

    return {row.store.id: short(row.real) for row in rows}


def suggest(
    user: User,
    now: datetime,
    args: dict[str, Any],
    method: str | None = None,
) -> dict[str, Any]:
    """The plan for the stores in scope (`SuggestionArgsSchema` args); `method` forces
    "exact" or "greedy" (by default exact up to 6 stores and 4 shifts)."""
    threshold = args.get("threshold", current_app.config["COVERAGE_ALERT_PERCENT"])
    stores = active_stores(user, args.get("region"))
    if args.get("store_id") is not None:
        stores = [s for s in stores if s.id == args["store_id"]]
    rows = coverage_of(stores, now, args.get("from_"), args.get("days"))
    need = needs(rows, threshold)
    staffed = _staffed(rows) if rows else []
    method = method or (
        "exact" if len(rows) <= EXACT_STORES and len(staffed) <= EXACT_SHIFTS else "greedy"
    )
    candidates = Candidates(rows, staffed, method == "exact") if any(need.values()) else None
    plan = _choose(candidates.options if candidates else [], need, method)
    changes = candidates.chosen(plan.chosen) if candidates else []
    by_option = {id(c.option): c for c in changes}
    customer = sum(r.real.customer_minutes for r in rows)
    covered = sum(r.real.covered_minutes for r in rows)
    suggestions = []
    for option, gained in planning.in_order([c.option for c in changes]):
        change = by_option[id(option)]
        covered += sum(gained.values()) // 60
        suggestions.append(
            {
                "summary": change.summary,
                "added_minutes_per_week": option.cost,
                "covered_minutes_gained": sum(gained.values()) // 60,
                "stores": sorted(s for s, seconds in gained.items() if seconds),
                "apply": {"method": change.method, "path": change.path, "body": change.body},
            }
        )
    return {
        "threshold": threshold,
        "method": plan.method,
        "lower_bound_minutes": plan.lower_bound,
        "before": {"real_percent": _percent(sum(r.real.covered_minutes for r in rows), customer)},
        "after": {"real_percent": _percent(covered, customer)},
        "suggestions": suggestions,
        "unreachable": _unreachable(rows, plan.short, staffed, threshold),
    }


def _choose(options: list[planning.Option], need: dict[int, int], method: str) -> planning.Plan:
    if not any(need.values()):
        return planning.Plan(method, [], 0)
    return (planning.exact if method == "exact" else planning.greedy)(options, need)


def _unreachable(
    rows: list[StoreCoverage], short: dict[int, int], staffed: list[Staffed], threshold: float
) -> list[dict[str, Any]]:
    """The stores the plan leaves under the threshold, and why."""
    covered_by_staff = {row.store.id for s in staffed for row in s.stores}
    found = []
    for row in rows:
        if not short.get(row.store.id):
            continue
        if row.store.id not in covered_by_staff:
            reason = "no shift with an active engineer covers it, so no engineer to suggest"
        else:
            reason = (
                f"one change per shift and new shifts from its engineers reach "
                f"{short[row.store.id] // 60} minutes short of {threshold:g} %"
            )
        found.append({"store_id": row.store.id, "code": row.store.code, "reason": reason})
    return found
