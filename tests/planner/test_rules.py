"""What the planner proposes: due and overdue stores before their due dates, inside the
stores' real customer hours and the engineers' working hours with the drive from home and
back, never on a day off or over an existing visit, each visit with its reasons."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from fieldops.visits import VisitStatus
from tests.planner.conftest import BASE, local, north, utc

pytestmark = pytest.mark.usefixtures("now")


def by_store(plan) -> dict[int, dict]:
    return {v["store_id"]: v for v in plan["visits"]}


def test_overdue_stores_get_a_visit_in_the_hours_of_both_store_and_engineer(
    propose, stores, engineer
):
    plan = propose()

    assert plan["status"] == "proposed"
    assert set(by_store(plan)) == {s.id for s in stores}
    for visit in plan["visits"]:
        start, end = local(visit["planned_start"]), local(visit["planned_end"])
        assert visit["engineer_id"] == engineer.id
        assert visit["reasons"] == ["overdue"]
        assert end - start == timedelta(hours=2)
        assert start.weekday() < 5  # the engineer works Monday to Friday
        assert time(9) <= start.time() and end.time() <= time(17)  # store opens 09:00
        assert start - timedelta(minutes=visit["travel_minutes_before"]) >= start.replace(
            hour=8, minute=0
        )
    assert plan["totals"] == {
        "visits": 3,
        "travel_minutes": sum(
            v["travel_minutes_before"] + v["travel_minutes_home"] for v in plan["visits"]
        ),
        "stores_due": 3,
        "stores_planned": 3,
    }
    assert plan["unplanned"] == []


def test_a_plain_route_drives_out_and_back_once(propose, stores, engineer):
    plan = propose()

    # 30 km north and back, 1.3 x at 60 km/h: 39 min each way, and the stops between
    assert 78 <= plan["totals"]["travel_minutes"] <= 80
    days = {local(v["planned_start"]).date() for v in plan["visits"]}
    assert len(days) == 1  # three visits a day at most: one day holds them all


def test_a_store_due_later_is_visited_before_its_due_date(build, propose, engineer, now):
    store = build.store(cadence_per_year=1, **north(15))
    # its one visit of the year ages out on Sunday 8 March: due then
    build.visit(store, engineer, datetime(2025, 3, 8, 16, tzinfo=UTC), status=VisitStatus.COMPLETED)
    not_yet = build.store(cadence_per_year=1, **north(16))
    build.visit(
        not_yet, engineer, datetime(2025, 6, 1, 16, tzinfo=UTC), status=VisitStatus.COMPLETED
    )

    visits = by_store(propose(days=14))

    assert set(visits) == {store.id}
    assert visits[store.id]["reasons"] == ["due"]
    assert local(visits[store.id]["planned_start"]).date() < date(2026, 3, 8)


def test_a_store_with_a_visit_already_planned_before_its_due_date_is_left_alone(
    build, propose, stores, engineer, now
):
    build.visit(stores[0], engineer, now + timedelta(days=2))

    plan = propose()

    assert stores[0].id not in by_store(plan)
    assert plan["totals"]["stores_due"] == 2


def test_a_missed_visit_does_not_count_the_store_is_planned_again(
    build, propose, stores, engineer, now
):
    build.visit(stores[0], engineer, now - timedelta(days=3), status=VisitStatus.MISSED)

    assert stores[0].id in by_store(propose())


def test_never_on_a_closed_day_or_a_day_off(build, propose, engineer):
    store = build.store(
        **north(12),
        exceptions=[
            {"date": date(2026, 3, 5), "closed": True},
            {"date": date(2026, 3, 6), "closed": True},
        ],
    )
    from fieldops.auth import WorkDay
    from fieldops.extensions import db

    with build.app.app_context():
        db.session.add(WorkDay(user_id=engineer.id, day=date(2026, 3, 9), off=True))
        db.session.commit()

    (visit,) = propose()["visits"]

    assert visit["store_id"] == store.id
    # Thursday and Friday closed, the weekend and Monday off: Tuesday 10 March
    assert local(visit["planned_start"]).date() == date(2026, 3, 10)


def test_after_the_clocks_go_forward_the_hours_are_still_the_local_ones(build, propose, engineer):
    build.store(
        **north(12), exceptions=[{"date": date(2026, 3, d), "closed": True} for d in (5, 6)]
    )

    (visit,) = propose()["visits"]

    start = local(visit["planned_start"])
    assert start.date() == date(2026, 3, 9)  # Monday, Chicago on daylight time since Sunday
    assert start.utcoffset() == timedelta(hours=-5)
    assert time(9) <= start.time() and local(visit["planned_end"]).time() <= time(17)


def test_an_existing_visit_of_the_engineer_is_kept_clear(build, propose, stores, engineer):
    other = build.store(**north(50))
    busy = build.visit(other, engineer, datetime(2026, 3, 5, 16, tzinfo=UTC))  # Thu 10:00-12:00

    for visit in propose(days=1)["visits"]:
        start, end = utc(visit["planned_start"]), utc(visit["planned_end"])
        assert end <= busy.planned_start or start >= busy.planned_end


def test_a_trip_day_starts_from_its_own_base(build, propose, as_admin, engineer):
    far = build.store(latitude=39.9612, longitude=-82.9988)  # Columbus, Ohio
    r = as_admin.patch(
        f"/api/users/{engineer.id}",
        json={"trips": [{"date": "2026-03-10", "base": {"latitude": 39.99, "longitude": -83.0}}]},
    )
    assert r.status_code == 200, r.get_json()

    (visit,) = propose()["visits"]

    assert visit["store_id"] == far.id
    assert local(visit["planned_start"]).date() == date(2026, 3, 10)
    assert visit["travel_minutes_before"] < 10


def test_stores_that_cannot_be_planned_say_why(build, propose, engineer):
    far = build.store(latitude=34.05, longitude=-118.24)  # Los Angeles
    closed = build.store(hours=[], **north(5))
    west = build.store(region="West", **north(6))
    with_region = build.user(
        "engineer", regions=["Midwest"], home_latitude=BASE[0], home_longitude=BASE[1]
    )

    plan = propose(engineer_ids=[with_region.id])

    assert {u["store_id"]: u["reason"] for u in plan["unplanned"]} == {
        far.id: "out_of_reach",
        closed.id: "no_open_hours",
        west.id: "no_engineer",
    }


def test_more_due_stores_than_the_days_can_hold_are_left_for_lack_of_capacity(
    build, propose, engineer
):
    stores = [build.store(**north(km)) for km in (5, 6, 7, 8)]

    plan = propose(days=1)  # Thursday: three visits at most

    assert len(plan["visits"]) == 3
    (left,) = plan["unplanned"]
    assert left["reason"] == "no_capacity" and left["store_id"] in {s.id for s in stores}


def test_open_issues_bring_a_store_that_is_not_due_when_it_is_on_the_way(
    build, propose, stores, engineer, world
):
    near = build.store(cadence_per_year=0, **north(31))
    far = build.store(cadence_per_year=0, **north(-60))
    for store in (near, far):
        build.issue(store, world.admin)

    visits = by_store(propose(include=["due", "open_issues"]))

    assert visits[near.id]["reasons"] == ["open_issue"]
    assert far.id not in visits  # 2 x 78 min off the way: more than 30 minutes
    assert visits[stores[0].id]["reasons"] == ["overdue"]
