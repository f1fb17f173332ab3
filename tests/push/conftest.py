"""A push service on this machine (a tiny HTTP server) and browsers subscribed to it.

Each browser holds its own ECDH P-256 key pair and authentication secret, as a real one
does, so a test decrypts what the push service received (RFC 8291, `aes128gcm`) with
http_ece and reads the payload the app sent.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import Flask

from fieldops.extensions import db
from fieldops.push import PushSubscription, new_vapid_keys


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Delivery:
    """One message as the push service received it."""

    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes

    def claims(self) -> dict[str, Any]:
        """The claims of the VAPID token (`Authorization: vapid t=<JWT>,k=<key>`)."""
        token = self.headers["authorization"].split("t=", 1)[1].split(",", 1)[0]
        return json.loads(unb64url(token.split(".")[1]))


@dataclass
class PushService:
    """Answers `status` (201 unless a test changes it) and keeps what it was sent."""

    url: str
    status: int = 201
    received: list[Delivery] = field(default_factory=list)
    on_receive: Callable[[], None] | None = None


@pytest.fixture
def push_service_factory() -> Iterator[Callable[[], PushService]]:
    """push_service_factory() -> a new push service on its own port (its own origin)."""
    servers: list[ThreadingHTTPServer] = []

    def start() -> PushService:
        service = PushService(url="")

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if service.on_receive is not None:
                    service.on_receive()
                headers = {name.lower(): value for name, value in self.headers.items()}
                service.received.append(Delivery(self.path, headers, body))
                self.send_response(service.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        service.url = f"http://127.0.0.1:{server.server_address[1]}"
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return service

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def push_service(push_service_factory: Callable[[], PushService]) -> PushService:
    return push_service_factory()


@pytest.fixture
def vapid(app: Flask, monkeypatch: pytest.MonkeyPatch) -> str:
    """The server has a VAPID key pair (made as `flask fieldops vapid-keys` makes it); its
    public key."""
    public, private = new_vapid_keys()
    monkeypatch.setitem(app.config, "VAPID_PUBLIC_KEY", public)
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", private)
    monkeypatch.setitem(app.config, "VAPID_SUBJECT", "mailto:it-support@example.com")
    return public


@dataclass
class Browser:
    """A browser's subscription keys: what it gives the server, and what it keeps."""

    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    endpoint: str

    @classmethod
    def at(cls, service: PushService, name: str = "phone") -> Browser:
        return cls(ec.generate_private_key(ec.SECP256R1()), os.urandom(16), f"{service.url}/{name}")

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint
        )
        return b64url(point)

    def subscribe(self, app: Flask, user: Any) -> int:
        """Stored as `POST /api/push-subscriptions` stores it (that route takes only https
        endpoints with a host name; this push service is on 127.0.0.1)."""
        with app.app_context():
            row = PushSubscription(
                user_id=user.id, endpoint=self.endpoint, p256dh=self.p256dh, auth=b64url(self.auth)
            )
            db.session.add(row)
            db.session.commit()
            return row.id

    def read_text(self, delivery: Delivery) -> str:
        """Decrypt a message as the browser does."""
        assert delivery.headers["content-encoding"] == "aes128gcm"
        plain = http_ece.decrypt(
            delivery.body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
        )
        return plain.decode()

    def read(self, delivery: Delivery) -> dict[str, Any]:
        """Decrypt a message and parse its JSON, as the service worker does."""
        return json.loads(self.read_text(delivery))
