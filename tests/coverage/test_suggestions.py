"""/api/coverage/suggestions: shift changes that close coverage gaps, on hand-worked cases.

Every plan is applied through its `apply` requests, and coverage read again must reach the
threshold with the figures of `after`.
"""

from __future__ import annotations

from datetime import time

import pytest

from fieldops.clock import utcnow
from fieldops.coverage.suggestions import suggest
from tests.coverage.helpers import add_shift
from tests.coverage.test_api import learn

WEEK = "from=2026-03-16&days=7"  # Mon 16 to Sun 22 March 2026, no clock change
ACROSS_DST = "from=2026-03-05&days=7"  # US clocks go forward on Sunday 8 March
EVERY_DAY = [(d, time(10), time(18)) for d in range(7)]


def plan(client, query: str) -> dict:
    r = client.get(f"/api/coverage/suggestions?{query}")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def apply_all(client, body: dict) -> None:
    for suggestion in body["suggestions"]:
        request = suggestion["apply"]
        send = getattr(client, request["method"].lower())
        r = send(request["path"], json=request["body"])
        assert r.status_code in (200, 201), r.get_json()


def region_percent(client, query: str, region: str) -> float:
    body = client.get(f"/api/coverage?region={region}&{query}").get_json()
    return body["totals"]["real"]["percent"]


def applied(client, query: str, region: str) -> dict:
    """The plan, applied: coverage read again matches `after` and reaches the threshold."""
    body = plan(client, query)
    apply_all(client, body)
    after = region_percent(client, query.split("&threshold")[0], region)
    assert after == body["after"]["real_percent"]
    assert after >= body["threshold"]
    assert plan(client, query)["suggestions"] == []
    return body


def test_customers_staying_90_minutes_past_friday_s_end_move_it(now, app, build, as_admin):
    # Posted Mon-Sat 09:00-20:00; customers really stay to 21:30 on Fridays. The Friday
    # shift ends at 20:00: ending at 21:30 costs 90 engineer-minutes a week (one engineer),
    # as a new 20:00-21:30 shift would; changing the existing shift wins the tie.
    store = build.store(code="LATE", region="Mid")
    learn(app, store, {4: (time(9), time(21, 30))})
    add_shift(app, region="Mid", weekdays=[0, 1, 2, 3, 5], start=time(9))
    friday = add_shift(app, region="Mid", name="Fri", weekdays=[4], start=time(9))
    body = applied(as_admin, f"{WEEK}&region=Mid&threshold=100", "Mid")
    [only] = body["suggestions"]
    assert only["added_minutes_per_week"] == 90
    assert only["covered_minutes_gained"] == 90
    assert only["stores"] == [store.id]
    assert only["apply"] == {
        "method": "PATCH",
        "path": f"/api/shifts/{friday}",
        "body": {"end": "21:30", "version": 1},
    }
    assert only["summary"] == "Run Fri 09:00–21:30 instead of 09:00–20:00 (Fri)"
    assert (body["before"]["real_percent"], body["after"]["real_percent"]) == (97.78, 100.0)
    assert (body["method"], body["lower_bound_minutes"]) == ("exact", 90)


def test_half_an_hour_later_on_a_two_engineer_shift_costs_an_hour(now, app, build, as_admin):
    # A new shift would last at least an hour (60 engineer-minutes): a tie again.
    store = build.store(code="LATE", region="Mid")
    learn(app, store, {4: (time(9), time(20, 30))})
    add_shift(app, region="Mid", weekdays=[0, 1, 2, 3, 5], start=time(9))
    two = [build.user("engineer"), build.user("engineer")]
    add_shift(app, region="Mid", name="Fri", weekdays=[4], start=time(9), engineers=two)
    [only] = applied(as_admin, f"{WEEK}&region=Mid&threshold=100", "Mid")["suggestions"]
    assert (only["added_minutes_per_week"], only["covered_minutes_gained"]) == (60, 30)
    assert only["apply"]["body"] == {"end": "20:30", "version": 1}


