"""Posted hours as real time windows (fieldops/stores/windows.py) and the store rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from fieldops import clock
from fieldops.auth.models import Role, User
from fieldops.core.errors import Invalid
from fieldops.extensions import db
from fieldops.stores import services, windows
from fieldops.stores.models import HoursException, PostedHours, Store, StoreKind
from fieldops.stores.schemas import StoreSummarySchema


def store_with(
    hours_by_weekday: dict[int, tuple[time, time]],
    tz: str = "America/Chicago",
    exceptions: list[HoursException] = (),
) -> Store:
    """An unsaved store: the hour rules need no database."""
    store = Store(code="T1", name="Test", timezone=tz)
    store.posted_hours = [
        PostedHours(weekday=d, opens=o, closes=c) for d, (o, c) in hours_by_weekday.items()
    ]
    store.exceptions = list(exceptions)
    return store


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


FRIDAY, SATURDAY, SUNDAY = 4, 5, 6


# --- windows and after-midnight closes ----------------------------------------------


def test_window_on_a_plain_day_is_in_the_stores_zone():
    store = store_with({0: (time(9), time(20))})
    window = windows.window_on(store, date(2026, 3, 2))  # a Monday, CST (UTC-6)
    assert (window.start, window.end) == (utc(2026, 3, 2, 15), utc(2026, 3, 3, 2))
    assert window.minutes == 11 * 60 and not window.exception


def test_a_weekday_without_hours_is_closed():
    store = store_with({0: (time(9), time(20))})
    assert windows.window_on(store, date(2026, 3, 3)) is None  # Tuesday
    assert not windows.is_open_at(store, utc(2026, 3, 3, 18))


def test_close_after_midnight_ends_the_next_morning():
    store = store_with({FRIDAY: (time(17), time(1, 30))})
    window = windows.window_on(store, date(2026, 3, 6))  # Friday
    assert window.start == utc(2026, 3, 6, 23)  # 17:00 CST
    assert window.end == utc(2026, 3, 7, 7, 30)  # Saturday 01:30 CST
    assert window.minutes == 8 * 60 + 30


@pytest.mark.parametrize(
    "at, open_",
    [
        (utc(2026, 3, 6, 22, 59), False),  # Friday 16:59
        (utc(2026, 3, 6, 23, 0), True),  # Friday 17:00
        (utc(2026, 3, 7, 6, 0), True),  # Saturday 00:00, still Friday's hours
        (utc(2026, 3, 7, 7, 29), True),  # Saturday 01:29
        (utc(2026, 3, 7, 7, 30), False),  # Saturday 01:30: closed
        (utc(2026, 3, 7, 18, 0), False),  # Saturday noon: no Saturday hours
    ],
)
def test_is_open_at_counts_yesterdays_after_midnight_close(at, open_):
    store = store_with({FRIDAY: (time(17), time(1, 30))})
    assert windows.is_open_at(store, at) is open_


def test_close_equal_to_open_means_open_round_the_clock():
    store = store_with({0: (time(6), time(6))})
    window = windows.window_on(store, date(2026, 3, 2))
    assert window.minutes == 24 * 60


# --- daylight-saving changes (America/Chicago: 2026-03-08 and 2026-11-01) -----------


def test_night_window_over_spring_forward_is_an_hour_shorter():
    store = store_with({SATURDAY: (time(20), time(4))})
    window = windows.window_on(store, date(2026, 3, 7))
    assert window.start == utc(2026, 3, 8, 2)  # 20:00 CST
    assert window.end == utc(2026, 3, 8, 9)  # 04:00 CDT
    assert window.minutes == 7 * 60


def test_night_window_over_fall_back_is_an_hour_longer():
    store = store_with({SATURDAY: (time(20), time(4))})
    window = windows.window_on(store, date(2026, 10, 31))
    assert window.start == utc(2026, 11, 1, 1)  # 20:00 CDT
    assert window.end == utc(2026, 11, 1, 10)  # 04:00 CST
    assert window.minutes == 9 * 60


def test_same_posted_hours_fall_at_different_utc_times_either_side_of_the_change():
    store = store_with({d: (time(9), time(20)) for d in range(7)})
    before = windows.window_on(store, date(2026, 3, 7))
    after = windows.window_on(store, date(2026, 3, 9))
    assert before.start == utc(2026, 3, 7, 15)  # CST, UTC-6
    assert after.start == utc(2026, 3, 9, 14)  # CDT, UTC-5
    assert before.minutes == after.minutes == 11 * 60


@pytest.mark.parametrize(
    "at, open_",
    [
        (utc(2026, 3, 8, 7, 59), True),  # 01:59 CST
        (utc(2026, 3, 8, 8, 0), True),  # 03:00 CDT (02:00 never happens)
        (utc(2026, 3, 8, 8, 59), True),  # 03:59 CDT
        (utc(2026, 3, 8, 9, 0), False),  # 04:00 CDT: closed
        (utc(2026, 11, 1, 6, 30), True),  # 01:30 CDT, first time round
        (utc(2026, 11, 1, 7, 30), True),  # 01:30 CST, second time round
        (utc(2026, 11, 1, 9, 59), True),  # 03:59 CST
        (utc(2026, 11, 1, 10, 0), False),  # 04:00 CST
    ],
)
def test_is_open_at_through_the_night_of_a_change(at, open_):
    store = store_with({SATURDAY: (time(20), time(4))})
    assert windows.is_open_at(store, at) is open_


def test_a_time_skipped_by_spring_forward_is_read_before_the_change():
    # 02:30 does not exist on 2026-03-08 in Chicago: read with CST it is 08:30 UTC (03:30 CDT)
    assert clock.to_utc(date(2026, 3, 8), time(2, 30), "America/Chicago") == utc(2026, 3, 8, 8, 30)


def test_local_date_and_midnight_follow_the_zone():
    at = utc(2026, 3, 5, 5, 30)
    assert clock.local_date(at, "America/Los_Angeles") == date(2026, 3, 4)
    assert clock.local_date(at, "America/New_York") == date(2026, 3, 5)
    assert clock.local_midnight(date(2026, 3, 9), "America/Chicago") == utc(2026, 3, 9, 5)
    assert clock.local_midnight(date(2026, 3, 7), "America/Chicago") == utc(2026, 3, 7, 6)


# --- dated exceptions ---------------------------------------------------------------


def test_an_exception_closes_the_store_for_that_date_only():
    store = store_with(
        {d: (time(9), time(20)) for d in range(7)},
        exceptions=[HoursException(date=date(2026, 12, 25), closed=True)],
    )
    assert windows.window_on(store, date(2026, 12, 25)) is None
    assert not windows.is_open_at(store, utc(2026, 12, 25, 18))
    assert windows.is_open_at(store, utc(2026, 12, 26, 18))


def test_an_exception_with_special_hours_replaces_the_weekday():
    store = store_with(
        {d: (time(9), time(20)) for d in range(7)},
        exceptions=[
            HoursException(date=date(2026, 12, 24), closed=False, opens=time(9), closes=time(14))
        ],
    )
    window = windows.window_on(store, date(2026, 12, 24))
    assert (window.opens, window.closes, window.exception) == (time(9), time(14), True)
    assert windows.is_open_at(store, utc(2026, 12, 24, 19, 59))  # 13:59 CST
    assert not windows.is_open_at(store, utc(2026, 12, 24, 20, 0))  # 14:00 CST


def test_special_hours_on_a_normally_closed_day_open_the_store():
    store = store_with(
        {0: (time(9), time(20))},
        exceptions=[
            HoursException(date=date(2026, 3, 8), closed=False, opens=time(12), closes=time(16))
        ],
    )
    assert windows.is_open_at(store, utc(2026, 3, 8, 18))  # Sunday 13:00 CDT
    found = windows.windows_between(store, date(2026, 3, 7), date(2026, 3, 9))
    assert [w.day for w in found] == [date(2026, 3, 8), date(2026, 3, 9)]


# --- store rules (services) ---------------------------------------------------------


@pytest.fixture
def admin(build) -> User:
    return build.user(Role.ADMIN)


def test_create_store_saves_hours_and_exceptions(ctx, admin, now):
    actor = db.session.get(User, admin.id)
    store = services.create_store(
        {
            "code": "DAL-01",
            "name": "Dallas Motors",
            "timezone": "America/Chicago",
            "posted_hours": [{"weekday": FRIDAY, "opens": time(9), "closes": time(0, 30)}],
            "exceptions": [{"date": date(2026, 12, 25), "closed": True}],
        },
        actor,
        now,
    )
    assert store.id is not None
    assert [(p.weekday, p.closes) for p in store.posted_hours] == [(FRIDAY, time(0, 30))]
    assert windows.is_open_at(store, utc(2026, 3, 7, 6, 15))  # Saturday 00:15 CST


def test_create_store_refuses_a_code_in_use_whatever_its_case(ctx, build, admin, now):
    build.store(code="DAL-01")
    actor = db.session.get(User, admin.id)
    with pytest.raises(Invalid) as err:
        services.create_store(
            {"code": "dal-01", "name": "Copy", "timezone": "America/Chicago"}, actor, now
        )
    assert err.value.field == "code"


def test_update_store_replaces_hours_and_moves_visit_days_with_the_zone(ctx, build, admin, now):
    store = build.store(timezone="America/New_York")
    engineer = build.user(Role.ENGINEER)
    visit = build.visit(store, engineer, start=utc(2026, 3, 5, 4, 30))  # 23:30 on 03-04 in NY
    assert visit.local_date == date(2026, 3, 4)
    actor = db.session.get(User, admin.id)
    record = db.session.get(Store, store.id)
    services.update_store(
        record,
        {
            "timezone": "Europe/Berlin",
            "posted_hours": [{"weekday": 0, "opens": time(8), "closes": time(12)}],
        },
        actor,
        now,
    )
    from fieldops.visits.models import Visit

    assert db.session.get(Visit, visit.id).local_date == date(2026, 3, 5)
    assert [(p.weekday, p.opens) for p in record.posted_hours] == [(0, time(8))]


# --- the API's store list, read as rows -----------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        {"page": 1, "per_page": 50},
        {"page": 2, "per_page": 1, "sort": "-code"},
        {"page": 1, "per_page": 50, "region": "South", "q": "motor"},
    ],
)
def test_the_store_list_read_as_rows_dumps_as_the_stores_do(ctx, build, args):
    """Every field of every store the row-read list answers, for an admin and a manager,
    is what StoreSummarySchema dumps from the ORM's stores (`stores_page`)."""
    south = build.store(
        code="Z-9",
        name="Zulu Motors",
        region="South",
        kind=StoreKind.STORE,
        brand="Ford",
        address="1 Main St",
        phone="+1 312 555 0100",
        latitude=None,
        longitude=None,
        hours=[(6, time(22), time(2)), (0, time(8), time(17, 30))],
    )
    quiet = build.store(name="Quiet Motors", region="South", hours=[], active=False)
    build.store(name="Alpha Motors", region="Midwest", cadence_per_year=6, visit_minutes=45)
    build.store(name="Bravo", region=None)
    schema = StoreSummarySchema()
    for user in (build.user(Role.ADMIN), build.user(Role.MANAGER, stores=[south, quiet])):
        rows = services.store_summaries_page(user, args)
        orm = services.stores_page(user, args)
        assert rows["total"] == orm["total"] and rows["items"]
        dumped = [schema.dump(item) for item in rows["items"]]
        expected = [schema.dump(item) for item in orm["items"]]
        for got, want in zip(dumped, expected, strict=True):
            assert list(got) == list(want)
            for field in want:
                assert (field, got[field]) == (field, want[field])
                assert type(got[field]) is type(want[field])
