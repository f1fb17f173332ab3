"""The visit planner's yardstick: a nearest-neighbour plan of the same problem.

Each free stretch of each engineer-day, earliest first, takes the nearest store it can
still reach, visit within one of the store's windows and leave in time to end the stretch,
then the nearest from there, as long as the day has room. Drives are those of the solver
(the same matrix, in whole minutes), so the two plans' travel compares like with like.
"""

from __future__ import annotations

from bisect import bisect_left

from fieldops.planner.problem import Placed, Problem, Solution
from fieldops.planner.solver import MatrixOf


def nearest_neighbour(problem: Problem, matrix_of: MatrixOf) -> Solution:
    points = list(dict.fromkeys([s.location for s in problem.stops]
                                + [p for d in problem.days for f in d.stretches()
                                   for p in (f.start_at, f.end_at) if p is not None]))  # fmt: skip
    index = {p: i for i, p in enumerate(points)}
    matrix = (-(-matrix_of(points) // 60) * 60).tolist()

    def drive(a, b) -> int:
        return 0 if a is None or b is None else matrix[index[a]][index[b]]

    ends = [[b for _, b in stop.windows] for stop in problem.stops]
    left = set(range(len(problem.stops)))
    room = {(d.engineer_id, d.day): d.room for d in problem.days}
    stretches = sorted(
        (f for d in problem.days for f in d.stretches()),
        key=lambda f: (f.opens, f.day.engineer_id),
    )
    solution = Solution()
    for stretch in stretches:
        day = stretch.day
        at, now = stretch.start_at, -(-stretch.opens // 60) * 60
        last = None
        while room[(day.engineer_id, day.day)] and left:
            best = None
            for n in left:
                stop = problem.stops[n]
                if day.regions and stop.region not in day.regions:
                    continue
                there = drive(at, stop.location)
                arrive = now + there
                w = bisect_left(ends[n], arrive)
                if w == len(ends[n]):
                    continue
                start = max(stop.windows[w][0], arrive)
                end = start + stop.minutes * 60
                if end + drive(stop.location, stretch.end_at) > stretch.closes:
                    continue
                if best is None or (there, start, n) < best[:3]:
                    best = (there, start, n, end)
            if best is None:
                break
            there, start, n, end = best
            stop = problem.stops[n]
            last = Placed(stop.store_id, day.engineer_id, start, end, there)
            solution.placed.append(last)
            left.discard(n)
            room[(day.engineer_id, day.day)] -= 1
            at, now = stop.location, end
        if last is not None and stretch.home:
            last.travel_home = drive(at, stretch.end_at)
    solution.left = sorted(problem.stops[n].store_id for n in left if not problem.stops[n].optional)
    return solution