def test_a_new_shift_is_cheaper_than_moving_a_long_shift_s_end(now, app, build, as_admin):
    # Ending the Mon-Sat two-engineer shift at 21:30 costs 6 × 90 × 2 = 1080; a Friday
    # 20:00-21:30 shift for one of its engineers costs 90.
    store = build.store(code="LATE", region="Mid")
    learn(app, store, {4: (time(9), time(21, 30))})
    two = [build.user("engineer"), build.user("engineer")]
    add_shift(app, region="Mid", weekdays=list(range(6)), start=time(9), engineers=two)
    [only] = applied(as_admin, f"{WEEK}&region=Mid&threshold=100", "Mid")["suggestions"]
    assert only["summary"] == "Add Fri 20:00–21:30 for LATE"
    assert only["added_minutes_per_week"] == 90
    body = only["apply"]["body"]
    assert only["apply"]["method"] == "POST"
    assert (body["weekdays"], body["start"], body["end"]) == ([4], "20:00", "21:30")
    assert body["store_ids"] == [store.id]
    assert body["engineer_ids"] == [min(u.id for u in two)]


@pytest.mark.parametrize(("engineers", "method"), [(1, "PATCH"), (2, "POST")])
def test_an_uncovered_sunday_adds_the_day_or_a_new_shift(
    now, app, build, as_admin, engineers, method
):
    # Open every day 10:00-18:00, supported Mon-Sat 10:00-18:00. Covering all of Sunday:
    # adding the day costs 480 × engineers; a new Sunday shift 480 × 1 (on a tie the
    # existing shift changes).
    store = build.store(code="SUN", region="Mid", hours=EVERY_DAY)
    staff = [build.user("engineer") for _ in range(engineers)]
    shift = add_shift(app, region="Mid", weekdays=list(range(6)), start=time(10), end=time(18),
                      engineers=staff)  # fmt: skip
    [only] = applied(as_admin, f"{WEEK}&store_id={store.id}&threshold=100", "Mid")["suggestions"]
    assert only["apply"]["method"] == method
    assert only["added_minutes_per_week"] == 480
    assert only["covered_minutes_gained"] == 480
    if method == "PATCH":
        assert only["apply"]["body"] == {"weekdays": list(range(7)), "version": 1}
        assert only["apply"]["path"] == f"/api/shifts/{shift}"
        assert only["summary"] == "Add Sun to Days (10:00–18:00)"
    else:
        assert only["summary"] == "Add Sun 10:00–18:00 for SUN"


def test_a_few_hours_short_take_a_new_shift_that_long_not_a_whole_day(now, app, build, as_admin):
    # The same store at 90 %: 7 × 480 = 3,360 customer minutes, 2,880 covered, 3,024
    # needed: 144 minutes short, 150 on the grid, one new Sunday shift from either end.
    store = build.store(code="SUN", region="Mid", hours=EVERY_DAY)
    add_shift(app, region="Mid", weekdays=list(range(6)), start=time(10), end=time(18))
    body = applied(as_admin, f"{WEEK}&store_id={store.id}&threshold=90", "Mid")
    [only] = body["suggestions"]
    assert only["summary"] in ("Add Sun 10:00–12:30 for SUN", "Add Sun 15:30–18:00 for SUN")
    assert (only["added_minutes_per_week"], only["covered_minutes_gained"]) == (150, 150)
    assert body["lower_bound_minutes"] == 150


def test_a_shift_in_another_zone_ends_after_its_midnight(now, app, build, as_admin):
    # A Los Angeles store open to 21:30 on Fridays; its Friday shift runs 12:00-23:00 in
    # New York (09:00-20:00 in LA): it must end at 00:30, New York's next day.
    store = build.store(code="LA", region="West", timezone="America/Los_Angeles")
    learn(app, store, {4: (time(9), time(21, 30))})
    add_shift(app, region="West", timezone="America/Los_Angeles", weekdays=[0, 1, 2, 3, 5],
              start=time(9))  # fmt: skip
    add_shift(app, region="West", name="NY", timezone="America/New_York", weekdays=[4],
              start=time(12), end=time(23))  # fmt: skip
    [only] = applied(as_admin, f"{WEEK}&region=West&threshold=100", "West")["suggestions"]
    assert only["apply"]["body"] == {"end": "00:30", "version": 1}
    assert only["added_minutes_per_week"] == 90
    assert only["summary"] == "Run NY 12:00–00:30 instead of 12:00–23:00 (Fri)"


