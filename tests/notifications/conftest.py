"""A real SMTP server on this machine (aiosmtpd) that the app's mails go to, and helpers."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask


class Received:
    """What the SMTP server was handed: (envelope recipients, the parsed message)."""

    def __init__(self) -> None:
        self.mails: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.mails.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Received]:
    """The app sends its mails to a local SMTP server (no TLS); what arrived is kept."""
    received = Received()
    controller = Controller(received, hostname="127.0.0.1", port=free_port())
    controller.start()
    for key, value in {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": controller.port,
        "SMTP_TLS": "none",
        "PUBLIC_URL": "https://fieldops.example.com",
    }.items():
        monkeypatch.setitem(app.config, key, value)
    try:
        yield received
    finally:
        controller.stop()


def notifications_of(client: Any, **query: Any) -> dict[str, Any]:
    r = client.get("/api/notifications", query_string=query)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def kinds_of(client: Any) -> list[str]:
    return [n["kind"] for n in notifications_of(client)["items"]]


def file_issue(client: Any, store: Any, **extra: Any) -> dict[str, Any]:
    body = {"store_id": store.id, "category": "wifi", "severity": "high", "title": "Wi-Fi down"}
    r = client.post("/api/issues", json={**body, **extra})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def triage(client: Any, issue_id: int, **changes: Any) -> dict[str, Any]:
    r = client.patch(f"/api/issues/{issue_id}", json=changes)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def comment(client: Any, issue_id: int, body: str = "On my way.") -> None:
    r = client.post(f"/api/issues/{issue_id}/comments", json={"body": body})
    assert r.status_code == 201, r.get_json()
