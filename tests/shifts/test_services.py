"""Rules for support shifts, without HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa

from fieldops.audit.models import AuditEvent
from fieldops.core.errors import Invalid, NotFound
from fieldops.extensions import db
from fieldops.shifts import services
from fieldops.shifts.models import ShiftKind, SupportShift
from fieldops.shifts.schemas import ShiftSchema
from fieldops.stores.models import Store

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
LATER = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)


def data(**overrides) -> dict:
    return ShiftSchema().load(
        {
            "name": "Days",
            "timezone": "America/Chicago",
            "weekdays": [0, 1, 2, 3, 4],
            "start": "08:00",
            "end": "18:00",
            "region": "Midwest",
            **overrides,
        }
    )


def fetch(record):
    """The record in this test's session (build everything first: SQLite has one writer)."""
    return db.session.get(type(record), record.id)


@pytest.mark.parametrize(
    "weekdays, text",
    [
        ([0, 1, 2, 3, 4], "Mon–Fri"),
        ([0, 1, 2, 3, 4, 5, 6], "Every day"),
        ([0, 2, 4], "Mon, Wed, Fri"),
        ([5, 6], "Sat, Sun"),
        ([5, 6, 0], "Sat–Mon"),  # a run through Sunday into Monday
        ([5, 6, 0, 2], "Sat–Mon, Wed"),
        ([6, 0, 1, 2, 4], "Sun–Wed, Fri"),
        ([0, 1, 2, 4, 5, 6], "Fri–Wed"),
        ([3], "Thu"),
        ([0, 1, 3, 4, 5], "Mon, Tue, Thu–Sat"),
    ],
)
def test_describe_days(weekdays, text):
    assert services.describe_days(weekdays) == text


@pytest.mark.parametrize(
    "start, end, text",
    [
        (time(8), time(18), "08:00–18:00"),
        (time(22), time(6), "22:00–06:00 (+1 day)"),
        (time(18), time(0), "18:00–00:00 (+1 day)"),
        (time(7, 30), time(7, 30), "07:30–07:30 (24 h)"),
    ],
)
def test_describe_window(start, end, text):
    assert services.describe_window(start, end) == text


def test_create_keeps_the_window_in_the_shift_zone_and_sorts(ctx, build):
    b, a = build.store(name="Bravo"), build.store(name="Alpha")
    engineer, admin = build.user("engineer"), fetch(build.user("admin"))
    shift = services.create_shift(
        data(
            timezone="Asia/Kolkata",
            weekdays=[6, 5],
            start="21:30",
            end="05:30",
            region=None,
            store_ids=[b.id, a.id],
            engineer_ids=[engineer.id],
            kind="remote",
            exceptions=[
                {"date": "2026-12-31", "start": "18:00", "end": "23:00"},
                {"date": "2026-12-31", "off": True},
                {"date": "2026-12-25", "off": True, "note": "Christmas"},
            ],
        ),
        admin,
        NOW,
    )
    assert shift.id is not None and shift.active
    assert (shift.timezone, shift.weekdays) == ("Asia/Kolkata", [5, 6])
    assert (shift.start_time, shift.end_time) == (time(21, 30), time(5, 30))
    assert [s.name for s in shift.stores] == ["Alpha", "Bravo"] and shift.region is None
    assert [u.id for u in shift.engineers] == [engineer.id]
    assert shift.kind == ShiftKind.REMOTE
    assert [(e.date, e.off, e.start_time) for e in shift.exceptions] == [
        (date(2026, 12, 25), True, None),
        (date(2026, 12, 31), True, None),
        (date(2026, 12, 31), False, time(18)),
    ]
    assert shift.created_at == shift.updated_at == NOW


def test_update_sets_updated_at_and_switches_what_it_covers(ctx, build):
    store, admin = build.store(), fetch(build.user("admin"))
    shift = services.create_shift(data(), admin, NOW)
    services.update_shift(shift, {"store_ids": [store.id]}, admin, LATER)
    assert (shift.region, [s.id for s in shift.stores]) == (None, [store.id])
    assert (shift.created_at, shift.updated_at) == (NOW, LATER)
    services.update_shift(shift, {"region": "South"}, admin, LATER)
    assert (shift.region, shift.stores) == ("South", [])


def test_update_refuses_a_shift_covering_nothing(ctx, build):
    admin = fetch(build.user("admin"))
    shift = services.create_shift(data(), admin, NOW)
    with pytest.raises(Invalid) as err:
        services.update_shift(shift, {"region": None}, admin, LATER)
    assert err.value.field == "region"
    assert shift.region == "Midwest"  # refused before anything changed


def test_unknown_stores_and_engineers_are_named(ctx, build):
    manager, admin = build.user("manager"), fetch(build.user("admin"))
    with pytest.raises(Invalid) as err:
        services.create_shift(data(region=None, store_ids=[424242]), admin, NOW)
    assert (err.value.field, err.value.message) == ("store_ids", "No store with id 424242.")
    with pytest.raises(Invalid) as err:
        services.create_shift(data(engineer_ids=[manager.id, 424242]), admin, NOW)
    assert err.value.field == "engineer_ids"
    assert err.value.message == f"No active engineer with id {manager.id}, 424242."


def test_deactivate_once(ctx, build):
    admin = fetch(build.user("admin"))
    shift = services.create_shift(data(), admin, NOW)
    services.deactivate_shift(shift, admin, LATER)
    services.deactivate_shift(shift, admin, LATER)
    assert shift.active is False and shift.updated_at == LATER
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["shift.created", "shift.deactivated"]


def test_get_shift_raises_not_found(ctx):
    with pytest.raises(NotFound):
        services.get_shift(424242)


def test_shift_query_finds_shifts_covering_a_store(ctx, build):
    store, other = build.store(region="West"), build.store(region="West")
    admin = fetch(build.user("admin"))
    by_region = services.create_shift(data(name="Region", region="West"), admin, NOW)
    listed = services.create_shift(
        data(name="Listed", region=None, store_ids=[store.id]), admin, NOW
    )
    services.create_shift(data(name="Elsewhere", region="East"), admin, NOW)
    services.deactivate_shift(by_region, admin, NOW)

    def names(**filters) -> list[str]:
        stmt = services.shift_query(**filters).order_by(SupportShift.name)
        return [s.name for s in db.session.scalars(stmt)]

    assert names(store_id=store.id) == ["Listed", "Region"]
    assert names(store_id=other.id) == ["Region"]
    assert names(store_id=store.id, active=True) == ["Listed"]
    assert names(region="West") == ["Region"]
    assert listed in db.session.scalars(services.shift_query(active=True)).all()


def test_engineers_are_the_active_engineers_by_name(build, ctx):
    build.user("engineer", name="Zed")
    build.user("engineer", name="Amy")
    build.user("engineer", name="Gone", active=False)
    build.user("manager", name="Boss")
    assert [u.name for u in services.engineers()] == ["Amy", "Zed"]


def test_stores_of_a_shift_load_in_name_order(ctx, build):
    stores = [build.store(name=n) for n in ("Charlie", "Alpha", "Bravo")]
    admin = fetch(build.user("admin"))
    shift = services.create_shift(data(region=None, store_ids=[s.id for s in stores]), admin, NOW)
    db.session.commit()
    db.session.expire_all()
    again = db.session.get(SupportShift, shift.id)
    assert [s.name for s in again.stores] == ["Alpha", "Bravo", "Charlie"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Store)) == 3
