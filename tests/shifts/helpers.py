"""Helpers of the /api/shifts tests: a shift's body, and creating one through the API."""

from __future__ import annotations

from typing import Any


def shift_body(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Midwest weekdays",
        "timezone": "America/Chicago",
        "weekdays": [4, 0, 1, 2, 3],
        "start": "08:00",
        "end": "18:00",
        "region": "Midwest",
        "kind": "onsite",
        **overrides,
    }


def create(client: Any, **overrides: Any) -> dict[str, Any]:
    r = client.post("/api/shifts", json=shift_body(**overrides))
    assert r.status_code == 201, r.get_json()
    return r.get_json()
