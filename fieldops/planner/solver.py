"""The planner's solver: VROOM (through pyvroom) on our own duration matrix.

One VROOM job per store (its start windows, its visit length, its priority) and one
vehicle per free stretch of an engineer-day: from the base, or from an existing visit's
store when it ends, to the next existing visit's store by its start, or back to the base
by the end of the working day. Existing visits thus stay exactly where they are, with the
drives to and from them. Region limits are VROOM skills. VROOM maximises the priority it
places, then minimises the drive; a store that is not due is then kept only when leaving
it out saves more than the detour limit, and a day keeps no more visits than it may hold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import vroom

from fieldops.core.geo import Point
from fieldops.planner.problem import Placed, Problem, Solution, Stop, Stretch

MatrixOf = Callable[[Sequence[Point]], np.ndarray]
VEHICLES_PER_SOLVE = 600  # stretches (VROOM vehicles) solved at once
ROUND_TO = 5 * 60  # visits start on a multiple of five minutes where the day allows


@dataclass(frozen=True)
class _Stretch:
    """A free stretch (problem.Stretch) with its ends as matrix indices."""

    free: Stretch
    start_at: int
    end_at: int


@dataclass
class _Entry:
    """A new visit on a solved stretch: where (a matrix index), which stop, when."""

    location: int
    stop: int
    start: int


class _Locations:
    """The distinct points of a problem, indexed for the matrix; "anywhere" (a stretch
    that starts or ends at no known place) is the index after the last point."""

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
    vehicles_per_solve: int = VEHICLES_PER_SOLVE,
) -> Solution:
    """Place the problem's stops on its engineer-days (deterministic for the same input).

    The days are solved in turn, as many whole days at once as hold `vehicles_per_solve`
    stretches: VROOM's memory grows with the square of its vehicles (a region of 115
    engineers over 28 days took more than 20 GB), and the earliest days take the stores
    first, as soon as may be."""
    places = _Locations()
    stop_at = [places.of(stop.location) for stop in problem.stops]
    served = {stop.region for stop in problem.stops}
    free = [
        stretch
        for day in problem.days
        if not day.regions or day.regions & served  # a day for no stop's region: no vehicle
        for stretch in day.stretches()
    ]
    ends = [(places.of(f.start_at), places.of(f.end_at)) for f in free]
    anywhere = len(places.points)
    stretches = [
        _Stretch(f, anywhere if a is None else a, anywhere if b is None else b)
        for f, (a, b) in zip(free, ends, strict=True)
    ]
    solution = Solution()
    todo = set(range(len(problem.stops)))
    # Drives in whole minutes (rounded up); no drive leads to or from "anywhere".
    matrix = np.pad(-(-matrix_of(places.points) // 60) * 60, ((0, 1), (0, 1)))
    regions = {r: i for i, r in enumerate(sorted({s.region or "" for s in problem.stops}))}
    for batch in _batches(stretches, vehicles_per_solve):
        if not todo:
            break
        routes = _solve_batch(problem, batch, sorted(todo), stop_at, matrix, regions,
                              exploration_level, threads)  # fmt: skip
        _drop_long_detours(routes, problem, batch, matrix, detour_limit)
        _keep_within_days(routes, problem, batch)
        todo -= _place(routes, problem, batch, matrix, solution)
    solution.left = [
        problem.stops[n].store_id for n in sorted(todo) if not problem.stops[n].optional
    ]
    return solution


def _batches(stretches: list[_Stretch], size: int) -> Iterator[list[_Stretch]]:
    """The stretches by date, earliest first, in runs of whole days of at most `size`
    stretches (or one day, if a day alone has more)."""
    by_date: dict[date, list[_Stretch]] = {}
    for stretch in stretches:
        by_date.setdefault(stretch.free.day.day, []).append(stretch)
    batch: list[_Stretch] = []
    for day in sorted(by_date):
        if batch and len(batch) + len(by_date[day]) > size:
            yield batch
            batch = []
        batch += by_date[day]
    if batch:
        yield batch


def _solve_batch(
    problem: Problem,
    batch: list[_Stretch],
    todo: list[int],
    stop_at: list[int | None],
    matrix: np.ndarray,
    regions: dict[str, int],
    exploration_level: int,
    threads: int,
) -> dict[int, list[_Entry]]:
    epoch = min(s.free.opens for s in batch) // 60 * 60
    last = max(s.free.closes for s in batch)
    problem_input = vroom.Input()
    problem_input.set_durations_matrix(profile="car", matrix_input=_minutes(matrix, batch))
    _add_vehicles(problem_input, batch, epoch, regions)
    if not _add_stops(problem_input, problem.stops, todo, stop_at, (epoch, last), regions):
        return {}  # no stop left can be visited on these days
    answer = problem_input.solve(exploration_level=exploration_level, nb_threads=threads)
    return _routes(answer.to_dict(), stop_at, epoch)


def _minutes(matrix: np.ndarray, stretches: list[_Stretch]) -> list[list[int]]:
    """VROOM's matrix: minutes (VROOM's time unit here: visits start on the minute), a
    drive longer than any stretch cut to just that (it fits no stretch either way).
    VROOM refuses a problem whose bound on the total cost could overflow 32 bits; with
    a vehicle per stretch, seconds over a region 1,500 km wide did."""
    longest = max(s.free.closes - s.free.opens for s in stretches) // 60 + 1
    return np.minimum(matrix // 60, longest).tolist()


def _in_minutes(start: int, end: int, epoch: int) -> tuple[int, int] | None:
    """A window of POSIX seconds as whole minutes after `epoch`, within it (the start
    rounded up, the end down); None when no whole minute of it is left."""
    first, last = max(-(-(start - epoch) // 60), 0), (end - epoch) // 60
    return (first, last) if first <= last else None


def _add_vehicles(
    problem_input: vroom.Input, stretches: list[_Stretch], epoch: int, regions: dict[str, int]
) -> None:
    """One vehicle per free stretch: the regions its engineer serves as skills (a store
    with no region is ""), room for the visits its day may still take."""
    for n, stretch in enumerate(stretches):
        day = stretch.free.day
        problem_input.add_vehicle(
            vroom.Vehicle(
                n,
                start=stretch.start_at,
                end=stretch.end_at,
                skills={i for r, i in regions.items() if not day.regions or r in day.regions},
                time_window=vroom.TimeWindow(
                    *(_in_minutes(stretch.free.opens, stretch.free.closes, epoch) or (0, 0))
                ),
                max_tasks=day.room,
            )
        )


def _add_stops(
    problem_input: vroom.Input,
    stops: list[Stop],
    todo: list[int],
    stop_at: list[int | None],
    span: tuple[int, int],
    regions: dict[str, int],
) -> int:
    """The stops still to place, with their windows inside the batch's `span`; how many."""
    epoch, last = span
    added = 0
    for n in todo:
        stop = stops[n]
        windows = [w for a, b in stop.windows if a < last and (w := _in_minutes(a, b, epoch))]
        if not windows:
            continue
        problem_input.add_job(
            vroom.Job(
                n,
                location=stop_at[n],
                default_service=stop.minutes,
                skills={regions[stop.region or ""]},
                priority=stop.priority,
                time_windows=[vroom.TimeWindow(a, b) for a, b in windows],
            )
        )
        added += 1
    return added


