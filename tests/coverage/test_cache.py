"""GET /api/coverage's default period served from the coverage cache: the same page as the
live computation, field by field, after each kind of change and across local midnights."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from fieldops.auth.models import User
from fieldops.coverage import cache
from fieldops.coverage.models import CoverageCache
from fieldops.coverage.services import active_stores, coverage_of
from fieldops.database import write_intent
from fieldops.extensions import db
from fieldops.hours.learning import hours_learned
from fieldops.hours.models import HoursBasis, RealHours
from fieldops.shifts.models import ShiftException, SupportShift
from fieldops.stores.models import HoursException, PostedHours, Store
from fieldops.visits.models import Visit, VisitStatus
from tests.coverage.helpers import add_shift, make_group, visited

QUERIES = (
    "",
    "sort=name",
    "sort=-uncovered&per_page=2&page=2",
    "region=Midwest&sort=-posted_percent",
    "days=28&sort=code",
)


@pytest.fixture
def computed(monkeypatch) -> list[int]:
    """The ids of the stores each request computed (rather than read from the cache)."""
    ids: list[int] = []

    def spy(stores, now, *args):
        ids.extend(s.id for s in stores)
        return coverage_of(stores, now, *args)

    monkeypatch.setattr(cache, "coverage_of", spy)
    return ids


def live(client, monkeypatch, query: str = "") -> dict:
    """The page as computed live for every store, the cache left aside."""
    with monkeypatch.context() as m:
        m.setattr(
            cache,
            "cached_coverage",
            lambda user, region, now: (coverage_of(active_stores(user, region), now), {}),
        )
        return client.get(f"/api/coverage?{query}").get_json()


def same_as_live(client, monkeypatch) -> dict:
    """Check every query's cached page against the live one; the default page."""
    for query in QUERIES:
        answer = client.get(f"/api/coverage?{query}")
        assert answer.status_code == 200
        assert answer.get_json() == live(client, monkeypatch, query), query
    return client.get("/api/coverage").get_json()


def change(app, edit: Callable[[], Any]) -> None:
    with app.app_context():
        edit()
        db.session.commit()


def one(model: type, *where: Any) -> Any:
    return db.session.scalars(sa.select(model).where(*where)).first()


def test_the_default_page_is_computed_once_then_read(app, build, now, as_cio, computed):
    stores = make_group(app, build, now)
    first = as_cio.get("/api/coverage").get_json()
    assert sorted(computed) == sorted(s.id for s in stores.values())
    computed.clear()
    for query in QUERIES:
        as_cio.get(f"/api/coverage?{query}")
    assert computed == []  # every default page read from the cache
    assert as_cio.get("/api/coverage").get_json() == first
    assert [i["code"] for i in first["items"]] == ["BARE", "SAT", "GOOD"]
    assert first["items"][0]["real"]["gaps"]  # the gaps come back from the cache too

    as_cio.get("/api/coverage?from=2026-03-04")  # another period: computed live, not kept
    assert len(computed) == 3
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CoverageCache)) == 3


def test_the_cached_page_equals_the_live_one(app, build, now, as_cio, monkeypatch):
    make_group(app, build, now)
    build.store(code="TOKYO", region="Midwest", timezone="Asia/Tokyo")
    build.store(code="SHUT", region="West", hours=[])  # no customers: percent null
    as_cio.get("/api/coverage")  # fills the cache
    same_as_live(as_cio, monkeypatch)


def _shift_off_today() -> None:
    shift = one(SupportShift, SupportShift.region == "Midwest")
    db.session.add(ShiftException(shift_id=shift.id, date=date(2026, 3, 5), off=True))


def _engineers_leave() -> None:
    for user in db.session.scalars(sa.select(User).where(User.role == "engineer")):
        user.active = False


def _posted_hours() -> None:
    one(PostedHours, PostedHours.weekday == 5).closes = time(22)


def _closed_tomorrow() -> None:
    for store in db.session.scalars(sa.select(Store)):
        db.session.add(HoursException(store_id=store.id, date=date(2026, 3, 5), closed=True))


def _learned() -> None:
    for store in db.session.scalars(sa.select(Store)):
        db.session.add(
            RealHours(
                store_id=store.id,
                weekday=4,
                opens=time(7),
                closes=time(21),
                sample_days=8,
                confidence=0.9,
                basis=HoursBasis.OBSERVED,
            )
        )


def _learned_in_bulk() -> None:
    """As the learning job writes: a bulk statement, then its signal."""
    ids = list(db.session.scalars(sa.select(Store.id)))
    db.session.execute(
        sa.insert(RealHours),
        [
            {
                "store_id": i,
                "weekday": 2,
                "opens": time(6),
                "closes": time(22),
                "sample_days": 8,
                "confidence": 0.9,
                "basis": HoursBasis.OBSERVED,
            }
            for i in ids
        ],
    )
    hours_learned.send(store_ids=set(ids), now=datetime.now(UTC))


def _store(code: str, **values: Any) -> Callable[[], None]:
    def edit() -> None:
        store = one(Store, Store.code == code)
        for name, value in values.items():
            setattr(store, name, value)

    return edit


def _visit(status: VisitStatus, start: datetime, **values: Any) -> Callable[[], None]:
    """A visit of BARE (never visited) added, or the one it has changed."""

    def edit() -> None:
        store = one(Store, Store.code == "BARE")
        visit = one(Visit, Visit.store_id == store.id)
        if visit is None:
            engineer = one(User, User.role == "engineer")
            visit = Visit(
                store_id=store.id,
                engineer_id=engineer.id,
                planned_start=start,
                planned_end=start + timedelta(hours=2),
                local_date=start.date(),
            )
            db.session.add(visit)
        visit.status = status
        for name, value in values.items():
            setattr(visit, name, value)

    return edit


