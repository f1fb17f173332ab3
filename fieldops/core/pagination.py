"""Paging and sorting shared by every list: `?page=&per_page=&sort=`.

Every list answers {"items": [...], "total": n, "page": p, "per_page": k}.
`sort` names one of the list's sort keys, with a leading "-" for descending.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from marshmallow import Schema, validate

from fieldops.core import fields
from fieldops.core.errors import ApiError
from fieldops.extensions import db

MAX_PER_PAGE = 500
MAX_PAGE = 1_000_000  # far past any list; its SQL offset stays within 32 bits


class ListArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(1, MAX_PAGE))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))
    sort = fields.String(
        load_default=None, metadata={"description": "sort key, '-' for descending"}
    )


_page_schemas: dict[type[Schema], type[Schema]] = {}


def page_schema(item_schema: type[Schema]) -> type[Schema]:
    """The schema of one page of `item_schema` items (one class per item schema)."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = type(
            name,
            (Schema,),
            {
                "items": fields.List(fields.Nested(item_schema)),
                "total": fields.Integer(),
                "page": fields.Integer(),
                "per_page": fields.Integer(),
            },
        )
    return _page_schemas[item_schema]


def order_by(
    sort: str | None, sorts: dict[str, sa.ColumnElement[Any]], default: str
) -> list[sa.ColumnElement[Any]]:
    key = sort or default
    name = key.removeprefix("-")
    if name not in sorts:
        raise ApiError(
            422,
            "Invalid sort key.",
            {"sort": [f"Must be one of: {', '.join(sorted(sorts))} (prefix '-' to reverse)."]},
        )
    column = sorts[name]
    return [column.desc() if key.startswith("-") else column.asc()]


def paginate(
    stmt: sa.Select[Any],
    args: dict[str, Any],
    sorts: dict[str, sa.ColumnElement[Any]],
    default_sort: str,
    tiebreak: sa.ColumnElement[Any],
) -> dict[str, Any]:
    """Run `stmt` for one page; `tiebreak` (the primary key) keeps the order stable."""
    ordering = [*order_by(args.get("sort"), sorts, default_sort), tiebreak]
    page, per_page = args["page"], args["per_page"]
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    )
    items = db.session.scalars(
        stmt.order_by(*ordering).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def paginate_list(
    items: list[Any],
    args: dict[str, Any],
    sorts: dict[str, Callable[[Any], Any]],
    default_sort: str,
) -> dict[str, Any]:
    """One page of items computed in Python, sorted by a key of `sorts` (None sorts last)."""
    key = args.get("sort") or default_sort
    name = key.removeprefix("-")
    if name not in sorts:
        raise ApiError(
            422,
            "Invalid sort key.",
            {"sort": [f"Must be one of: {', '.join(sorted(sorts))} (prefix '-' to reverse)."]},
        )
    present = [i for i in items if sorts[name](i) is not None]
    missing = [i for i in items if sorts[name](i) is None]
    ordered = sorted(present, key=sorts[name], reverse=key.startswith("-")) + missing
    page, per_page = args["page"], args["per_page"]
    return {
        "items": ordered[(page - 1) * per_page : page * per_page],
        "total": len(items),
        "page": page,
        "per_page": per_page,
    }
