"""The planner's solver: VROOM (through pyvroom) on our own duration matrix.

One VROOM vehicle per engineer-day (its working hours, from its base and back), one job
per store (its start windows, its visit length, its priority), and the engineer's existing
visits as jobs pinned to that engineer at their own time, so the new ones route around
them. Region limits and the pinning are VROOM skills. VROOM maximises the priority it
places, then minimises the drive; a store that is not due is then kept only when leaving
it out would save more than the detour limit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import vroom

from fieldops.core.geo import Point
from fieldops.planner.problem import EngineerDay, Placed, Problem, Solution, Stop

MatrixOf = Callable[[Sequence[Point]], np.ndarray]
PINNED = 1_000_000  # job ids from here are existing visits
PIN_SKILL = 1_000_000  # + an engineer's index: the skill that pins their existing visits
FIXED_PRIORITY = 100


@dataclass
class _Entry:
    """A stop on a solved route: where (a matrix index, None for an existing visit at a
    store with no position) and, for a new visit, which stop and when."""

    location: int | None
    stop: int | None = None
    start: int = 0


class _Locations:
    """The distinct points of a problem, indexed for the matrix."""

    def __init__(self) -> None:
        self.points: list[Point] = []
        self._index: dict[Point, int] = {}

    def of(self, point: Point | None) -> int | None:
        if point is None:
            return None
        if point not in self._index:
            self._index[point] = len(self.points)
            self.points.append(point)
        return self._index[point]


def screen(problem: Problem, matrix_of: MatrixOf) -> dict[int, str]:
    """Take out of the problem the stores no engineer-day could visit, with the reason:
    `no_engineer` when no engineer covers the store's region, `out_of_reach` when none can
    drive from their base, stay the whole visit and drive back within a working day. A
    store that is not due just leaves."""
    # Engineer-days differ, for this, only by regions, base and length.
    kinds = sorted(
        {(day.regions, day.base, day.end - day.start) for day in problem.days},
        key=lambda kind: (sorted(kind[0]), kind[1] or (0.0, 0.0), kind[2]),
    )
    bases = {base: i for i, base in enumerate(sorted({k[1] for k in kinds if k[1] is not None}))}
    matrix = matrix_of(list(bases) + [stop.location for stop in problem.stops])
    reasons: dict[int, str] = {}
    kept = []
    for n, stop in enumerate(problem.stops):
        serving = [k for k in kinds if not k[0] or stop.region in k[0]]
        reachable = any(
            base is None or 2 * matrix[bases[base], len(bases) + n] + stop.minutes * 60 <= length
            for _, base, length in serving
        )
        if serving and reachable:
            kept.append(stop)
        elif not stop.optional:
            reasons[stop.store_id] = "out_of_reach" if serving else "no_engineer"
    problem.stops[:] = kept
    return reasons


def solve(
    problem: Problem,
    matrix_of: MatrixOf,
    *,
    exploration_level: int = 5,
    threads: int = 1,
    detour_limit: int = 30 * 60,
) -> Solution:
    """Place the problem's stops on its engineer-days (deterministic for the same input)."""
    if not problem.stops:
        return Solution()
    if not problem.days:
        return Solution(left=[s.store_id for s in problem.stops if not s.optional])
    places = _Locations()
    stop_at = [places.of(stop.location) for stop in problem.stops]
    base_at = [places.of(day.base) for day in problem.days]
    for day in problem.days:
        for fixed in day.fixed:
            places.of(fixed.location)
    # VROOM needs somewhere to start: a day with no base starts and ends "anywhere", a
    # last place no drive leads to or from.
    anywhere = len(places.points)
    vehicle_at = [anywhere if at is None else at for at in base_at]
    epoch = min(day.start for day in problem.days) // 60 * 60
    problem_input = vroom.Input()
    regions = {r: i for i, r in enumerate(sorted({s.region or "" for s in problem.stops}))}
    pinned = _add_vehicles(problem_input, problem, places, vehicle_at, epoch, regions)
    _add_stops(problem_input, problem.stops, stop_at, epoch, regions)
    # Whole minutes (rounded up), so that visits start on the minute; the last row is
    # "anywhere".
    matrix = np.pad(-(-matrix_of(places.points) // 60) * 60, ((0, 1), (0, 1)))
    problem_input.set_durations_matrix(profile="car", matrix_input=matrix.tolist())
    answer = problem_input.solve(exploration_level=exploration_level, nb_threads=threads).to_dict()
    routes = _routes(answer, pinned, stop_at, epoch)
    _drop_long_detours(routes, problem, base_at, matrix, detour_limit)
    return _solution(routes, problem, base_at, matrix)


def _skills_of(day: EngineerDay, engineer: int, regions: dict[str, int]) -> set[int]:
    """The regions' skills the engineer-day serves (a store with no region is "") and the
    skill pinning this engineer's existing visits."""
    served = {i for region, i in regions.items() if not day.regions or region in day.regions}
    return served | {PIN_SKILL + engineer}


def _add_vehicles(
    problem_input: vroom.Input,
    problem: Problem,
    places: _Locations,
    vehicle_at: list[int],
    epoch: int,
    regions: dict[str, int],
) -> dict[int, int]:
    """One vehicle per engineer-day, and its existing visits pinned to it; answers the
    pinned job ids (so the solution can tell them from new visits)."""
    engineers: dict[int, int] = {}
    pinned: dict[int, int] = {}
    for n, day in enumerate(problem.days):
        engineer = engineers.setdefault(day.engineer_id, len(engineers))
        breaks = []
        for fixed in day.fixed:
            start, length = fixed.start - epoch, fixed.end - fixed.start
            if fixed.location is None:
                breaks.append(
                    vroom.Break(PINNED + len(pinned), [vroom.TimeWindow(start, start)], length)
                )
                pinned[PINNED + len(pinned)] = n
                continue
            job_id = PINNED + len(pinned)
            pinned[job_id] = n
            problem_input.add_job(
                vroom.Job(
                    job_id,
                    location=places.of(fixed.location),
                    default_service=length,
                    skills={PIN_SKILL + engineer},
                    priority=FIXED_PRIORITY,
                    time_windows=[vroom.TimeWindow(start, start)],
                )
            )
        problem_input.add_vehicle(
            vroom.Vehicle(
                n,
                start=vehicle_at[n],
                end=vehicle_at[n],
                skills=_skills_of(day, engineer, regions),
                time_window=vroom.TimeWindow(-(-(day.start - epoch) // 60) * 60, day.end - epoch),
                breaks=breaks,
                max_tasks=max(day.max_visits, len(day.fixed)),
            )
        )
    return pinned


def _add_stops(
    problem_input: vroom.Input,
    stops: list[Stop],
    stop_at: list[int | None],
    epoch: int,
    regions: dict[str, int],
) -> None:
    for n, stop in enumerate(stops):
        windows = [(a - epoch, b - epoch) for a, b in stop.windows if b >= epoch]
        if not windows:
            continue
        problem_input.add_job(
            vroom.Job(
                n,
                location=stop_at[n],
                default_service=stop.minutes * 60,
                skills={regions[stop.region or ""]},
                priority=stop.priority,
                time_windows=[vroom.TimeWindow(max(a, 0), b) for a, b in windows],
            )
        )


def _routes(
    answer: dict, pinned: dict[int, int], stop_at: list[int | None], epoch: int
) -> dict[int, list[_Entry]]:
    """Each vehicle's (engineer-day's) visits in order, new and existing."""
    routes: dict[int, list[_Entry]] = {}
    for route in answer.get("routes", []):
        entries = routes.setdefault(route["vehicle"], [])
        for step in route["steps"]:
            if step["type"] != "job":
                continue
            job = step["id"]
            if job in pinned:
                entries.append(_Entry(step["location_index"]))
            else:
                start = step["arrival"] + step["waiting_time"] + step["setup"] + epoch
                entries.append(_Entry(stop_at[job], job, start))
    return routes


def _leg(matrix: np.ndarray, a: int | None, b: int | None) -> int:
    return 0 if a is None or b is None else int(matrix[a, b])


def _detour(entries: list[_Entry], i: int, base: int | None, matrix: np.ndarray) -> int:
    before = entries[i - 1].location if i else base
    after = entries[i + 1].location if i + 1 < len(entries) else base
    here = entries[i].location
    return _leg(matrix, before, here) + _leg(matrix, here, after) - _leg(matrix, before, after)


def _drop_long_detours(
    routes: dict[int, list[_Entry]],
    problem: Problem,
    base_at: list[int | None],
    matrix: np.ndarray,
    limit: int,
) -> None:
    """Leave out, longest first, each store that is not due whose visit adds more than
    `limit` seconds of driving to its day (the rest of the day keeps its times: the
    engineer arrives earlier and waits, as the windows allow)."""
    for vehicle, entries in routes.items():
        while True:
            detours = [
                (_detour(entries, i, base_at[vehicle], matrix), i)
                for i, entry in enumerate(entries)
                if entry.stop is not None and problem.stops[entry.stop].optional
            ]
            longest = max(detours, default=None)
            if longest is None or longest[0] <= limit:
                break
            del entries[longest[1]]


def _solution(
    routes: dict[int, list[_Entry]], problem: Problem, base_at: list[int | None], matrix: np.ndarray
) -> Solution:
    solution = Solution()
    placed: set[int] = set()
    for vehicle, entries in sorted(routes.items()):
        day = problem.days[vehicle]
        previous = base_at[vehicle]
        last = None
        for entry in entries:
            if entry.location is None:
                continue  # an existing visit at a store with no position: no drive known
            last = None
            if entry.stop is not None:
                stop = problem.stops[entry.stop]
                last = Placed(
                    store_id=stop.store_id,
                    engineer_id=day.engineer_id,
                    start=entry.start,
                    end=entry.start + stop.minutes * 60,
                    travel_before=_leg(matrix, previous, entry.location),
                )
                solution.placed.append(last)
                placed.add(entry.stop)
            previous = entry.location
        if last is not None:  # the day ends with a new visit: the drive home is the plan's
            last.travel_home = _leg(matrix, previous, base_at[vehicle])
    solution.left = [
        stop.store_id
        for n, stop in enumerate(problem.stops)
        if n not in placed and not stop.optional
    ]
    return solution