def _routes(answer: dict, stop_at: list[int | None], epoch: int) -> dict[int, list[_Entry]]:
    """Each stretch's new visits in order."""
    routes: dict[int, list[_Entry]] = {}
    for route in answer.get("routes", []):
        routes[route["vehicle"]] = [
            _Entry(
                stop_at[step["id"]],
                step["id"],
                (step["arrival"] + step["waiting_time"] + step["setup"]) * 60 + epoch,
            )
            for step in route["steps"]
            if step["type"] == "job"
        ]
    return routes


def _leg(matrix: np.ndarray, a: int, b: int) -> int:
    return int(matrix[a, b])


def _detour(entries: list[_Entry], i: int, stretch: _Stretch, matrix: np.ndarray) -> int:
    before = entries[i - 1].location if i else stretch.start_at
    after = entries[i + 1].location if i + 1 < len(entries) else stretch.end_at
    here = entries[i].location
    return _leg(matrix, before, here) + _leg(matrix, here, after) - _leg(matrix, before, after)


def _drop_long_detours(
    routes: dict[int, list[_Entry]],
    problem: Problem,
    stretches: list[_Stretch],
    matrix: np.ndarray,
    limit: int,
) -> None:
    """Leave out, longest first, each store that is not due whose visit adds more than
    `limit` seconds of driving to its stretch (the rest keeps its times: the engineer
    arrives earlier and waits, as the windows allow)."""
    for vehicle, entries in routes.items():
        while True:
            detours = [
                (_detour(entries, i, stretches[vehicle], matrix), i)
                for i, entry in enumerate(entries)
                if problem.stops[entry.stop].optional
            ]
            longest = max(detours, default=None)
            if longest is None or longest[0] <= limit:
                break
            del entries[longest[1]]


