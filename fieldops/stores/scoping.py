"""Row-level visibility: the one way every query is narrowed to what a user may see.

A model opts in by naming its store column in `scope_column`; a model without one cannot
be scoped, and an unknown role sees nothing (deny by default). Records a manager may not
see answer 404, so ids cannot be probed.
"""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa

from fieldops.auth import Role, User
from fieldops.core.errors import NotFound
from fieldops.extensions import db
from fieldops.stores.models import store_managers

T = TypeVar("T")

SEES_ALL_STORES = frozenset({Role.ADMIN, Role.CIO, Role.ENGINEER})


def store_column(model: type[Any]) -> sa.ColumnElement[int]:
    try:
        return getattr(model, model.scope_column)
    except AttributeError:
        raise TypeError(f"{model.__name__} declares no scope_column; it cannot be scoped") from None


def managed_store_ids(user: User) -> sa.Select[tuple[int]]:
    return sa.select(store_managers.c.store_id).where(store_managers.c.user_id == user.id)


def visible(stmt: sa.Select[Any], model: type[Any], user: User) -> sa.Select[Any]:
    """`stmt` narrowed to the rows of `model` that `user` may read."""
    column = store_column(model)
    if user.role in SEES_ALL_STORES:
        return stmt
    if user.role == Role.MANAGER:
        return stmt.where(column.in_(managed_store_ids(user)))
    return stmt.where(sa.false())


def get_visible(
    model: type[T],
    record_id: int,
    user: User,
    field: str | None = None,
    *,
    for_update: bool = False,
) -> T:
    """The record with this id if `user` may read it, else NotFound (also for other stores').

    `for_update` is for a record about to be changed after a check of its state or version:
    the row stays locked until the request ends (SELECT ... FOR UPDATE; on SQLite a writing
    request already holds the database lock) and is read afresh even if already loaded, so
    two requests racing with the same version give one success and one 409, not a 500.
    """
    pk = sa.inspect(model).primary_key[0]
    stmt = visible(sa.select(model).where(pk == record_id), model, user)
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    record = db.session.scalar(stmt)
    if record is None:
        raise NotFound(f"No {model.__name__.lower()} with id {record_id}.", field)
    return record
