"""The marshmallow fields every schema uses: `from fieldops.core import fields`.

marshmallow's own fields are re-exported, except those replaced here so that bad input is
refused where it is read, for every route and form alike (ruff bans importing
marshmallow.fields elsewhere):

- Integer: a whole number an integer column holds, 32 bits as PostgreSQL's `integer`
  (1.5 is refused, not truncated to 1; 2**40 compared with an id column fails on
  PostgreSQL, 2**70 on SQLite);
- Date, DateTime, AwareDateTime: between 1900-01-01 and 2199-12-31 (UTC for instants),
  so store-local dates and windows computed from them cannot overflow;
- String: without NUL characters (PostgreSQL cannot store them in text);
- Boolean: says what it accepts.

Query parameters and form fields with a NUL are refused before any route, in
core/input_checks.py; JSON bodies here, field by field, so that one row of a signal
batch or one operation of a sync is refused on its own.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from functools import cache, lru_cache
from typing import Any
from zoneinfo import available_timezones

from marshmallow import Schema, ValidationError, fields
from marshmallow.fields import (
    UUID,
    Dict,
    Email,
    Enum,
    Field,
    Float,
    Function,
    List,
    Nested,
    Raw,
)

__all__ = [
    "HHMM",
    "IdOr",
    "UUID",
    "AwareDateTime",
    "Boolean",
    "Date",
    "DateTime",
    "Dict",
    "Email",
    "Enum",
    "Field",
    "Float",
    "Function",
    "Integer",
    "List",
    "Nested",
    "Raw",
    "String",
    "not_blank",
    "partial_schema",
    "validate_phone",
    "validate_timezone",
]

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # PostgreSQL integer, the type of every id column
_WHOLE = re.compile(r"[+-]?[0-9]+")
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)
OUT_OF_RANGE = f"Must be from {FIRST_DAY} to {LAST_DAY}."
NO_NUL = "Must not contain a NUL character (\\u0000)."


class String(fields.String):
    default_error_messages = {"nul": NO_NUL}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise self.make_error("nul")
        return text


class Integer(fields.Integer):
    """A whole number of at most 32 bits, given as a JSON number or as digits (query, form)."""

    default_error_messages = {
        "invalid": "Must be a whole number.",
        "too_large": f"Must be from {INT_MIN} to {INT_MAX}.",
    }

    def _validated(self, value: Any) -> int:
        whole = _WHOLE.fullmatch(value) if isinstance(value, str) else isinstance(value, int)
        if not whole:  # 1.5 and 2.0 alike: never truncated
            raise self.make_error("invalid")
        number = super()._validated(value)
        if not INT_MIN <= number <= INT_MAX:
            raise self.make_error("too_large")
        return number


class IdOr:
    """Validator of a filter that takes an id or one of a few words ("me", "none"): the id
    must fit an id column, or comparing with it fails in the database (a 500, not a 422)."""

    def __init__(self, *words: str) -> None:
        self.words = words
        self.error = "Use " + ", ".join(f'"{word}"' for word in words) + " or a user id."

    def __call__(self, value: str) -> str:
        if value in self.words:
            return value
        if not _WHOLE.fullmatch(value) or value.startswith(("+", "-")):
            raise ValidationError(self.error)
        if int(value) > INT_MAX:
            raise ValidationError(f"A user id is at most {INT_MAX}.")
        return value


class Boolean(fields.Boolean):
    default_error_messages = {"invalid": "Must be true or false."}


def within_range(at: date | datetime) -> bool:
    """Whether a date, or an instant's UTC date (a naive one's own), lies in 1900..2199."""
    if isinstance(at, datetime):
        try:
            at = (at.astimezone(UTC) if at.tzinfo else at).date()
        except OverflowError:  # 0001-01-01T00:00:00+01:00 is before the first UTC instant
            return False
    return FIRST_DAY <= at <= LAST_DAY


class Date(fields.Date):
    default_error_messages = {
        "invalid": "Must be a date as YYYY-MM-DD.",
        "out_of_range": OUT_OF_RANGE,
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        day = super()._deserialize(value, attr, data, **kwargs)
        if not within_range(day):
            raise self.make_error("out_of_range")
        return day


class DateTime(fields.DateTime):
    default_error_messages = {"out_of_range": OUT_OF_RANGE}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        at = super()._deserialize(value, attr, data, **kwargs)
        if not within_range(at):
            raise self.make_error("out_of_range")
        return at


_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@lru_cache(maxsize=4096)
def _hh_mm(value: time) -> str:
    """A page of 50 stores writes some 600 times, most of them alike (strftime: ~1 µs)."""
    return value.strftime("%H:%M")


class HHMM(fields.Field):
    """A time of day written "HH:MM" (24-hour)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {}).update(
            {"type": "string", "pattern": _HHMM.pattern, "example": "09:30"}
        )
        super().__init__(**kwargs)

    @staticmethod
    def dump_value(value: time | None) -> str | None:
        """The dump of a value (fieldops.core.dumping calls it without `_serialize`)."""
        return None if value is None else _hh_mm(value)

    def _serialize(self, value: time | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return self.dump_value(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> time:
        match = _HHMM.match(value) if isinstance(value, str) else None
        if not match:
            raise ValidationError("Must be a time of day as HH:MM (00:00 to 23:59).")
        return time(int(match[1]), int(match[2]))


def not_blank(value: str) -> None:
    """Refuse text that is nothing but spaces: it passes a length check, then shows as empty."""
    if not value.strip():
        raise ValidationError("Must not be blank.")


_PHONE = re.compile(r"\+?[0-9 ().-]+")
PHONE_DIGITS = (7, 15)  # a local number's fewest; the most E.164 allows
PHONE_MAX_LENGTH = 40  # the phone columns' size


def validate_phone(value: str) -> None:
    """A phone number as people write it: digits with spaces, ( ) - . between them, and a +
    only in front; 7 to 15 digits. Its `tel:` link keeps the digits and the +."""
    digits = sum(c in "0123456789" for c in value)
    low, high = PHONE_DIGITS
    if len(value) > PHONE_MAX_LENGTH or not _PHONE.fullmatch(value) or not low <= digits <= high:
        raise ValidationError(
            f"Must be a phone number of {low} to {high} digits, with only spaces, "
            "+ ( ) - . besides them, e.g. +1 312 555 0100."
        )


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_timezone(name: str) -> None:
    """An IANA zone name such as America/Chicago."""
    if name not in known_timezones():
        raise ValidationError(
            f"Unknown time zone {name!r}; use an IANA name such as America/Chicago."
        )


class AwareDateTime(fields.AwareDateTime):
    """An ISO 8601 timestamp with an explicit offset, in 1900..2199; naive times are refused.

    Loaded as UTC, so a record answered straight after a write shows its times as every
    later read does (UTC), not in the offset the client happened to send.
    """

    default_error_messages = {
        "invalid": "Not a valid ISO 8601 datetime.",
        "invalid_awareness": "Must include a UTC offset, e.g. 2026-05-01T14:30:00-05:00.",
        "out_of_range": OUT_OF_RANGE,
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        at = super()._deserialize(value, attr, data, **kwargs)
        if not within_range(at):
            raise self.make_error("out_of_range")
        return at.astimezone(UTC)


def partial_schema(schema: type[Schema], partial: bool = True) -> Schema:
    """`schema` where any top-level field may be left out (an edit), nested items still whole.

    marshmallow's `partial=True` reaches into nested schemas too, so a store's exception
    without its date got past validation and failed in the rules (a 500, not a 422).
    """
    return schema(partial=tuple(schema().fields) if partial else False)
