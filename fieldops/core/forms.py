"""HTML forms go through the same marshmallow schemas and services as the JSON API.

`submit` loads the posted form with a schema and runs the action; on bad input the
transaction is rolled back and the errors come back keyed by field, for the template to
show next to each field (the page is then answered with 422). `parse_dated_lines` and
`dated_lines` read and write the "a dated exception per line" text boxes (a store's hours,
a support shift's days).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, time
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


def _dated_line(word: str) -> re.Pattern[str]:
    return re.compile(
        rf"^(?P<date>\d{{4}}-\d{{2}}-\d{{2}})\s+(?:(?P<word>{re.escape(word)})\b|"
        r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2}))\s*(?P<note>.*)$",
        re.IGNORECASE,
    )


def parse_dated_lines(text: str, word: str, times: tuple[str, str]) -> list[dict[str, Any]]:
    """A text box of dated exceptions, a line each, as schema payloads.

    "2026-12-25 <word> Christmas" gives {"date", word: True, "note"}; "2026-12-31
    18:00-23:00 New Year's Eve" gives {"date", times[0], times[1], "note"} (times as HH:MM).
    A line that reads as neither gives {"date": its first ten characters, times[0]: "?"},
    for the schema to name what is wrong with it; blank lines are skipped.
    """
    pattern, (start, end) = _dated_line(word), times
    entries: list[dict[str, Any]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = pattern.match(line.strip())
        if not match:
            entries.append({"date": line.strip()[:10], start: "?"})
            continue
        entry: dict[str, Any] = {"date": match["date"], "note": match["note"].strip() or None}
        if match["word"]:
            entry[word] = True
        else:
            entry.update({start: match["start"].zfill(5), end: match["end"].zfill(5)})
        entries.append(entry)
    return entries


def dated_lines(
    entries: Iterable[tuple[date, tuple[time, time] | None, str | None]], word: str
) -> str:
    """The text box `parse_dated_lines` reads: (day, (start, end) or None for `word`, note)."""
    lines = []
    for day, window, note in entries:
        what = word if window is None else f"{window[0]:%H:%M}-{window[1]:%H:%M}"
        lines.append(f"{day.isoformat()} {what} {note or ''}".strip())
    return "\n".join(lines)
