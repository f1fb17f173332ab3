"""The leadership cadence (issue 14): the CIO's own visits count toward it alone, by the one
cadence rule; the engineers' cadence counts every visit but his (docs/coverage.md)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fieldops.coverage import leadership_cadence, visit_cadence
from fieldops.extensions import db
from fieldops.stores.models import Store
from tests.coverage.helpers import visited

# NOW: Wednesday 2026-03-04 15:00 UTC.
WEEK = "from=2026-03-02&days=7"
HORIZON = 30


def both(store: Store, now):
    """(the engineers' cadence, the leadership cadence) of `store`; the reading transaction
    ends there, so the builder may write again (SQLite)."""
    stores = [db.session.get(Store, store.id)]
    counted = visit_cadence(stores, now)[store.id], leadership_cadence(stores, now)[store.id]
    db.session.rollback()
    return counted


@pytest.fixture
def store(build):
    return build.store(code="LEAD", cadence_per_year=1, leadership_cadence_per_year=1)


def test_a_cio_visit_counts_toward_the_leadership_cadence_only(ctx, now, build, world, store):
    visited(build, store, now, 100, by=world.cio)
    engineers, leadership = both(store, now)
    assert (engineers.completed_12m, engineers.overdue, engineers.last_visit) == (0, True, None)
    assert (leadership.completed_12m, leadership.cadence, leadership.overdue) == (1, 1, False)
    assert leadership.last_visit == now - timedelta(days=100)
    assert leadership.due_on == date(2026, 11, 24)  # when that visit leaves the year


def test_an_engineers_visit_counts_toward_the_engineers_cadence_only(ctx, now, build, world, store):
    visited(build, store, now, 100, by=world.engineer)
    engineers, leadership = both(store, now)
    assert (engineers.completed_12m, engineers.overdue) == (1, False)
    assert (leadership.completed_12m, leadership.overdue, leadership.last_visit) == (0, True, None)


def test_each_cadence_is_saved_only_by_its_own_planned_visits(ctx, now, build, world, store):
    visited(build, store, now, 350, by=world.cio)
    visited(build, store, now, 350, by=world.engineer)
    engineers, leadership = both(store, now)
    today = now.date()
    assert engineers.due_soon(today, HORIZON) and leadership.due_soon(today, HORIZON)
    build.visit(store, world.engineer, now + timedelta(days=7))
    engineers, leadership = both(store, now)
    assert not engineers.due_soon(today, HORIZON)
    assert leadership.due_soon(today, HORIZON) and leadership.next_planned is None
    build.visit(store, world.cio, now + timedelta(days=8))
    engineers, leadership = both(store, now)
    assert not leadership.due_soon(today, HORIZON)
    assert leadership.next_planned == now + timedelta(days=8)
    assert engineers.next_planned == now + timedelta(days=7)


def test_a_store_without_a_leadership_cadence_is_never_due_for_the_cio(ctx, now, build, world):
    store = build.store(code="NONE", cadence_per_year=1)  # leadership cadence: 0 by default
    never = both(store, now)[1]
    visited(build, store, now, 360, by=world.cio)
    once = both(store, now)[1]
    for leadership in (never, once):
        assert leadership.cadence == 0 and not leadership.overdue
        assert leadership.due_on is None and not leadership.due_soon(now.date(), HORIZON)
    assert once.completed_12m == 1


def test_the_coverage_api_counts_the_engineers_visits_only(now, build, world, store, as_cio):
    visited(build, store, now, 10, by=world.cio)
    body = as_cio.get(f"/api/coverage?{WEEK}").get_json()
    visits = next(i for i in body["items"] if i["code"] == "LEAD")["visits"]
    assert (visits["completed_12m"], visits["overdue"], visits["last_visit"]) == (0, True, None)
