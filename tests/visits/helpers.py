"""Helpers of the /api/visits tests."""

from __future__ import annotations

from datetime import UTC, datetime


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def check_in(setup, visit, **body):
    return setup["as_engineer"].post(f"/api/visits/{visit.id}/check-in", json=body)
