"""The choice of shift changes (plain Python): overlapping gains count once, one change
per shift, and the greedy plan's lower bound."""

from __future__ import annotations

from fieldops.coverage.planning import Option, exact, greedy, in_order

HOUR = 3600


def test_minutes_two_shifts_would_both_cover_count_once():
    # Store 1 needs 2 h. A and B (different shifts) each cover the same first hour, and C
    # covers the second: A + B looks like 2 h but is 1 h; A + C is the answer.
    a = Option("shift:1", 60, {1: [(0, HOUR)]})
    b = Option("shift:2", 50, {1: [(0, HOUR)]})
    c = Option("shift:3", 70, {1: [(HOUR, 2 * HOUR)]})
    plan = exact([a, b, c], {1: 2 * HOUR})
    assert {o.group for o in plan.chosen} == {"shift:2", "shift:3"}
    assert (plan.lower_bound, plan.short) == (120, {})


def test_one_change_per_shift_and_what_cannot_be_reached_is_short():
    early = Option("shift:1", 30, {1: [(0, HOUR)]})
    late = Option("shift:1", 30, {1: [(2 * HOUR, 3 * HOUR)]})
    plan = exact([early, late], {1: 2 * HOUR})
    assert len(plan.chosen) == 1 and plan.short == {1: HOUR}


def test_greedy_meets_the_need_and_its_bound_is_below_its_cost():
    options = [
        Option("shift:1", 120, {1: [(0, 2 * HOUR)], 2: [(0, 2 * HOUR)]}),
        Option("shift:2", 60, {1: [(0, HOUR)]}),
        Option("shift:3", 60, {2: [(0, HOUR)]}),
    ]
    needs = {1: HOUR, 2: HOUR}
    plan, best = greedy(options, needs), exact(options, needs)
    assert plan.short == {} and best.lower_bound == 120
    assert plan.lower_bound <= best.lower_bound <= sum(o.cost for o in plan.chosen)


def test_in_order_gains_add_up_after_the_ones_before():
    a = Option("shift:1", 60, {1: [(0, 2 * HOUR)]})
    b = Option("shift:2", 60, {1: [(HOUR, 3 * HOUR)]})
    [(first, gained_first), (_, gained_second)] = in_order([b, a])
    assert gained_first == {1: 2 * HOUR} and gained_second == {1: HOUR}
    assert first in (a, b)


def _chain(group: str, side: str, steps: list[tuple[int, dict]]) -> list[Option]:
    found: list[Option] = []
    for cost, gains in steps:
        found.append(Option(group, cost, gains, chain=side, after=found[-1] if found else None))
    return found


def test_a_step_is_taken_only_after_the_one_before_and_both_ends_may_move():
    # Store 1's customers stay 30 min before the start and 45 min past the end; the first
    # step past the end covers little, the second much. Both ends move: one shift, one change.
    earlier = _chain("shift:1", "earlier", [(30, {1: [(0, 1800)]})])
    later = _chain("shift:1", "later", [(15, {1: [(9000, 9300)]}), (30, {1: [(9300, 11700)]})])
    needs = {1: 1800 + 2700}
    for solve in (exact, greedy):
        plan = solve([*earlier, *later], needs)
        assert set(plan.chosen) == {*earlier, *later}, solve.__name__
        assert plan.short == {}
    assert exact([*earlier, *later], needs).lower_bound == 75


def test_greedy_looks_past_a_first_step_that_covers_little():
    later = _chain("shift:1", "later", [(15, {1: [(0, 60)]}), (15, {1: [(60, 1800)]})])
    new = Option("new:1", 60, {1: [(0, 1800)]}, new_shift=True)
    plan = greedy([*later, new], {1: 1800})
    assert plan.chosen == later and plan.short == {}


def test_a_weekday_added_excludes_moving_the_same_shift():
    sunday = Option("shift:1", 60, {1: [(0, HOUR)]})
    later = _chain("shift:1", "later", [(30, {1: [(2 * HOUR, 3 * HOUR)]})])
    for solve in (exact, greedy):
        plan = solve([sunday, *later], {1: 2 * HOUR})
        assert len(plan.chosen) == 1 and plan.short == {1: HOUR}, solve.__name__


def test_a_cheap_far_step_costs_the_steps_before_it():
    # The second step alone would be cheapest, but it needs the first: a new shift wins.
    later = _chain("shift:1", "later", [(100, {1: [(0, 60)]}), (15, {1: [(60, 1800)]})])
    new = Option("new:1", 60, {1: [(0, 1800)]}, new_shift=True)
    for solve in (exact, greedy):
        plan = solve([*later, new], {1: 1800})
        assert plan.chosen == [new], solve.__name__
    assert exact([*later, new], {1: 1800}).lower_bound == 60
