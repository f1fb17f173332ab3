"""The one source of the current time. Rules take `now` as an argument; routes pass `utcnow()`."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)
