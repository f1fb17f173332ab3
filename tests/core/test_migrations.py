"""The schema is made by migrations only: one head, no drift from the models, and the
newest migration goes down and up again."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade

import fieldops.models  # noqa: F401  (every model on the metadata)
from fieldops.database import compared_on
from fieldops.extensions import db
from tests.helpers import other_app


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


def test_there_is_exactly_one_alembic_head(ctx):
    assert len(script_directory().get_heads()) == 1


def test_the_test_database_is_at_the_head(ctx):
    with db.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    assert current == script_directory().get_current_head()


def test_models_and_migrations_do_not_drift(ctx):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "include_object": compared_on(conn.dialect.name),
            },
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"


def columns(table: str) -> set[str]:
    inspector = sa.inspect(db.engine)
    return (
        {c["name"] for c in inspector.get_columns(table)} if inspector.has_table(table) else set()
    )


def test_0010_downgrades_and_upgrades_again(app, tmp_path):
    """Shift versions and alert history come and go with their migration (on a fresh
    SQLite database: the suite's own stays at the head)."""
    url = f"sqlite:///{tmp_path / 'chain.db'}"
    with other_app(app, SQLALCHEMY_DATABASE_URI=url) as fresh, fresh.app_context():
        upgrade()
        assert "version" in columns("support_shifts") and "note" in columns("alerts")
        downgrade(revision="0009_phone_timezone_unplanned")
        assert "version" not in columns("support_shifts")
        assert "assignee_id" not in columns("alerts") and not columns("alert_events")
        upgrade()
        assert "acknowledged_by_id" in columns("alerts") and "change" in columns("alert_events")


def test_0011_seeds_the_policies_and_goes_down_and_up_again(app, tmp_path):
    """Service-level policies come seeded with the documented defaults; the issues' clock
    columns come and go with their migration."""
    url = f"sqlite:///{tmp_path / 'chain.db'}"
    with other_app(app, SQLALCHEMY_DATABASE_URI=url) as fresh, fresh.app_context():
        upgrade()
        with db.engine.connect() as conn:
            seeded = conn.execute(
                sa.text("SELECT severity, response_minutes, resolve_minutes, clock "
                        "FROM sla_policies ORDER BY response_minutes")
            ).all()  # fmt: skip
        assert [tuple(row) for row in seeded] == [
            ("critical", 30, 240, "always"),
            ("high", 60, 480, "customer_hours"),
            ("medium", 240, 1440, "customer_hours"),
            ("low", 1440, 4800, "customer_hours"),
        ]
        assert {"reported_at", "sla", "response_due_at", "resolve_due_at"} <= columns("issues")
        downgrade(revision="0010_shift_version_alert_history")
        assert not columns("sla_policies") and "reported_at" not in columns("issues")
        assert "detail" not in columns("issue_events")
        upgrade()
        assert "detail" in columns("issue_events") and columns("sla_policies")


def test_0015_and_0016_upgrade_a_database_with_people_and_visits(app, tmp_path):
    """The calendar and working-pattern columns are added to a users table that other rows
    refer to (on SQLite, rebuilding that table would break their foreign keys)."""
    url = f"sqlite:///{tmp_path / 'chain.db'}"
    with other_app(app, SQLALCHEMY_DATABASE_URI=url) as fresh, fresh.app_context():
        upgrade(revision="0012_notifications")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO users (id, email, name, role, password_hash, active, created_at, "
                "updated_at) VALUES (7, 'e@x.test', 'E', 'engineer', 'x', 1, "
                "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            ))  # fmt: skip
            conn.execute(sa.text(
                "INSERT INTO audit_events (at, actor_id, action, target_type, target_id, "
                "details) VALUES ('2026-01-01 00:00:00', 7, 'user.created', 'user', 7, '{}')"
            ))  # fmt: skip
        upgrade()
        with db.engine.connect() as conn:
            row = conn.execute(
                sa.text("SELECT calendar_version, work_weekdays FROM users WHERE id = 7")
            ).one()
        assert tuple(row) == (1, None)  # None: the default pattern
        assert {"day", "off", "base_store_id"} <= columns("user_days")