def _keep_within_days(
    routes: dict[int, list[_Entry]], problem: Problem, stretches: list[_Stretch]
) -> None:
    """A day split by existing visits may have taken more new visits over its stretches
    than it may hold: leave out the least pressing (then the latest) until it fits."""
    by_day: dict[tuple[int, date], list[tuple[int, _Entry]]] = {}
    rooms: dict[tuple[int, date], int] = {}
    for vehicle, entries in routes.items():
        day = stretches[vehicle].free.day
        by_day.setdefault((day.engineer_id, day.day), []).extend((vehicle, e) for e in entries)
        rooms[(day.engineer_id, day.day)] = day.room
    for key, placed in by_day.items():
        extra = len(placed) - rooms[key]
        ranked = sorted(placed, key=lambda ve: (problem.stops[ve[1].stop].priority, -ve[1].start))
        for vehicle, entry in ranked[: max(extra, 0)]:
            routes[vehicle].remove(entry)


def _round_starts(
    entries: list[_Entry], problem: Problem, stretch: _Stretch, matrix: np.ndarray
) -> None:
    """Start the stretch's visits on a multiple of five minutes (09:05, not 09:03) where
    the whole stretch still fits: each start in its window, the next stop reached in time,
    the stretch's end in time; else keep VROOM's times."""
    starts = []
    ready = 0  # when the engineer can start the next visit
    for i, entry in enumerate(entries):
        stop = problem.stops[entry.stop]
        start = -(-max(entry.start, ready) // ROUND_TO) * ROUND_TO
        if not any(a <= entry.start <= b and start <= b for a, b in stop.windows):
            return
        starts.append(start)
        after = entries[i + 1].location if i + 1 < len(entries) else stretch.end_at
        ready = start + stop.minutes * 60 + _leg(matrix, entry.location, after)
    if ready <= stretch.free.closes:
        for entry, start in zip(entries, starts, strict=True):
            entry.start = start


def _place(
    routes: dict[int, list[_Entry]],
    problem: Problem,
    stretches: list[_Stretch],
    matrix: np.ndarray,
    solution: Solution,
) -> set[int]:
    """Add the batch's visits to the solution, with their drives; the stops placed."""
    placed: set[int] = set()
    for vehicle, entries in sorted(routes.items()):
        stretch = stretches[vehicle]
        _round_starts(entries, problem, stretch, matrix)
        previous = stretch.start_at
        for entry in entries:
            stop = problem.stops[entry.stop]
            solution.placed.append(
                Placed(
                    store_id=stop.store_id,
                    engineer_id=stretch.free.day.engineer_id,
                    start=entry.start,
                    end=entry.start + stop.minutes * 60,
                    travel_before=_leg(matrix, previous, entry.location),
                )
            )
            placed.add(entry.stop)
            previous = entry.location
        if entries and stretch.free.home:  # the day ends with a new visit: the drive home
            solution.placed[-1].travel_home = _leg(matrix, previous, stretch.end_at)
    return placed
