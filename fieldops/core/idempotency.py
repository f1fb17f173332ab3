"""Creating records once: per client-made id, or per unique key, also when requests race."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from fieldops.core.errors import Invalid
from fieldops.extensions import db

T = TypeVar("T")


def create_once(
    model: type[T],
    owner_column: sa.ColumnElement[Any],
    owner_id: int,
    client_id: uuid.UUID | None,
    build: Callable[[], T],
) -> tuple[T, bool]:
    """(record, created): the record `owner_id` already made with `client_id`, else a new one.

    The unique constraint on (owner, client_id) decides a race: the loser's insert fails
    inside a savepoint, and it answers with the winner's record.
    """

    def existing() -> T | None:
        return db.session.scalar(
            sa.select(model).where(owner_column == owner_id, model.client_id == client_id)
        )

    if client_id is not None:
        found = existing()
        if found is not None:
            return found, False
    record = build()
    try:
        with db.session.begin_nested():
            db.session.add(record)
            db.session.flush()
    except IntegrityError:
        found = existing() if client_id is not None else None
        if found is None:
            raise
        return found, False
    return record, True


@contextmanager
def unique_key(field: str, message: str) -> Iterator[None]:
    """Flush the block's changes in a savepoint; a unique-key clash becomes Invalid(field).

    Services check a key is free first; this covers the request that lost a race between
    that check and its insert.
    """
    try:
        with db.session.begin_nested():
            yield
            db.session.flush()
    except IntegrityError:
        raise Invalid(message, field) from None
