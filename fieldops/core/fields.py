"""marshmallow fields shared by several features."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from marshmallow import Schema, ValidationError, fields

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class HHMM(fields.Field):
    """A time of day written "HH:MM" (24-hour)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {}).update(
            {"type": "string", "pattern": _HHMM.pattern, "example": "09:30"}
        )
        super().__init__(**kwargs)

    def _serialize(self, value: time | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else value.strftime("%H:%M")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> time:
        match = _HHMM.match(value) if isinstance(value, str) else None
        if not match:
            raise ValidationError("Must be a time of day as HH:MM (00:00 to 23:59).")
        return time(int(match[1]), int(match[2]))


def not_blank(value: str) -> None:
    """Refuse text that is nothing but spaces: it passes a length check, then shows as empty."""
    if not value.strip():
        raise ValidationError("Must not be blank.")


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
    """An ISO 8601 timestamp with an explicit offset; naive times are refused.

    Loaded as UTC, so a record answered straight after a write shows its times as every
    later read does (UTC), not in the offset the client happened to send.
    """

    default_error_messages = {
        "invalid": "Not a valid ISO 8601 datetime.",
        "invalid_awareness": "Must include a UTC offset, e.g. 2026-05-01T14:30:00-05:00.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        try:
            return super()._deserialize(value, attr, data, **kwargs).astimezone(UTC)
        except OverflowError:  # 0001-01-01T00:00:00+01:00 is before the first UTC instant
            raise self.make_error("invalid") from None


def partial_schema(schema: type[Schema], partial: bool = True) -> Schema:
    """`schema` where any top-level field may be left out (an edit), nested items still whole.

    marshmallow's `partial=True` reaches into nested schemas too, so a store's exception
    without its date got past validation and failed in the rules (a 500, not a 422).
    """
    return schema(partial=tuple(schema().fields) if partial else False)
