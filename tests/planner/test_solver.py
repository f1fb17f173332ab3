"""The solver alone (no database): VROOM places stops on engineer-days inside every window,
around existing visits, within regions, keeps a stop that is not due only for a short
detour, and answers the same for the same input."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest

from fieldops.core.geo import travel_minutes
from fieldops.planner.problem import EngineerDay, Fixed, Problem, Stop
from fieldops.planner.solver import screen, solve
from fieldops.planner.travel import duration_matrix

H = 3600
BASE = (41.8781, -87.6298)  # Chicago
MATRIX = partial(duration_matrix, road_factor=1.3, speed_kmh=60)


def north(km: float) -> tuple[float, float]:
    return (BASE[0] + km / 111.2, BASE[1])


def day(n: int = 0, **kw) -> EngineerDay:
    """Engineer 1's working day `n`: 08:00-17:00 (POSIX seconds from 0), from BASE."""
    kw.setdefault("base", BASE)
    return EngineerDay(
        kw.pop("engineer_id", 1), date(2026, 3, 5 + n), n * 24 * H + 8 * H, n * 24 * H + 17 * H,
        max_visits=kw.pop("max_visits", 3), **kw,
    )  # fmt: skip


def stop(store_id: int, km: float, windows=((9 * H, 18 * H),), **kw) -> Stop:
    return Stop(
        store_id,
        north(km),
        kw.pop("minutes", 120),
        tuple(windows),
        kw.pop("reasons", ("due",)),
        **kw,
    )


def drive(a, b) -> int:
    return int(MATRIX([a, b])[0, 1])


def test_the_matrix_is_the_drive_time_estimate_of_the_today_page():
    matrix = MATRIX([BASE, north(50), north(120)])
    for i, j in ((0, 1), (1, 2), (0, 2)):
        a, b = [BASE, north(50), north(120)][i], [BASE, north(50), north(120)][j]
        assert matrix[i, j] == matrix[j, i] == round(travel_minutes(a, b) * 60)
    assert matrix[0, 0] == 0


