"""Choosing changes to support shifts: which options close the coverage gaps for the fewest
engineer-minutes (plain Python and OR-Tools, no database).

An option newly covers some of each store's uncovered time. Options of different shifts may
cover the same minutes, so gains do not add up: each store's uncovered time is cut into
atoms at every option's edges, and an atom counts once however many chosen options cover it.
This makes the exact model's coverage constraint exact with one boolean per atom.

- `exact`: CP-SAT over booleans (an option chosen, an atom covered); at most one option per
  group (a shift); each store's covered seconds reach its need, or what is short is reported.
- `greedy`: repeatedly the option with the most still-needed seconds per engineer-minute,
  then options the rest made redundant are dropped, costliest first. Its lower bound is the
  cost of the LP relaxation of the exact model (GLOP).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from fieldops.coverage.intervals import Interval, length, subtract, union

SOLVE_SECONDS = 10.0


@dataclass(frozen=True)
class Option:
    """One possible change: its group (at most one option per group), its cost in
    engineer-minutes a week, and per store id the uncovered intervals it would cover."""

    group: str
    cost: int
    gains: dict[int, list[Interval]]
    new_shift: bool = False  # on a tie, changing an existing shift is preferred

    @property
    def seconds(self) -> int:
        return sum(length(found) for found in self.gains.values())


@dataclass(frozen=True)
class Plan:
    method: str
    chosen: list[Option]
    lower_bound: int  # engineer-minutes a week no plan reaching the needs can go below
    short: dict[int, int] = field(default_factory=dict)  # store id -> seconds still missing


@dataclass(frozen=True)
class Atoms:
    """Each store's uncovered time cut at every option's edges: (store, seconds, options)."""

    rows: list[tuple[int, int, list[int]]]

    @classmethod
    def of(cls, options: list[Option]) -> Atoms:
        edges: dict[int, set[int]] = defaultdict(set)
        for option in options:
            for store, found in option.gains.items():
                for start, end in found:
                    edges[store].update((start, end))
        rows = []
        for store, points in edges.items():
            cuts = sorted(points)
            covering: dict[int, list[int]] = defaultdict(list)
            for index, option in enumerate(options):
                for start, end in option.gains.get(store, []):
                    for atom in range(bisect_left(cuts, start), bisect_left(cuts, end)):
                        covering[atom].append(index)
            rows += [(store, cuts[a + 1] - cuts[a], covering[a]) for a in sorted(covering)]
        return cls(rows)


def _weights(options: list[Option]) -> tuple[list[int], int]:
    """Objective weights: twice the cost plus one for a new shift (the tie-break), and the
    weight of a second short, larger than any plan's cost."""
    weights = [2 * o.cost + o.new_shift for o in options]
    return weights, sum(weights) + 1


def _groups(options: list[Option]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for index, option in enumerate(options):
        found[option.group].append(index)
    return found


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
    for members in _groups(options).values():
        model.add_at_most_one(picked[i] for i in members)
    weights, per_second = _weights(options)
    model.minimize(
        sum(w * x for w, x in zip(weights, picked, strict=True)) + per_second * sum(short.values())
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = SOLVE_SECONDS
    solver.parameters.num_workers = 1  # the same answer every time
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return greedy(options, needs)
    chosen = [o for o, x in zip(options, picked, strict=True) if solver.boolean_value(x)]
    cost = sum(o.cost for o in chosen)
    bound = cost if status == cp_model.OPTIMAL else relaxed_bound(options, needs)
    missing = {s: solver.value(v) for s, v in short.items() if solver.value(v)}
    return Plan("exact", chosen, bound, missing)


def relaxed_bound(options: list[Option], needs: dict[int, int]) -> int:
    """The engineer-minutes of the exact model's LP relaxation (options and atoms taken in
    fractions, each store's need capped at what all options together could cover): no plan
    meeting the needs costs less. Built row by row (coefficients, not Python expressions,
    which are slow for thousands of atoms)."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    infinity = solver.infinity()
    atoms = Atoms.of(options)
    picked = [solver.NumVar(0, 1, "") for _ in options]
    reach: dict[int, int] = defaultdict(int)
    for store, seconds, _ in atoms.rows:
        reach[store] += seconds
    enough = {
        store: solver.Constraint(min(need, reach[store]), infinity)
        for store, need in needs.items()
        if min(need, reach[store])
    }
    for store, seconds, by in atoms.rows:
        if store not in enough:
            continue
        atom = solver.NumVar(0, 1, "")
        enough[store].SetCoefficient(atom, seconds)
        covered = solver.Constraint(-infinity, 0)  # atom <= sum of the options covering it
        covered.SetCoefficient(atom, 1)
        for index in by:
            covered.SetCoefficient(picked[index], -1)
    for members in _groups(options).values():
        one = solver.Constraint(-infinity, 1)
        for index in members:
            one.SetCoefficient(picked[index], 1)
    objective = solver.Objective()
    for option, x in zip(options, picked, strict=True):
        objective.SetCoefficient(x, option.cost)
    objective.SetMinimization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return 0  # at most one per group cannot reach what all options could: no bound
    return math.floor(objective.Value() + 1e-6)  # costs are whole minutes


def _useful(option: Option, covered: dict[int, list[Interval]], left: dict[int, int]) -> int:
    """Seconds still needed that the option would cover."""
    return sum(
        min(length(subtract(found, covered[store])), left[store])
        for store, found in option.gains.items()
        if left.get(store, 0) > 0
    )


def _left(chosen: list[Option], needs: dict[int, int]) -> dict[int, int]:
    covered: dict[int, list[Interval]] = defaultdict(list)
    for option in chosen:
        for store, found in option.gains.items():
            covered[store] = union(covered[store] + found)
    return {store: max(0, need - length(covered[store])) for store, need in needs.items()}


def greedy(options: list[Option], needs: dict[int, int]) -> Plan:
    """Best still-needed seconds per engineer-minute first, one option per group; then
    options made redundant dropped, costliest first."""
    chosen: list[Option] = []
    used: set[str] = set()
    covered: dict[int, list[Interval]] = defaultdict(list)
    left = dict(needs)
    while any(left.values()):
        # Most needed seconds per engineer-minute; on a tie the cheaper, then an existing shift.
        scored = [
            (_useful(o, covered, left) / max(o.cost, 1), -o.cost, -o.new_shift, -i)
            for i, o in enumerate(options)
            if o.group not in used
        ]
        top = max(scored, default=None)
        if top is None or top[0] <= 0:
            break
        best = options[-top[3]]
        chosen.append(best)
        used.add(best.group)
        for store, found in best.gains.items():
            covered[store] = union(covered[store] + found)
        left = _left(chosen, needs)
    short = {s: n for s, n in left.items() if n}
    for option in sorted(chosen, key=lambda o: -o.cost):
        rest = [o for o in chosen if o is not option]
        if {s: n for s, n in _left(rest, needs).items() if n} == short:
            chosen = rest
    return Plan("greedy", chosen, relaxed_bound(options, needs), short)


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
