"""Checks on every request's input, before any route, schema or extension reads it.

What no field of any schema could accept is refused here once, for the API and the pages
alike, so a route written tomorrow is covered too:

- a JSON body nested deeper than 64 levels: 400 (Python's json recurses once per level,
  and some thousand levels raised RecursionError, a 500);
- a NUL character in a query parameter or a form field: 422 naming it (PostgreSQL cannot
  take a NUL in text; pages read some parameters by hand). In JSON, fields.String refuses
  it, so one row of a batch is refused on its own;
- a path id beyond what an id column holds (32 bits) matches no route: 404 (PostgreSQL
  refuses to compare an integer column with 2**31, SQLite with 2**63);
- a body over MAX_CONTENT_LENGTH: 413, unless its view takes more (`accepts_large_body`:
  the HTML forms that post several photos at once).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import accumulate
from typing import Any, TypeVar

import flask
import orjson
from flask import Flask, current_app, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, Map

from fieldops.core.errors import ApiError
from fieldops.core.fields import INT_MAX, INT_MIN, NO_NUL

V = TypeVar("V", bound=Callable[..., Any])
MAX_JSON_DEPTH = 64
FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})
NAMELESS = "Every part of a form body needs a name."
TOO_DEEP = f"JSON may nest arrays and objects at most {MAX_JSON_DEPTH} levels deep."

_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}  # the depth a bracket adds


def json_too_deep(text: str | bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON text nests arrays and objects deeper than `limit`, read without parsing.

    Brackets inside strings do not count. With escapes removed, quotes alternate opening
    and closing, so dropping adjacent pairs keeps them so; a quote left means a string
    holding brackets. About 5 ms for a batch of 10,000 signals (1 MB), in C but for the
    count of brackets kept.
    """
    body = text.encode() if isinstance(text, str) else text
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    if b"\\" in body:
        body = _ESCAPE.sub(b"", body)
    structure = body.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
    if b'"' in structure:
        structure = b"".join(structure.split(b'"')[::2])
    return max(accumulate(map(_STEP.__getitem__, structure)), default=0) > limit


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing nesting too deep: `request.get_json()` then answers 400.

    Answers are encoded by orjson, in C: a page of 50 stores took 337 µs through Python's
    json and takes 52 (Today's visits 19 and 5). Keys keep the schema's order (Flask
    sorts them by default), text stays UTF-8 rather than escaped, and dates, decimals,
    dataclasses and markup are written as Flask writes them (its `default`). What orjson
    cannot write (an integer beyond 64 bits) goes through Python's json as before.
    """

    sort_keys = False
    _OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_APPEND_NEWLINE

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if json_too_deep(s):
            raise ValueError(TOO_DEEP)
        return super().loads(s, **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> flask.Response:
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(*args, **kwargs)  # indented, for people
        obj = self._prepare_response_obj(args, kwargs)
        try:
            body = orjson.dumps(obj, default=self.default, option=self._OPTIONS)
        except orjson.JSONEncodeError:
            return super().response(*args, **kwargs)
        return self._app.response_class(body, mimetype=self.mimetype)


class IdConverter(IntegerConverter):
    """`<int:...>`: an id an id column can hold; a larger number is not found (404)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", INT_MAX)
        super().__init__(url_map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        """NotFound, not ValidationError: werkzeug would answer a PATCH with 405 when a GET
        rule shares the path; the length check spares int() thousands of digits."""
        if len(value.lstrip("0")) > 10 or int(value) > self.max:
            raise NotFound("No record has so large an id.")
        return super().to_python(value)


def db_int(text: str) -> int:
    """int() for an id read by hand, `request.args.get("store_id", type=db_int)`.

    Beyond what an integer column holds it raises ValueError, so werkzeug treats the id
    as not given.
    """
    number = int(text)
    if not INT_MIN <= number <= INT_MAX:
        raise ValueError(f"{text} is beyond an integer column")
    return number


def accepts_large_body(setting: str) -> Callable[[V], V]:
    """Let a view take a body of up to `config[setting]` bytes instead of MAX_CONTENT_LENGTH.

    Put it above the view's other decorators (below the route): the limit is read from the
    view function the route calls.
    """

    def mark(view: V) -> V:
        view.max_body_setting = setting  # type: ignore[attr-defined]
        return view

    return mark


class Request(flask.Request):
    """Flask's request, whose body limit is its view's own where it has one.

    The limit is known from the matched route, before the body is read (by
    `check_request_input`, the CSRF check, or the view).
    """

    @property
    def max_content_length(self) -> int | None:
        view = current_app.view_functions.get(self.endpoint or "") if current_app else None
        setting = getattr(view, "max_body_setting", None)
        if self._max_content_length is None and setting is not None:
            return int(current_app.config[setting])
        return flask.Request.max_content_length.fget(self)  # type: ignore[attr-defined]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def check_request_input() -> None:
    """Refuse a JSON body nested too deep or a form part without a name (400), and a NUL in
    a query or form field (422)."""
    if request.is_json and json_too_deep(request.get_data(cache=True)):
        raise ApiError(400, TOO_DEEP, {"json": [TOO_DEEP]})
    # werkzeug parses a form from these bodies only: other requests leave it unparsed.
    has_form = request.mimetype in FORM_TYPES
    if has_form and (None in request.form or None in request.files):  # CSRF cannot read it
        raise ApiError(400, NAMELESS, {"form": [NAMELESS]})
    # A NUL reaches a query string only as %00 (or a raw byte): most hold none, and their
    # arguments need not be parsed here.
    query = request.query_string
    sources = (request.args,) if b"%00" in query or b"\x00" in query else ()
    if has_form:
        sources += (request.form,)
    names = sorted(
        {
            key.replace("\x00", "\\u0000")
            for source in sources
            for key, value in source.items(multi=True)
            if "\x00" in (key or "") or "\x00" in (value or "")  # a test client may send None
        }
    )
    if names:
        raise ApiError(422, NO_NUL, {name: [NO_NUL] for name in names})


def init_input_checks(app: Flask) -> None:
    """Before the blueprints: the converter applies to the rules as they are added."""
    app.json = JSONProvider(app)
    app.request_class = Request
    app.url_map.converters["int"] = IdConverter
    app.before_request(check_request_input)
