"""Choosing changes to support shifts: which options close the coverage gaps for the fewest
engineer-minutes (plain Python and OR-Tools, no database).

An option newly covers some of each store's uncovered time. Options are of two sorts:
- standalone (a weekday added to a shift, a new shift): at most one per group (a shift), and
  none beside a move of that shift;
- a step of a move (a shift's start 15 minutes earlier, its end later): steps form a chain
  per side, each taken only after the one before it (`after`), so a shift's start and end
  can both move while it stays one change. A chain's steps cover disjoint time.
Options of different shifts may cover the same minutes, so gains do not add up: each store's
uncovered time is cut into atoms at every option's edges, and an atom counts once however
many chosen options cover it. This makes the exact model's coverage constraint exact with
one boolean per atom.

- `exact`: CP-SAT over booleans (an option chosen, an atom covered); each store's covered
  seconds reach its need, or what is short is reported.
- `greedy`: repeatedly the run of options (a standalone option, or a chain's next steps up
  to the best one) with the most still-needed seconds per engineer-minute, re-scored lazily
  (scores only fall as more is covered); then options the rest made redundant are dropped,
  costliest first. Its lower bound comes from an LP relaxation (`relaxed_bound`, GLOP).
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from fieldops.coverage.intervals import Interval, length, subtract, union
from fieldops.coverage.stacked import Stacked

SOLVE_SECONDS = 10.0


@dataclass(frozen=True, eq=False)
class Option:
    """One possible change: its group (a shift), its cost in engineer-minutes a week, and per
    store id the uncovered intervals it would cover. A step of a move names its `chain` and
    the step before it (`after`, None for the first)."""

    group: str
    cost: int
    gains: dict[int, list[Interval]]
    new_shift: bool = False  # on a tie, changing an existing shift is preferred
    chain: str = ""
    after: Option | None = None

    @cached_property
    def seconds_at(self) -> dict[int, int]:
        """Seconds it would cover, per store."""
        return {store: length(found) for store, found in self.gains.items()}


@dataclass(frozen=True)
class Plan:
    method: str
    chosen: list[Option]
    lower_bound: int  # engineer-minutes a week no plan reaching the needs can go below
    short: dict[int, int] = field(default_factory=dict)  # store id -> seconds still missing


@dataclass(frozen=True)
class Atoms:
    """Each store's uncovered time cut at every option's edges, the pieces covered by the
    same options together: (store, seconds, options)."""

    rows: list[tuple[int, int, list[int]]]

    @classmethod
    def of(cls, options: list[Option]) -> Atoms:
        by_store: dict[int, list[tuple[int, list[Interval]]]] = defaultdict(list)
        for index, option in enumerate(options):
            for store, found in option.gains.items():
                by_store[store].append((index, found))
        rows = []
        for store, found_by in by_store.items():
            cuts = sorted({edge for _, found in found_by for span in found for edge in span})
            covering: dict[int, list[int]] = defaultdict(list)
            for index, found in found_by:
                for start, end in found:
                    for atom in range(bisect_left(cuts, start), bisect_left(cuts, end)):
                        covering[atom].append(index)
            # Atoms covered by the same options count as one (their seconds added): the
            # models stay exact and a store's days of one window become one row.
            merged: dict[tuple[int, ...], int] = defaultdict(int)
            for atom, by in sorted(covering.items()):
                merged[tuple(by)] += cuts[atom + 1] - cuts[atom]
            rows += [(store, seconds, list(by)) for by, seconds in merged.items()]
        return cls(rows)


def _weights(options: list[Option]) -> tuple[list[int], int]:
    """Objective weights: twice the cost plus one per new shift (the tie-break: its first
    step), and the weight of a second short, larger than any plan's cost."""
    weights = [2 * o.cost + (o.new_shift and o.after is None) for o in options]
    return weights, sum(weights) + 1


