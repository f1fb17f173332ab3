"""Visit rules without HTTP: planning, local days, check-in position, check-out, versions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import g

from fieldops.auth.models import User
from fieldops.core.errors import Conflict, Forbidden, Invalid, NotFound
from fieldops.extensions import db
from fieldops.visits import queries, services
from fieldops.visits.models import Department, Visit, VisitStatus
from fieldops.visits.schemas import VisitSchema


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def store(build):
    """A Los Angeles store: these rules turn on its local day."""
    return build.store(timezone="America/Los_Angeles", latitude=34.0522, longitude=-118.2437)


@pytest.fixture
def world(world, store):
    return world.made("admin", "engineer")


def get(model, record):
    return db.session.get(model, record.id)


def test_plan_visit_sets_the_store_local_day_and_a_default_length(ctx, store, world, now):
    visit = services.plan_visit(
        {
            "store_id": store.id,
            "engineer_id": world.engineer.id,
            "planned_start": utc(2026, 3, 5, 5, 30),  # 21:30 on 03-04 in Los Angeles
        },
        get(User, world.admin),
        now,
    )
    assert visit.local_date == date(2026, 3, 4)
    assert visit.planned_end - visit.planned_start == timedelta(hours=2)
    assert visit.status == VisitStatus.PLANNED and visit.version == 1


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_visits_go_to_engineers_only(ctx, store, world, now, who):
    with pytest.raises(Invalid) as err:
        services.plan_visit(
            {
                "store_id": store.id,
                "engineer_id": getattr(world, who).id,
                "planned_start": utc(2026, 3, 10, 16),
            },
            get(User, world.admin),
            now,
        )
    assert err.value.field == "engineer_id"


def test_plan_visit_for_an_unknown_store_or_engineer(ctx, world, store, now):
    admin = get(User, world.admin)
    with pytest.raises(NotFound) as err:
        services.plan_visit(
            {"store_id": 999999, "engineer_id": world.engineer.id, "planned_start": now},
            admin,
            now,
        )
    assert err.value.field == "store_id"
    with pytest.raises(NotFound) as err:
        services.plan_visit(
            {"store_id": store.id, "engineer_id": 999999, "planned_start": now},
            admin,
            now,
        )
    assert err.value.field == "engineer_id"


def test_check_in_far_from_the_store_is_flagged_with_the_distance(ctx, build, store, world, now):
    visit = build.visit(store, world.engineer, start=now)
    checked = services.check_in(
        get(Visit, visit),
        {"latitude": 34.0622, "longitude": -118.2437, "accuracy_m": 50},  # ~1.1 km north
        get(User, world.engineer),
        now,
    )
    assert checked.far_from_store is True
    assert 1100 < checked.distance_m < 1125
    assert checked.checked_in_at == now and checked.status == VisitStatus.CHECKED_IN


def test_accuracy_widens_the_radius(ctx, build, store, world, now):
    visit = build.visit(store, world.engineer, start=now)
    checked = services.check_in(
        get(Visit, visit),
        {"latitude": 34.0562, "longitude": -118.2437, "accuracy_m": 200},  # ~445 m away
        get(User, world.engineer),
        now,
    )
    assert 440 < checked.distance_m < 450 and checked.far_from_store is False


def test_check_out_before_the_check_in_is_refused(ctx, build, store, world, now):
    visit = build.visit(
        store,
        world.engineer,
        start=now,
        status=VisitStatus.CHECKED_IN,
        checked_in_at=now - timedelta(minutes=30),
    )
    with pytest.raises(Invalid) as err:
        services.check_out(
            get(Visit, visit),
            {"summary": "x", "at": now - timedelta(hours=1)},
            get(User, world.engineer),
            now,
        )
    assert err.value.field == "at"


def test_check_out_completes_the_visit(ctx, build, store, world, now):
    visit = build.visit(
        store,
        world.engineer,
        start=now,
        status=VisitStatus.CHECKED_IN,
        checked_in_at=now - timedelta(minutes=30),
    )
    done = services.check_out(
        get(Visit, visit),
        {"summary": "Replaced the AP", "departments_met": [Department.SALES, Department.PARTS]},
        get(User, world.engineer),
        now,
    )
    assert done.status == VisitStatus.COMPLETED and done.checked_out_at == now
    assert done.departments_met == ["sales", "parts"]


def test_stale_version_is_a_conflict_carrying_the_record(ctx, build, store, world, now):
    visit = build.visit(store, world.engineer, start=now + timedelta(days=1))
    record = get(Visit, visit)
    with pytest.raises(Conflict) as err:
        services.update_visit(record, {"purpose": "x", "version": 7}, get(User, world.admin), now)
    assert err.value.record is record and err.value.field == "version"
    assert record.purpose is None


def test_cancel_only_planned_visits(ctx, build, store, world, now):
    visit = build.visit(store, world.engineer, status=VisitStatus.COMPLETED)
    with pytest.raises(Conflict):
        services.cancel_visit(get(Visit, visit), "x", None, get(User, world.admin), now)


def test_own_visit_refuses_another_engineers_visit(ctx, build, store, world):
    other = build.user("engineer")
    visit = build.visit(store, world.engineer)
    with pytest.raises(Forbidden):
        services.own_visit(visit.id, get(User, other))
    assert services.own_visit(visit.id, get(User, world.engineer)).id == visit.id


def test_visits_today_uses_each_stores_own_day(ctx, build, store, world, now):
    la = store
    ny = build.store(timezone="America/New_York")
    engineer = world.engineer
    # now is 2026-03-04 15:00 UTC: 07:00 in LA, 10:00 in New York, both on 03-04
    early_la = build.visit(la, engineer, start=utc(2026, 3, 4, 17))
    late_la = build.visit(la, engineer, start=utc(2026, 3, 5, 6, 30))  # 22:30 on 03-04 in LA
    build.visit(ny, engineer, start=utc(2026, 3, 5, 6, 30))  # 01:30 on 03-05 in New York
    build.visit(la, engineer, start=utc(2026, 3, 3, 17))  # yesterday
    today = queries.visits_today(get(User, engineer), now)
    assert [v.id for v in today] == [early_la.id, late_la.id]


def test_list_query_by_local_day(ctx, build, store, world):
    la = store
    ny = build.store(timezone="America/New_York")
    engineer = world.engineer
    at = utc(2026, 3, 5, 5, 30)  # 21:30 on 03-04 in LA, 00:30 on 03-05 in New York
    in_la, in_ny = build.visit(la, engineer, start=at), build.visit(ny, engineer, start=at)
    user = get(User, world.admin)

    def ids(day):
        return [v.id for v in db.session.scalars(queries.visit_query(user, day=day))]

    assert ids(date(2026, 3, 4)) == [in_la.id]
    assert ids(date(2026, 3, 5)) == [in_ny.id]


def test_manager_sees_only_visits_to_their_stores(ctx, build, world, store):
    other = build.store()
    build.visit(other, world.engineer)
    mine = build.visit(store, world.engineer)
    manager = get(User, build.user("manager", stores=[store]))  # the Los Angeles store's
    assert [v.id for v in db.session.scalars(queries.visit_query(manager))] == [mine.id]


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"engineer": "me", "date": date(2026, 3, 4)},
        {"date_from": date(2026, 3, 4), "date_to": date(2026, 3, 5), "sort": "-local_date"},
        {"status": VisitStatus.PLANNED, "sort": "store_id"},
        {"store_id": "la", "per_page": 1, "page": 2},
    ],
)
def test_the_visit_list_answers_alike_for_every_reader_and_filter(ctx, build, store, world, args):
    """The list of a reader who sees every store (a statement made once per set of
    filters, its values bound) and of a manager (built for the request) hold the visits
    `visit_query` finds, in order, with the same totals."""
    ny = build.store(timezone="America/New_York")
    other = build.user("engineer")
    for day in (3, 4, 5):
        for where, who in ((store, world.engineer), (ny, other), (ny, world.engineer)):
            build.visit(where, who, start=utc(2026, 3, day, 17))
    args = {"page": 1, "per_page": 50, **args}
    if args.get("store_id") == "la":
        args["store_id"] = store.id
    for reader in (world.engineer, world.admin, build.user("manager", stores=[ny])):
        user = get(User, reader)
        page = queries.visits_page(user, args)
        filters = {
            "engineer_id": queries.engineer_id_of(args.get("engineer"), user),
            "day": args.get("date"),
            **{k: args.get(k) for k in ("date_from", "date_to", "store_id", "status")},
        }
        sort = args.get("sort") or "planned_start"
        column = queries.SORTING.keys[sort.removeprefix("-")]
        descending = sort.startswith("-")
        stmt = queries.visit_query(user, **filters).order_by(
            column.desc() if descending else column, Visit.id
        )
        expected = [v.id for v in db.session.scalars(stmt)]
        start = (args["page"] - 1) * args["per_page"]
        assert [v.id for v in page["items"]] == expected[start : start + args["per_page"]]
        assert page["total"] == len(expected)


def _dumped_with_types(visits: list[Any]) -> list[dict[str, Any]]:
    return [
        {key: (value, type(value)) for key, value in dumped.items()}
        for dumped in VisitSchema(many=True).dump(visits)
    ]


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"engineer": "me"},
        {"status": VisitStatus.CHECKED_IN},
        {"sort": "-status", "per_page": 2},
    ],
)
def test_the_api_reads_visits_as_rows_and_answers_as_with_the_orm(
    app, ctx, build, store, world, now, args
):
    """`visit_records_page` (the API's list, read without the ORM) dumps every field of
    every visit, value and type, as the ORM's visits do: the check-in position (shown or
    hidden by reader), the store's and engineer's briefs, `left_open`, JSON and enums."""
    ny = build.store(timezone="America/New_York", address="1 Main St", latitude=40.7)
    other = build.user("engineer")
    build.visit(store, world.engineer, start=now - timedelta(hours=1), purpose="Wi-Fi")
    build.visit(
        ny,
        world.engineer,
        start=now - timedelta(days=3),
        status=VisitStatus.CHECKED_IN,
        checked_in_at=now - timedelta(days=3),
        check_in_latitude=40.71,
        check_in_longitude=-74.0,
        check_in_accuracy_m=12.5,
        distance_m=80.0,
        far_from_store=False,
        off_schedule=True,
        departments_met=[Department.SALES.value, Department.PARTS.value],
    )
    build.visit(
        ny,
        other,
        start=now - timedelta(days=1),
        status=VisitStatus.COMPLETED,
        summary="Swapped the AP",
        unplanned=True,
    )
    build.visit(store, other, status=VisitStatus.CANCELLED, cancel_reason="Store closed")
    args = {"page": 1, "per_page": 50, **args}
    compared = 0
    for reader in (world.engineer, other, world.admin, build.user("manager", stores=[ny])):
        user = get(User, reader)
        with app.test_request_context():
            g._login_user = user  # Flask-Login's current_user: whom the schema shows positions
            records = queries.visit_records_page(user, args)
            orm = queries.visits_page(user, args)
            assert records["total"] == orm["total"]
            expected = _dumped_with_types(orm["items"])
            assert _dumped_with_types(records["items"]) == expected
            compared += len(expected)
    assert compared >= 2
