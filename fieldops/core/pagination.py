"""Paging and sorting shared by every list, JSON or HTML: `?page=&per_page=&sort=`.

Every list answers a `Page`: {"items": [...], "total": n, "page": p, "per_page": k}.
`sort` names one of the list's sort keys (its `Sorting`), with a leading "-" for
descending. A feature's service answers pages (`paginate` over its query, or
`paginate_list` over rows computed in Python); its API route reads the arguments with
its list schema (a bad one: 422), its HTML page with `list_args` (a bad one is left out
and named, so the page still shows its list).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, TypedDict

import sqlalchemy as sa
from flask import request
from marshmallow import ValidationError, validate

from fieldops.core import fields
from fieldops.core.dumping import Schema
from fieldops.core.errors import ApiError
from fieldops.core.forms import form_values, in_words, labels_of
from fieldops.extensions import db

MAX_PER_PAGE = 500
MAX_PAGE = 1_000_000  # far past any list; its SQL offset stays within 32 bits


class Page(TypedDict):
    items: list[Any]
    total: int
    page: int
    per_page: int


@dataclass(frozen=True)
class Sorting:
    """A list's sort keys (columns for a query, functions for rows computed in Python), the
    key used when none is asked for, and, for a query, the column that keeps rows with
    equal keys in one order (the primary key)."""

    keys: Mapping[str, Any]
    default: str
    tiebreak: sa.ColumnElement[Any] | None = None


class ListArgsSchema(Schema):
    """A list's query arguments. Routes pass an instance, `blp.arguments(XArgsSchema(),
    location="query")`: given the class, webargs makes a new instance on every request
    (a deep copy of each field, about 0.1 ms)."""

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
                "items": fields.Nested(item_schema, many=True),
                "total": fields.Integer(),
                "page": fields.Integer(),
                "per_page": fields.Integer(),
            },
        )
    return _page_schemas[item_schema]


def list_args(
    schema: Schema, values: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A list page's parameters (default: the query string) and what was wrong with them.

    A bad parameter (a link edited by hand, an old bookmark) is left out, so the page
    still shows its list, and named with what it accepts; the view answers 422.
    """
    values = form_values(request.args) if values is None else values
    try:
        return schema.load(values), {}
    except ValidationError as err:
        bad = err.messages if isinstance(err.messages, dict) else {}
        kept = {key: value for key, value in values.items() if key not in bad}
        return schema.load(kept), in_words(bad, labels_of(schema))


def _sort(args: Mapping[str, Any], sorting: Sorting) -> tuple[Any, bool]:
    """The sort key asked for (or the default) and whether it runs descending; 422 if the
    list has no such key."""
    key = args.get("sort") or sorting.default
    name = key.removeprefix("-")
    if name not in sorting.keys:
        raise ApiError(
            422,
            "Invalid sort key.",
            {
                "sort": [
                    f"Must be one of: {', '.join(sorted(sorting.keys))} (prefix '-' to reverse)."
                ]
            },
        )
    return sorting.keys[name], key.startswith("-")


def _page(items: list[Any], total: int, args: Mapping[str, Any]) -> Page:
    return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}


def _ordered(stmt: sa.Select[Any], args: Mapping[str, Any], sorting: Sorting) -> sa.Select[Any]:
    column, descending = _sort(args, sorting)
    ordering = [column.desc() if descending else column.asc()]
    if sorting.tiebreak is not None:
        ordering.append(sorting.tiebreak)
    return stmt.order_by(*ordering)


# The page statements of statements made once (`paginate`'s `params`), by statement and sort.
_paged: dict[tuple[sa.Select[Any], str], sa.Select[Any]] = {}
_LIMIT, _OFFSET = (
    sa.bindparam("page_limit", type_=sa.Integer),
    sa.bindparam("page_offset", type_=sa.Integer),
)


def paginate(
    stmt: sa.Select[Any],
    args: Mapping[str, Any],
    sorting: Sorting,
    fetch: Callable[..., Iterable[Any]] | None = None,
    params: Mapping[str, Any] | None = None,
) -> Page:
    """Run `stmt` for one page, sorted as `args` asks and then by the tiebreak.

    The items are the statement's first entities (`db.session.scalars`), or whatever
    `fetch(statement, params)` makes of the page's statement (rows read without the ORM).
    `params` are the values of the bound parameters of a statement made once and kept (a
    module's constant, or one of a bounded cache): its page statement, sorted, with its
    limit and offset bound too, is then made once as well, and so is its cache key; `fetch`
    gets it with its values (None for a page statement made for this request alone).
    """
    page, per_page = args["page"], args["per_page"]
    offset = (page - 1) * per_page
    values: dict[str, Any] | None
    if params is None:
        paged, values = _ordered(stmt, args, sorting).limit(per_page).offset(offset), None
    else:
        key = (stmt, args.get("sort") or sorting.default)
        if key not in _paged:
            _paged[key] = _ordered(stmt, args, sorting).limit(_LIMIT).offset(_OFFSET)
        paged = _paged[key]
        values = {**params, "page_limit": per_page, "page_offset": offset}
    items = list((fetch or db.session.scalars)(paged, values))
    if 0 < len(items) < per_page or (page == 1 and not items):
        # The last page, short: the total is known without counting (Today's visits, most
        # filtered lists), which spares a query.
        return _page(items, offset + len(items), args)
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()), params or {}
    )
    return _page(items, total or 0, args)


def paginate_list(items: list[Any], args: Mapping[str, Any], sorting: Sorting) -> Page:
    """One page of items computed in Python, sorted by a key of `sorting` (None sorts last)."""
    key, descending = _sort(args, sorting)
    keyed = [(key(i), i) for i in items]  # each key once: a list can hold thousands
    present = [pair for pair in keyed if pair[0] is not None]
    present.sort(key=itemgetter(0), reverse=descending)
    ordered = [i for _, i in present] + [i for k, i in keyed if k is None]
    page, per_page = args["page"], args["per_page"]
    return _page(ordered[(page - 1) * per_page : page * per_page], len(items), args)
