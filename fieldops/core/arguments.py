"""The API's blueprints, and how their routes read query-string arguments."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

import flask_smorest
import marshmallow
from flask import request
from webargs.flaskparser import FlaskParser

# Values a remembered answer may hold: shared by every request that gets it, none changes.
IMMUTABLE = (str, int, float, Decimal, date, datetime, time, Enum, type(None))
REMEMBERED = 4096  # query strings, for all routes together; then it starts afresh


class ArgsParser(FlaskParser):
    """webargs' Flask parser, remembering what each query string of a route parsed into.

    Loading a list's query through its argument schema cost ~60 µs, a sixth of the work
    of an engineer's Today request, and the same strings come again and again: every
    engineer asks for `engineer=me&date=<today>`, every client pages the same lists. An
    argument schema reads the query string alone (none reads the clock, the user or the
    database), so a string gives the same arguments every time: they are kept per schema
    instance and string, when every value is immutable, and each request gets a copy. A
    string that fails validation is not kept: its 422 is raised again each time.
    """

    def __init__(self) -> None:
        super().__init__()
        self._parsed: dict[tuple[Any, ...], dict[str, Any]] = {}

    def parse(self, argmap: Any, req: Any = None, **kwargs: Any) -> Any:
        if (
            kwargs.get("location") != "query"
            or not isinstance(argmap, marshmallow.Schema)
            or kwargs.get("validate") is not None
        ):
            return super().parse(argmap, req, **kwargs)
        key = (argmap, kwargs.get("unknown"), request.query_string)
        parsed = self._parsed.get(key)
        if parsed is None:
            parsed = super().parse(argmap, req, **kwargs)
            if not all(isinstance(value, IMMUTABLE) for value in parsed.values()):
                return parsed
            if len(self._parsed) >= REMEMBERED:
                self._parsed.clear()
            self._parsed[key] = parsed
        return dict(parsed)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, its routes' arguments parsed by ArgsParser."""

    ARGUMENTS_PARSER = ArgsParser()