def test_a_week_across_the_dst_change_costs_the_hand_worked_minimum(now, app, build, as_admin):
    # Chicago store, Mon-Sat 09:00-20:00 (closed Sunday). Support Mon-Sat 06:00-17:00 in
    # Phoenix (no DST): 07:00-18:00 in Chicago before Sunday 8 March, 08:00-19:00 after.
    # Uncovered: 2 h on Thu 5, Fri 6, Sat 7 and 1 h on Mon 9, Tue 10, Wed 11, 540 minutes.
    # Each engineer-minute covers at most one customer minute: 540 is the least; moving the
    # end to 19:00 Phoenix would cost 6 × 120 = 720.
    build.store(code="CHI", region="Mid")
    add_shift(app, region="Mid", timezone="America/Phoenix", weekdays=list(range(6)),
              start=time(6), end=time(17))  # fmt: skip
    body = applied(as_admin, f"{ACROSS_DST}&region=Mid&threshold=100", "Mid")
    assert sum(s["added_minutes_per_week"] for s in body["suggestions"]) == 540
    assert sum(s["covered_minutes_gained"] for s in body["suggestions"]) == 540
    assert (body["method"], body["lower_bound_minutes"]) == ("exact", 540)


def test_stores_above_the_threshold_need_nothing(now, app, build, as_cio):
    store = build.store(code="LATE", region="Mid")
    learn(app, store, {4: (time(9), time(21, 30))})  # 97.78 % covered
    add_shift(app, region="Mid", weekdays=list(range(6)), start=time(9))
    body = plan(as_cio, f"{WEEK}&region=Mid&threshold=95")
    assert body["suggestions"] == [] and body["unreachable"] == []
    assert body["before"] == body["after"] == {"real_percent": 97.78}
    assert body["threshold"] == 95


def test_the_alert_threshold_is_the_default(now, app, build, as_cio):
    build.store(code="LATE", region="Mid")
    add_shift(app, region="Mid", weekdays=list(range(6)), start=time(9), end=time(17))
    body = plan(as_cio, f"{WEEK}&region=Mid")  # 8 of 11 hours: 72.73 %
    assert body["threshold"] == app.config["COVERAGE_ALERT_PERCENT"] == 80
    assert body["after"]["real_percent"] >= 80


def test_no_engineer_no_suggestion(now, app, build, as_admin):
    # The only shift has nobody on it (so it covers nothing), and no staffed shift covers
    # the store: there is no engineer to suggest.
    store = build.store(code="BARE", region="Mid")
    add_shift(app, region="Mid", engineers=[])
    body = plan(as_admin, f"{WEEK}&region=Mid&threshold=80")
    assert body["suggestions"] == []
    assert body["before"] == body["after"] == {"real_percent": 0.0}
    [left] = body["unreachable"]
    assert (left["store_id"], left["code"]) == (store.id, "BARE")
    assert "no shift with an active engineer" in left["reason"]


def test_exact_and_greedy_agree_on_a_small_case(now, app, build):
    late = build.store(code="LATE", region="Mid")
    learn(app, late, {4: (time(9), time(21, 30))})
    build.store(code="SUN", region="Mid", hours=EVERY_DAY)
    two = [build.user("engineer"), build.user("engineer")]
    add_shift(app, region="Mid", weekdays=list(range(6)), start=time(9), engineers=two)
    admin = build.user("admin")
    args = {"region": "Mid", "threshold": 100.0, "from_": utcnow().date().replace(day=16),
            "days": 7}  # fmt: skip
    with app.test_request_context():
        exact = suggest(admin, utcnow(), args, "exact")
        greedy = suggest(admin, utcnow(), args, "greedy")
    cost = [sum(s["added_minutes_per_week"] for s in p["suggestions"]) for p in (exact, greedy)]
    # Friday 20:00-21:30 for LATE (90) and Sunday 10:00-18:00 for SUN (480).
    assert cost == [570, 570]
    assert (exact["method"], greedy["method"]) == ("exact", "greedy")
    assert exact["lower_bound_minutes"] == 570 >= greedy["lower_bound_minutes"]
    assert exact["after"] == greedy["after"] == {"real_percent": 100.0}


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("cio", 200), ("engineer", 403),
                                              ("manager", 403)])  # fmt: skip
def test_admins_and_the_cio_read_suggestions(now, login, world, role, status):
    client = login(getattr(world, role))
    assert client.get("/api/coverage/suggestions").status_code == status


def test_anonymous_answers_401_and_an_unknown_store_404(now, api, as_cio):
    assert api.get("/api/coverage/suggestions").status_code == 401
    assert as_cio.get("/api/coverage/suggestions?store_id=999999").status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("threshold=101", "threshold"),
        ("threshold=-1", "threshold"),
        ("threshold=x", "threshold"),
        ("days=0", "days"),
        ("from=2026-02-30", "from"),
        ("store_id=x", "store_id"),
    ],
)
def test_bad_arguments_answer_422_naming_the_field(now, as_cio, query, field):
    r = as_cio.get(f"/api/coverage/suggestions?{query}")
    assert r.status_code == 422
    assert field in r.get_json()["errors"]
