"""HTML forms go through the same marshmallow schemas and services as the JSON API.

`submit` loads the posted form with a schema and runs the action; on bad input the
transaction is rolled back and the errors come back keyed by field, for the template to
show next to each field (the page is then answered with 422). `parse_dated_lines` and
`dated_lines` read and write the "a dated exception per line" text boxes (a store's hours,
a support shift's days).

`in_words` is the one place where marshmallow's messages become sentences a person reads:
"fields.rssi_dbm: Must be greater than or equal to -120 and less than or equal to 0."
becomes "Signal (dBm) must be between −120 and 0.", named with the form's label (a
field's `metadata["label"]`, gathered by `labels_of`). Keys stay the field's path, for
code to find the input; no sentence ever shows a path. `html_constraints` gives an input
the `required`/`min`/`max`/`maxlength` attributes its schema field checks, so the browser
can check them before anything is sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, time
from typing import Any, TypeVar

from flask import request
from marshmallow import Schema, ValidationError, validate

from fieldops.core import fields as ma_fields
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


def humanize(name: str) -> str:
    """rssi_dbm -> "Rssi dbm": the fallback label of a field that has none."""
    return name.replace("_", " ").strip().capitalize()


def labels_of(schema: Schema) -> dict[str, str]:
    """{input name: label} of a schema's fields (and of its nested and one-of schemas).

    A field's label is its `metadata["label"]`, else its name in words.
    """
    labels: dict[str, str] = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        labels[key] = field.metadata.get("label") or humanize(key)
        inner = field.inner if isinstance(field, ma_fields.List) else field
        nested = [inner.schema] if isinstance(inner, ma_fields.Nested) else []
        nested += field.metadata.get("one_of_schemas", [])
        for other in nested:
            other = other() if isinstance(other, type) else other
            labels = {**labels_of(other), **labels}
    return labels


_NUMBER = r"(-?[\d.]+(?:e[+-]?\d+)?)"
_PHRASES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), words)
    for p, words in [
        (
            r"^(?:Missing data for required field|Field may not be null|Must not be blank)\.",
            "{label} is required.",
        ),
        (r"^Shorter than minimum length 1\.", "{label} is required."),
        (
            rf"^Must be greater than or equal to {_NUMBER} and less than or equal to {_NUMBER}\.",
            "{label} must be between {0} and {1}.",
        ),
        (rf"^Must be greater than or equal to {_NUMBER}\.", "{label} must be at least {0}."),
        (rf"^Must be less than or equal to {_NUMBER}\.", "{label} must be at most {0}."),
        (r"^Shorter than minimum length (\d+)\.", "{label} needs at least {0} characters."),
        (r"^Longer than maximum length (\d+)\.", "{label} takes at most {0} characters."),
        (
            r"^Length must be between 1 and (\d+)\.",
            "{label} is required, in at most {0} characters.",
        ),
        (r"^Length must be between (\d+) and (\d+)\.", "{label} takes {0} to {1} characters."),
        (r"^Not a valid integer\.", "{label} must be a whole number."),
        (r"^Not a valid number\.", "{label} must be a number."),
        (r"^Not a valid date\.", "{label} must be a date (YYYY-MM-DD)."),
        (r"^(?:Not a valid time\.|Must be a time of day)", "{label} must be a time (HH:MM)."),
        (r"^Not a valid (datetime|UUID|boolean|string|list|mapping)\.", "{label} is not valid."),
        (r"^Unknown field\.", "{label} is not a field of this form."),
    ]
]


def _number(text: str) -> str:
    """-120 -> −120 (a true minus sign), 10000 -> 10,000."""
    value = float(text)
    shown = f"{value:,.0f}" if value.is_integer() else f"{value:,}"
    return shown.replace("-", "\u2212")


def sentence(label: str, message: str) -> str:
    """One marshmallow message about the field labelled `label`, as a sentence.

    Another message "Must ..." reads "<label> must ..."; any other is said after the label.
    """
    for pattern, words in _PHRASES:
        match = pattern.match(message)
        if match:
            groups = [_number(g) if re.fullmatch(_NUMBER, g) else g for g in match.groups()]
            return words.format(*groups, label=label)
    if message.startswith("Must "):
        return f"{label} must {message[5:]}"
    return f"{label}: {message}"


def in_words(
    messages: Any, labels: Mapping[str, str] | None = None, prefix: str = ""
) -> dict[str, list[str]]:
    """marshmallow error messages as sentences, keyed by the field's path.

    {"fields": {"rssi_dbm": ["Must be greater than or equal to -120 and less than or equal
    to 0."]}} -> {"fields.rssi_dbm": ["Signal (dBm) must be between −120 and 0."]}.
    A list entry is named by its position ("Posted hours, entry 2: Closes must be a time
    (HH:MM)."); messages about the whole form come under "_form".
    """
    labels = labels or {}
    if not isinstance(messages, dict):
        messages = {FORM_ERROR: messages}
    words: dict[str, list[str]] = {}
    for key, value in messages.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            for inner, said in in_words(value, labels, f"{path}.").items():
                words.setdefault(inner, []).extend(said)
            continue
        said = [str(m) for m in (value if isinstance(value, list) else [value])]
        names = [part for part in path.split(".") if not part.isdigit() and part != "fields"]
        name = names[-1] if names else FORM_ERROR
        if name not in ("_schema", FORM_ERROR):
            said = [sentence(labels.get(name) or humanize(name), m) for m in said]
        entries = [part for part in path.split(".") if part.isdigit()]
        if entries and names:
            outer = labels.get(names[0]) or humanize(names[0])
            said = [f"{outer}, entry {int(entries[0]) + 1}: {s}" for s in said]
        words[path] = said
    return words


def html_constraints(field: ma_fields.Field) -> dict[str, Any]:
    """The input attributes (`required`, `min`, `max`, `maxlength`) a schema field checks."""
    attrs: dict[str, Any] = {"required": True} if field.required else {}
    for check in field.validators:
        if isinstance(check, validate.Range):
            attrs.update({"min": check.min, "max": check.max})
        elif isinstance(check, validate.Length) and check.max is not None:
            attrs["maxlength"] = check.max
    return {key: value for key, value in attrs.items() if value is not None}


def submit(
    schema: Schema, values: dict[str, Any], action: Callable[[dict[str, Any]], T]
) -> tuple[T | None, dict[str, list[str]]]:
    """(result, {}) when `values` load and `action` succeeds, else (None, errors by field).

    The errors are sentences (`in_words`, with the schema's labels), keyed by field path.
    """
    try:
        return action(schema.load(values)), {}
    except ValidationError as err:
        db.session.rollback()
        return None, in_words(err.messages, labels_of(schema))
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
