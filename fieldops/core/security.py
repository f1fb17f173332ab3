"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "manifest-src 'self'",
        "worker-src 'self'",
    ]
)


HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "geolocation=(self), camera=(self), microphone=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
NO_STORE = ("Cache-Control", "no-store")  # JSON answers


def security_headers(hsts: bool) -> tuple[tuple[str, str], ...]:
    """The headers every response gets (unless its view set one of them itself)."""
    return (*HEADERS, HSTS) if hsts else HEADERS


def init_security_headers(app: Flask) -> None:
    """Add the headers after each request: the list is made once, from the settings, and
    a response's own headers are read once (not once per header)."""
    every = security_headers(app.config["SECURE_HEADERS_HSTS"])
    with_no_store = (*every, NO_STORE)

    def add_security_headers(response: Response) -> Response:
        wanted = with_no_store if response.mimetype == "application/json" else every
        headers = response.headers
        present = {name.lower() for name, _ in headers}
        headers.extend((name, value) for name, value in wanted if name.lower() not in present)
        return response

    app.after_request(add_security_headers)
