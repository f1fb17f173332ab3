"""A prepared statement (fieldops/core/prepared.py) reads what SQLAlchemy reads: the same
rows, each value of the same type, on SQLite and on PostgreSQL; in a request that only
reads, on one pooled connection in autocommit, in a writer's, in its transaction."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from fieldops.auth.models import TokenScope, User, digest
from fieldops.auth.services import TOKEN_AND_OWNER_BY_HASH
from fieldops.connections import end_autocommit, read_cursor
from fieldops.core.prepared import Prepared
from fieldops.database import declare_write_intent
from fieldops.extensions import db
from fieldops.stores.models import Store
from fieldops.visits.models import Department, Visit, VisitStatus


def typed(rows: list[Any]) -> list[list[tuple[Any, type]]]:
    return [[(value, type(value)) for value in row] for row in rows]


def test_the_token_and_its_owner_read_as_sqlalchemy_reads_them(app, build, world):
    plain = build.token(world.engineer, scope=TokenScope.SIGNALS)
    params = {"token_hash": digest(plain)}
    with app.app_context():
        expected = typed(
            db.session.connection().execute(TOKEN_AND_OWNER_BY_HASH.statement, params).all()
        )
        db.session.rollback()
        assert typed(TOKEN_AND_OWNER_BY_HASH.rows(params)) == expected
        assert expected and expected[0][2] == (TokenScope.SIGNALS, TokenScope)
        assert TOKEN_AND_OWNER_BY_HASH.first({"token_hash": digest("fo_unknown")}) is None


def test_visits_with_every_kind_of_value_read_as_sqlalchemy_reads_them(app, build, world):
    """Timestamps (aware UTC), dates, floats, booleans, enums, JSON lists, NULLs, and the
    joined store's coordinates, with bound dates and a limit."""
    start = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    store = world.store
    build.visit(store, world.engineer, start=start, purpose="Wi-Fi")
    build.visit(
        store,
        world.engineer,
        start=start + timedelta(days=1),
        status=VisitStatus.CHECKED_IN,
        checked_in_at=start + timedelta(days=1, minutes=5),
        check_in_latitude=41.88,
        check_in_longitude=-87.63,
        check_in_accuracy_m=12.5,
        far_from_store=False,
        departments_met=[Department.SALES.value],
    )
    stores = Store.__table__
    statement = (
        sa.select(*Visit.__table__.c, stores.c.latitude, stores.c.timezone)
        .join_from(Visit.__table__, stores, Visit.store_id == stores.c.id)
        .where(
            Visit.engineer_id == sa.bindparam("engineer_id"),
            Visit.local_date >= sa.bindparam("since"),
            Visit.planned_start >= sa.bindparam("after"),
        )
        .order_by(Visit.planned_start)
        .limit(sa.bindparam("page_limit", type_=sa.Integer))
    )
    params = {
        "engineer_id": world.engineer.id,
        "since": start.date(),
        "after": start - timedelta(hours=1),
        "page_limit": 10,
    }
    prepared = Prepared(statement)
    with app.app_context():
        # The first run, with no row, learns the result's types: a later one converts.
        assert prepared.rows({**params, "engineer_id": -1}) == []
        expected = typed(db.session.connection().execute(statement, params).all())
        db.session.rollback()
        assert len(expected) == 2
        assert typed(prepared.rows(params)) == expected
        assert expected[1][Visit.__table__.c.keys().index("status")][1] is VisitStatus


def driver_autocommits(driver: Any) -> bool:
    if isinstance(driver, sqlite3.Connection):
        return not driver.in_transaction  # pysqlite autocommits unless BEGIN was sent
    return bool(driver.autocommit)


def test_a_read_request_runs_them_on_one_pooled_connection_in_autocommit(app, build, world):
    """Its session begins nothing; the connection goes back to the pool at teardown, no
    longer in autocommit."""
    params = {"token_hash": digest(build.token(world.engineer))}
    with app.test_request_context():
        engine = db.engine
        declare_write_intent(False)
        try:
            assert TOKEN_AND_OWNER_BY_HASH.first(params) is not None
            assert TOKEN_AND_OWNER_BY_HASH.first(params) is not None
            with read_cursor(engine) as cursor:
                assert driver_autocommits(cursor.connection)
                read_driver = cursor.connection
            assert engine.pool.checkedout() == 1
            assert not db.session().in_transaction()
        finally:
            end_autocommit()
        assert engine.pool.checkedout() == 0  # back in the pool, and begins transactions again
        if engine.dialect.name != "sqlite":
            assert not driver_autocommits(read_driver)


def test_a_writer_reads_what_it_has_flushed(app, build, world):
    params = {"token_hash": digest(build.token(world.engineer))}
    with app.app_context():
        owner = db.session.get(User, world.engineer.id)
        owner.name = "Renamed in this transaction"
        db.session.flush()
        row = TOKEN_AND_OWNER_BY_HASH.first(params)
        assert row is not None and "Renamed in this transaction" in row
        db.session.rollback()


def test_a_missing_value_or_an_expanding_parameter_is_refused(app):
    by_code = Prepared(sa.select(Store.id).where(Store.code == sa.bindparam("code")))
    in_list = Prepared(sa.select(Store.id).where(Store.id.in_(sa.bindparam("ids", expanding=True))))
    with app.app_context():
        with pytest.raises(KeyError, match="code"):
            by_code.rows({})
        with pytest.raises(ValueError, match="plain bound parameters"):
            in_list.rows({"ids": [1]})
        db.session.rollback()


def test_a_driver_error_drops_the_read_connection_and_the_next_read_takes_another(
    app, build, world
):
    broken = Prepared(sa.select(Store.id).where(sa.literal_column("no_such_column") == 1))
    params = {"token_hash": digest(build.token(world.engineer))}
    with app.test_request_context():
        engine = db.engine
        declare_write_intent(False)
        try:
            with pytest.raises(Exception) as raised:  # the driver's own error
                broken.rows()
            assert isinstance(raised.value, engine.dialect.loaded_dbapi.Error)
            assert engine.pool.checkedout() == 0  # dropped, not kept for the request
            assert TOKEN_AND_OWNER_BY_HASH.first(params) is not None
            assert engine.pool.checkedout() == 1
        finally:
            end_autocommit()
        assert engine.pool.checkedout() == 0
