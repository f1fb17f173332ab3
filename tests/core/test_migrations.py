"""The schema is made by migrations only: one head, and no drift from the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

import fieldops.models  # noqa: F401  (every model on the metadata)
from fieldops.extensions import db


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
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"
