"""Helpers of the /api/visits tests."""

from __future__ import annotations

from datetime import UTC, datetime


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def check_in(client, visit, **body):
    return client.post(f"/api/visits/{visit.id}/check-in", json=body)
