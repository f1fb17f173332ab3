"""A request that only reads runs its statements in autocommit: no BEGIN, no ROLLBACK (on
PostgreSQL two round trips of a read's four); one that may write keeps its transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask

from fieldops.connections import end_autocommit
from fieldops.database import declare_write_intent
from fieldops.extensions import db
from fieldops.stores.models import Store
from tests.notifications.conftest import comment, file_issue, notifications_of


def autocommitting(connection: sa.Connection) -> bool:
    """Whether the driver's connection runs each statement on its own just now."""
    driver = connection.connection.driver_connection
    if connection.dialect.name == "sqlite":
        return not driver.in_transaction  # pysqlite autocommits unless BEGIN was sent
    return bool(driver.autocommit)


@contextmanager
def statements_seen(app: Flask) -> Iterator[list[bool]]:
    """For each statement sent in the block, whether it ran in autocommit."""
    seen: list[bool] = []

    def note(connection: sa.Connection, *_: object) -> None:
        seen.append(autocommitting(connection))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "after_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "after_cursor_execute", note)


def test_a_read_request_runs_its_statements_in_autocommit(app, as_engineer):
    with statements_seen(app) as seen:
        r = as_engineer.get("/api/visits?engineer=me")
    assert r.status_code == 200
    assert seen and all(seen)


def test_a_request_that_may_write_runs_in_one_transaction(app, as_engineer):
    with statements_seen(app) as seen:
        r = as_engineer.post("/api/notifications/read", json={"all": True})
    assert r.status_code == 200
    assert seen and not any(seen)


def test_a_get_that_writes_commits_its_change_in_a_transaction(
    app, world, as_manager, as_engineer, browser_as_manager
):
    """Opening a notification (GET, from a mail's link) marks it read: declared `writes`."""
    issue = file_issue(as_manager, world.store, title="Router reboots")
    comment(as_engineer, issue["id"], "Firmware updated.")
    [n] = notifications_of(as_manager)["items"]
    with statements_seen(app) as seen:
        r = browser_as_manager.get(f"/notifications/{n['id']}")
    assert r.status_code == 302
    assert seen and not any(seen)
    assert notifications_of(as_manager)["unread"] == 0


@pytest.mark.parametrize("then_roll_back", [True, False])
def test_after_a_read_the_pooled_connection_is_transactional_again(
    app, as_engineer, world, then_roll_back
):
    """The read's connection goes back to the pool in its usual mode: the next writer's
    transaction can still be rolled back, and so can a test's own session after it."""
    assert as_engineer.get("/api/stores").status_code == 200
    with app.app_context():
        db.session.get(Store, world.store.id).name = "Renamed, then rolled back"
        db.session.flush()
        assert not autocommitting(db.session.connection())
        if then_roll_back:
            db.session.rollback()
        else:
            db.session.close()
    with app.app_context():
        assert db.session.get(Store, world.store.id).name != "Renamed, then rolled back"


def test_a_read_that_writes_is_told_to_declare_it(app, world):
    """A write in a request that only reads is committed on its own at once: a warning
    (an error in tests) asks for its view to be marked `@writes`."""
    with app.app_context():
        declare_write_intent(False)
        try:
            with pytest.warns(RuntimeWarning, match="mark its view @writes"):
                db.session.execute(
                    sa.update(Store).where(Store.id == world.store.id).values(name=Store.name)
                )
        finally:
            end_autocommit()
            declare_write_intent(True)
            db.session.rollback()