def _at_most_one(options: list[Option]) -> list[list[int]]:
    """Sets of options of which at most one may be chosen: per group, its standalone options
    with each first step of a chain (the chains of a group combine)."""
    alone: dict[str, list[int]] = defaultdict(list)
    firsts: dict[str, list[int]] = defaultdict(list)
    for index, option in enumerate(options):
        if not option.chain:
            alone[option.group].append(index)
        elif option.after is None:
            firsts[option.group].append(index)
    found = []
    for group in alone.keys() | firsts.keys():
        found += [[*alone[group], first] for first in firsts[group]] or [alone[group]]
    return [members for members in found if len(members) > 1]


def _steps_after(options: list[Option]) -> list[tuple[int, int]]:
    """(step, the step before it) index pairs: a step is taken only after the one before."""
    index = {id(o): i for i, o in enumerate(options)}
    return [(i, index[id(o.after)]) for i, o in enumerate(options) if o.after is not None]


def exact(options: list[Option], needs: dict[int, int]) -> Plan:
    """The cheapest options meeting every store's need in seconds (CP-SAT), or, where no
    choice can, the plan that leaves the fewest seconds short."""
    model = cp_model.CpModel()
    picked = [model.new_bool_var(f"o{i}") for i in range(len(options))]
    atoms = Atoms.of(options)
    covered = []
    for index, (_, _, by) in enumerate(atoms.rows):
        atom = model.new_bool_var(f"a{index}")
        model.add(atom <= sum(picked[i] for i in by))
        covered.append(atom)
    short = {store: model.new_int_var(0, need, f"s{store}") for store, need in needs.items()}
    for store, need in needs.items():
        got = [seconds * covered[i] for i, (s, seconds, _) in enumerate(atoms.rows) if s == store]
        model.add(sum(got) + short[store] >= need)
    for members in _at_most_one(options):
        model.add_at_most_one(picked[i] for i in members)
    for step, before in _steps_after(options):
        model.add_implication(picked[step], picked[before])
    weights, per_second = _weights(options)
    model.minimize(
        sum(w * x for w, x in zip(weights, picked, strict=True)) + per_second * sum(short.values())
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = SOLVE_SECONDS
    solver.parameters.num_workers = 1  # the same answer every time
    # Its LP relaxation with every constraint in it: without it, the many chains of equal
    # cost leave one worker searching for seconds with no bound to cut them off.
    solver.parameters.linearization_level = 2
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return greedy(options, needs)
    chosen = [o for o, x in zip(options, picked, strict=True) if solver.boolean_value(x)]
    cost = sum(o.cost for o in chosen)
    bound = cost if status == cp_model.OPTIMAL else relaxed_bound(options, needs)
    missing = {s: solver.value(v) for s, v in short.items() if solver.value(v)}
    return Plan("exact", chosen, bound, missing)


def relaxed_bound(
    options: list[Option], needs: dict[int, int], reachable: Iterable[int] = ()
) -> int:
    """A lower bound on the engineer-minutes of any plan meeting the needs (each capped at
    what all options together could cover): the LP with options taken in fractions and each
    store's need met by the options' gains there, each gain counted up to the need.

    Every plan meeting the needs satisfies it (an option gaining at least the need meets it
    alone; otherwise the gains add up to at least what they cover together), so none costs
    less. Per store one row, not one per atom: it stays small for a region of a thousand
    stores, and where options overlap little it is as tight as an LP over atoms. Stores known
    `reachable` (a plan met their need) skip working out what all options could cover."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    infinity = solver.infinity()
    picked = [solver.NumVar(0, 1, "") for _ in options]
    gains: dict[int, list[tuple[int, int]]] = defaultdict(list)
    reach: dict[int, list[Interval]] = defaultdict(list)
    met = set(reachable)
    for index, option in enumerate(options):
        for store, found in option.seconds_at.items():
            if needs.get(store):
                gains[store].append((index, found))
                if store not in met:
                    reach[store] += option.gains[store]
    for store, by in gains.items():
        need = needs[store] if store in met else min(needs[store], length(union(reach[store])))
        enough = solver.Constraint(need, infinity)
        for index, seconds in by:
            enough.SetCoefficient(picked[index], min(seconds, need))
    for members in _at_most_one(options):
        one = solver.Constraint(-infinity, 1)
        for index in members:
            one.SetCoefficient(picked[index], 1)
    for step, before in _steps_after(options):
        order = solver.Constraint(-infinity, 0)  # a step no more chosen than the one before
        order.SetCoefficient(picked[step], 1)
        order.SetCoefficient(picked[before], -1)
    objective = solver.Objective()
    for option, x in zip(options, picked, strict=True):
        objective.SetCoefficient(x, option.cost)
    objective.SetMinimization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return 0  # the choices allowed cannot reach what all options could: no bound
    return math.ceil(objective.Value() - 1e-6)  # a plan's cost is whole minutes


class _Greedy:
    """The greedy choice's state: what is chosen and covered (per store, and stacked to
    weigh an option's gains against all of it at once), and the seconds still needed per
    store (a numpy array)."""

    def __init__(self, options: list[Option], needs: dict[int, int]) -> None:
        self.needs = needs
        self.stores = sorted({store for o in options for store in o.gains} | needs.keys())
        self.position = {store: k for k, store in enumerate(self.stores)}
        self.left = np.array([needs.get(store, 0) for store in self.stores], dtype=np.int64)
        self.takes = 0
        self.covered_at: dict[int, list[Interval]] = {}  # per store, what the chosen cover
        self.covered = Stacked(self.stores, [[] for _ in self.stores])  # the same, stacked
        # id(option) -> its stores' positions, their seconds, and its intervals laid
        self.laid: dict[int, tuple[np.ndarray, ...]] = {}
        # id(option) -> (takes when weighed, its stores' positions, their seconds not covered)
        self.fresh: dict[int, tuple[int, np.ndarray, np.ndarray]] = {}
        self.chosen: list[Option] = []
        self.taken: set[int] = set()  # ids of the chosen options
        self.alone: set[str] = set()  # groups with a standalone option chosen
        self.moved: set[str] = set()  # groups with a step chosen
        self.next_step = {id(o.after): o for o in options if o.after is not None}

    def allowed(self, option: Option) -> bool:
        if option.group in self.alone:
            return False
        if not option.chain:
            return option.group not in self.moved
        return option.after is None or id(option.after) in self.taken

    def _new(self, option: Option) -> tuple[np.ndarray, np.ndarray]:
        """The option's stores (positions) and the seconds of each that nothing chosen
        covers yet (worked out once per take)."""
        at, where, fresh = self.fresh.get(id(option), (-1, None, None))
        if at == self.takes and where is not None and fresh is not None:
            return where, fresh
        if id(option) not in self.laid:
            where = np.array([self.position[store] for store in option.gains], dtype=np.intp)
            seconds = np.array(list(option.seconds_at.values()), dtype=np.int64)
            self.laid[id(option)] = (where, seconds, *self.covered.lay(option.gains))
        where, seconds, owner, starts, ends = self.laid[id(option)]
        covered = self.covered.inside(starts, ends)
        fresh = seconds - np.bincount(owner, weights=covered, minlength=len(where)).astype(np.int64)
        self.fresh[id(option)] = (self.takes, where, fresh)
        return where, fresh

    def best_run(self, option: Option) -> tuple[float, int, list[Option]]:
        """The run starting at `option` (a chain's steps up to any later one) with the most
        still-needed seconds per engineer-minute: (score, cost, options)."""
        run: list[Option] = []
        best: tuple[float, int, list[Option]] = (0.0, 0, [])
        got = np.zeros(len(self.stores), dtype=np.int64)
        cost = 0
        step: Option | None = option
        while step is not None:
            run.append(step)
            cost += step.cost
            where, fresh = self._new(step)
            got[where] += fresh
            score = int(np.minimum(got, self.left).sum()) / max(cost, 1)
            if score > best[0]:
                best = (score, cost, list(run))
            step = self.next_step.get(id(step)) if step.chain else None
        return best

    def take(self, run: list[Option]) -> None:
        self.takes += 1
        for option in run:
            self.chosen.append(option)
            self.taken.add(id(option))
            (self.moved if option.chain else self.alone).add(option.group)
            for store, parts in option.gains.items():
                covered = union(self.covered_at.get(store, []) + parts)
                self.covered_at[store] = covered
                self.left[self.position[store]] = max(0, self.needs.get(store, 0) - length(covered))
        self.covered = Stacked(self.stores, [self.covered_at.get(s, []) for s in self.stores])

    def short(self) -> dict[int, int]:
        """Seconds still needed, per store short of its need."""
        return {self.stores[k]: int(self.left[k]) for k in np.nonzero(self.left)[0].tolist()}

    def drop_redundant(self) -> None:
        """Drop options (standalone ones and a chain's last step) whose removal leaves no
        store shorter, costliest first, until none can go."""
        short = self.short()
        dropped = True
        while dropped:
            dropped = False
            steps_before = {id(o.after) for o in self.chosen if o.after is not None}
            last = [o for o in self.chosen if id(o) not in steps_before]
            for option in sorted(last, key=lambda o: -o.cost):
                rest = [o for o in self.chosen if o is not option]
                if all(
                    _left_of(store, rest, self.needs) == short.get(store, 0)
                    for store in option.gains
                ):
                    self.chosen = rest
                    dropped = True
                    break


def _left_of(store: int, chosen: list[Option], needs: dict[int, int]) -> int:
    covered = union(part for o in chosen for part in o.gains.get(store, []))
    return max(0, needs.get(store, 0) - length(covered))


def greedy(options: list[Option], needs: dict[int, int]) -> Plan:
    """Best still-needed seconds per engineer-minute first (standalone options and the first
    steps of chains; a chain's next step once the one before is chosen); then options made
    redundant dropped, costliest first."""
    state = _Greedy(options, needs)
    order = {id(o): i for i, o in enumerate(options)}

    def entry(option: Option) -> tuple:
        score, cost, _ = state.best_run(option)
        # Most needed seconds per engineer-minute; on a tie the cheaper, then an existing
        # shift, then the first listed.
        return (-score, cost, option.new_shift, order[id(option)], option)

    heap = [entry(o) for o in options if o.after is None]
    heapq.heapify(heap)
    while heap and state.left.any():
        stale = heapq.heappop(heap)
        option = stale[-1]
        if not state.allowed(option):
            continue
        fresh = entry(option)
        if fresh[0] >= 0:
            continue  # covers nothing still needed (and never will: needs only shrink)
        if heap and fresh[:4] > heap[0][:4]:
            heapq.heappush(heap, fresh)  # others may now be better: look again
            continue
        run = state.best_run(option)[2]
        state.take(run)
        following = state.next_step.get(id(run[-1])) if run[-1].chain else None
        if following is not None:
            heapq.heappush(heap, entry(following))
    state.drop_redundant()
    short = state.short()
    bound = relaxed_bound(options, needs, reachable=needs.keys() - short.keys())
    return Plan("greedy", state.chosen, bound, short)


def in_order(chosen: list[Option]) -> list[tuple[Option, dict[int, int]]]:
    """The chosen options, best newly covered seconds per engineer-minute first, each with
    the seconds per store it adds after those before it (so the gains add up)."""
    covered: dict[int, list[Interval]] = defaultdict(list)
    ordered = []
    rest = list(chosen)
    while rest:

        def gained(option: Option) -> dict[int, int]:
            return {s: length(subtract(f, covered[s])) for s, f in option.gains.items()}

        best = max(rest, key=lambda o: (sum(gained(o).values()) / max(o.cost, 1), -o.cost))
        ordered.append((best, gained(best)))
        rest.remove(best)
        for store, found in best.gains.items():
            covered[store] = union(covered[store] + found)
    return ordered
