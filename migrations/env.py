"""Alembic environment: runs inside the Flask app (`flask db …`) against `db.engine`."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

import fieldops.models  # noqa: F401  (every model registered on the metadata)
from fieldops.database import UTCDateTime, compared_on

config = context.config
if config.config_file_name is not None and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

db = current_app.extensions["migrate"].db
target_metadata = db.metadata


def render_item(type_, obj, autogen_context):
    """Write our UTCDateTime column type as itself, importing it in the migration."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        autogen_context.imports.add("from fieldops.database import UTCDateTime, compared_on")
        return "UTCDateTime()"
    return False


def configure(**kwargs):
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=True,
        render_item=render_item,
        include_object=compared_on(db.engine.dialect.name),
        **kwargs,
    )


def run_migrations_offline():
    configure(url=str(db.engine.url), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    with db.engine.connect() as connection:
        configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
