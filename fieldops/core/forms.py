"""HTML forms go through the same marshmallow schemas and services as the JSON API.

`submit` loads the posted form with a schema and runs the action; on bad input the
transaction is rolled back and the errors come back keyed by field, for the template to
show next to each field (the page is then answered with 422). `list_args` reads a list
page's query string the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import request
from marshmallow import Schema, ValidationError

from fieldops.core.errors import DomainError
from fieldops.extensions import db

T = TypeVar("T")
FORM_ERROR = "_form"
IGNORED = frozenset({"csrf_token"})


def form_values(
    form: Mapping[str, Any] | None = None, lists: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The posted fields without the CSRF token and without empty values (empty = not given)."""
    form = request.form if form is None else form
    values: dict[str, Any] = {}
    for key in form:
        if key in IGNORED:
            continue
        if key in lists:
            values[key] = [v for v in request.form.getlist(key) if v.strip()]
        elif str(form[key]).strip() != "":
            values[key] = str(form[key]).strip()
    return values


def flatten(messages: dict[str, Any], prefix: str = "") -> dict[str, list[str]]:
    """{"fields": {"rssi_dbm": [...]}} -> {"fields.rssi_dbm": [...]}; lists of strings kept."""
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = [str(v) for v in (value if isinstance(value, list) else [value])]
    return flat


def submit(
    schema: Schema, values: dict[str, Any], action: Callable[[dict[str, Any]], T]
) -> tuple[T | None, dict[str, list[str]]]:
    """(result, {}) when `values` load and `action` succeeds, else (None, errors by field)."""
    try:
        return action(schema.load(values)), {}
    except ValidationError as err:
        db.session.rollback()
        return None, flatten(
            err.messages if isinstance(err.messages, dict) else {FORM_ERROR: err.messages}
        )
    except DomainError as err:
        db.session.rollback()
        return None, {err.field or FORM_ERROR: [err.message]}


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
        return schema.load(kept), flatten(bad)