CHANGES = {
    "shift added": lambda: add_shift_here(region="West"),
    "shift deactivated": lambda: setattr(
        one(SupportShift, SupportShift.name == "Days"), "active", False
    ),
    "shift day off": _shift_off_today,
    "engineers leave": _engineers_leave,
    "posted hours": _posted_hours,
    "store closed a day": _closed_tomorrow,
    "learned hours": _learned,
    "learned hours in bulk": _learned_in_bulk,
    "zone": _store("GOOD", timezone="America/Los_Angeles"),
    "region": _store("SAT", region="West"),
    "deactivated": _store("GOOD", active=False),
    "cadence": _store("GOOD", cadence_per_year=6),
    "visit planned": _visit(VisitStatus.PLANNED, datetime(2026, 3, 20, 15, tzinfo=UTC)),
    "visit completed": _visit(
        VisitStatus.COMPLETED,
        datetime(2026, 3, 2, 15, tzinfo=UTC),
        checked_out_at=datetime(2026, 3, 2, 17, tzinfo=UTC),
    ),
}


def add_shift_here(**kw: Any) -> None:
    """A shift added in the caller's session (helpers.add_shift commits on its own)."""
    shift = SupportShift(
        name="Evenings",
        timezone="America/Los_Angeles",
        weekdays=[0, 1, 2, 3, 4, 5],
        start_time=time(6),
        end_time=time(23),
        **kw,
    )
    shift.engineers = [one(User, User.role == "engineer")]
    db.session.add(shift)


@pytest.mark.parametrize("name", CHANGES)
def test_each_change_is_seen_at_once(app, build, now, as_cio, monkeypatch, name):
    make_group(app, build, now)
    before = as_cio.get("/api/coverage").get_json()
    change(app, CHANGES[name])
    after = same_as_live(as_cio, monkeypatch)
    assert after != before  # the change shows, and no cached row hid it


def test_a_planned_visit_cancelled_is_seen(app, build, now, as_cio, monkeypatch):
    make_group(app, build, now)
    change(app, CHANGES["visit planned"])
    planned = as_cio.get("/api/coverage").get_json()
    change(app, _visit(VisitStatus.CANCELLED, now))
    assert same_as_live(as_cio, monkeypatch) != planned


def test_each_store_moves_on_at_its_own_midnight(
    app, build, now, as_cio, monkeypatch, time_machine, computed
):
    make_group(app, build, now)
    kolkata = build.store(code="KOLKATA", region="Midwest", timezone="Asia/Kolkata")
    as_cio.get("/api/coverage")  # 20:30 in Kolkata
    computed.clear()

    time_machine.move_to(datetime(2026, 3, 4, 18, 31, tzinfo=UTC), tick=False)  # Thursday there
    page = same_as_live(as_cio, monkeypatch)
    assert set(computed) == {kolkata.id}  # Chicago: still Wednesday, its rows still read
    assert {i["code"]: i["from"] for i in page["items"]} == {
        "KOLKATA": "2026-03-05",
        "GOOD": "2026-03-04",
        "SAT": "2026-03-04",
        "BARE": "2026-03-04",
    }

    computed.clear()
    time_machine.move_to(datetime(2026, 3, 5, 6, 1, tzinfo=UTC), tick=False)  # 00:01 Chicago
    page = same_as_live(as_cio, monkeypatch)
    assert kolkata.id not in computed and len(set(computed)) == 3
    assert {i["from"] for i in page["items"]} == {"2026-03-05"}


def test_a_visit_leaving_the_year_or_a_planned_visit_starting_expires_the_row(
    app, build, now, as_cio, monkeypatch, time_machine
):
    store = build.store(code="OLD", region="Midwest", cadence_per_year=1)
    visited(build, store, now, 365)  # it leaves the rolling year in a moment
    engineer = build.user("engineer")
    build.visit(store, engineer, now + timedelta(hours=3))  # planned this afternoon
    first = as_cio.get("/api/coverage").get_json()["items"][0]["visits"]
    assert (first["completed_12m"], first["overdue"]) == (1, False)

    time_machine.move_to(now + timedelta(minutes=1), tick=False)  # same local day
    second = same_as_live(as_cio, monkeypatch)["items"][0]["visits"]
    assert (second["completed_12m"], second["overdue"]) == (0, True)

    time_machine.move_to(now + timedelta(hours=3, minutes=1), tick=False)
    third = same_as_live(as_cio, monkeypatch)["items"][0]["visits"]
    assert second["next_planned"] is not None and third["next_planned"] is None


def test_a_result_read_before_a_change_is_not_kept_after_it(app, build, now):
    store = build.store(region="Midwest")
    add_shift(app, region="Midwest")
    with app.app_context():
        token = write_intent.set(False)  # reads as a GET does: no write lock held
        read = db.session.get(CoverageCache, store.id).generation  # read, then computed:
        stale = coverage_of([db.session.get(Store, store.id)], now)
        cache.forget(db.session.connection(), {store.id})  # meanwhile, a change commits
        db.session.commit()
        cache._fill(stale, {store.id: read})
        row = db.session.get(CoverageCache, store.id)
        assert (row.generation, row.expires_at, row.real_customer_minutes) == (read + 1, None, None)

        db.session.commit()
        cache._fill(stale, {store.id: read + 1})  # computed after the change: kept
        db.session.rollback()  # a read transaction of our own, begun before the write
        row = db.session.get(CoverageCache, store.id)
        assert row.expires_at is not None and row.real_customer_minutes == 24 * 11 * 60
        write_intent.reset(token)