def test_stops_are_placed_in_their_windows_one_after_another_with_the_drives():
    stops = [stop(10, 20), stop(11, 30, windows=((13 * H, 15 * H),))]
    solution = solve(Problem(stops, [day()]), MATRIX)

    assert solution.left == []
    first, second = sorted(solution.placed, key=lambda p: p.start)
    assert (first.store_id, second.store_id) == (10, 11)
    assert first.start >= 9 * H and first.end == first.start + 2 * H
    assert 13 * H <= second.start <= 15 * H
    assert second.start >= first.end + drive(north(20), north(30))
    # drives rounded up to the minute: the visits start on the minute
    assert first.travel_before == -(-drive(BASE, north(20)) // 60) * 60
    assert second.travel_home == -(-drive(north(30), BASE) // 60) * 60
    assert first.start % 60 == second.start % 60 == 0
    assert second.end + second.travel_home <= 17 * H  # home within the working day


def test_an_overdue_store_goes_before_a_due_one_when_only_one_fits():
    stops = [stop(10, 5, reasons=("due",)), stop(11, 40, reasons=("overdue",))]
    solution = solve(Problem(stops, [day(max_visits=1)]), MATRIX)

    assert [p.store_id for p in solution.placed] == [11]
    assert solution.left == [10]


def test_existing_visits_stay_where_they_are_and_the_new_ones_route_around_them():
    busy = Fixed(7, north(10), 11 * H, 14 * H)
    stops = [stop(10, 12, windows=((9 * H, 16 * H),))]
    solution = solve(Problem(stops, [day(fixed=(busy,), max_visits=2)]), MATRIX)

    (placed,) = solution.placed
    assert placed.end + drive(
        north(12), north(10)
    ) <= busy.start or placed.start >= busy.end + drive(north(10), north(12))


def test_a_full_day_takes_no_more_visits_than_it_may_hold():
    busy = (Fixed(7, north(10), 9 * H, 10 * H), Fixed(8, north(10), 15 * H, 16 * H))
    solution = solve(Problem([stop(10, 12)], [day(fixed=busy, max_visits=2)]), MATRIX)

    assert solution.placed == [] and solution.left == [10]


def test_an_engineer_serves_only_their_regions():
    stops = [stop(10, 5, region="West"), stop(11, 6, region="Midwest")]
    solution = solve(Problem(stops, [day(regions=frozenset({"Midwest"}))]), MATRIX)

    assert [p.store_id for p in solution.placed] == [11]
    assert solution.left == [10]


def test_a_store_not_due_is_kept_only_when_its_detour_is_short():
    stops = [
        stop(10, 40),
        stop(11, 42, reasons=("open_issue",), optional=True),  # a few minutes off the way
        stop(12, -35, reasons=("open_issue",), optional=True),  # the other way: ~90 min more
    ]
    solution = solve(Problem(stops, [day()]), MATRIX, detour_limit=30 * 60)

    assert sorted(p.store_id for p in solution.placed) == [10, 11]
    assert solution.left == []  # a store not due is never "unplanned"


def test_the_same_input_gets_the_same_plan():
    stops = [stop(n, km) for n, km in enumerate((3, 8, 15, 22, 31, 44, 52), start=10)]
    days = [day(n, engineer_id=e, base=north(e * 10)) for n in range(3) for e in (1, 2)]

    answers = [solve(Problem(list(stops), days), MATRIX, threads=2) for _ in range(3)]

    assert answers[0] == answers[1] == answers[2]
    # the stops' windows are all on the first day: two engineers, three visits each
    assert len(answers[0].placed) == 6 and len(answers[0].left) == 1


def test_stores_nobody_covers_or_reaches_are_screened_out_with_the_reason():
    problem = Problem(
        [
            stop(10, 5, region="West"),  # nobody covers the West
            stop(11, 400, region="Midwest"),  # 2 x 8.7 h of driving does not fit a 9 h day
            stop(12, 600, region="Midwest", optional=True),  # not due: just left out
            stop(13, 20, region="Midwest"),
        ],
        [day(regions=frozenset({"Midwest"}))],
    )

    assert screen(problem, MATRIX) == {10: "no_engineer", 11: "out_of_reach"}
    assert [s.store_id for s in problem.stops] == [13]


@pytest.mark.parametrize("base", [None, BASE])
def test_a_day_without_a_base_starts_at_its_first_visit(base):
    solution = solve(Problem([stop(10, 100, minutes=60)], [day(base=base)]), MATRIX)

    (placed,) = solution.placed
    assert placed.travel_before == (0 if base is None else -(-drive(BASE, north(100)) // 60) * 60)


def test_days_solved_in_turn_fill_the_earliest_first():
    windows = [(n * 24 * H + 9 * H, n * 24 * H + 18 * H) for n in range(3)]
    stops = [stop(n, 10 + n, windows=windows) for n in range(10, 14)]
    days = [day(n, max_visits=3) for n in range(3)]

    solution = solve(Problem(stops, days), MATRIX, vehicles_per_solve=1)

    starts = sorted(p.start // (24 * H) for p in solution.placed)
    assert starts == [0, 0, 0, 1]  # three on the first day, the fourth on the next
    assert solution.left == []


def test_a_later_day_with_nothing_left_to_visit_is_skipped():
    stops = [stop(n, 10 + n) for n in range(10, 14)]  # all open on the first day only

    solution = solve(Problem(stops, [day(n) for n in range(3)]), MATRIX, vehicles_per_solve=1)

    assert len(solution.placed) == 3 and len(solution.left) == 1


def test_a_day_left_with_no_visit_once_a_long_detour_is_dropped_is_no_trouble():
    far_optional = stop(10, 45, reasons=("open_issue",), optional=True)  # 2 x 59 min away

    solution = solve(Problem([far_optional], [day()]), MATRIX, detour_limit=30 * 60)

    assert solution.placed == [] and solution.left == []


def test_a_due_store_with_an_open_issue_goes_before_a_plain_due_one():
    stops = [stop(10, 5, reasons=("due",)), stop(11, 40, reasons=("due", "open_issue"))]

    solution = solve(Problem(stops, [day(max_visits=1)]), MATRIX)

    assert [p.store_id for p in solution.placed] == [11]


def test_visits_start_on_five_minutes_unless_the_window_is_tighter():
    roomy = solve(Problem([stop(10, 23), stop(11, 31)], [day()]), MATRIX)
    assert all(p.start % 300 == 0 for p in roomy.placed)

    tight = stop(12, 23, windows=((9 * H + 3 * 60, 9 * H + 3 * 60),))  # 09:03 sharp
    (placed,) = solve(Problem([tight], [day()]), MATRIX).placed
    assert placed.start == 9 * H + 3 * 60
