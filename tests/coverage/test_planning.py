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
