"""Errors: the exceptions services raise, and the one shape every 4xx/5xx answer takes.

Services raise `Invalid`, `NotFound`, `Forbidden`, `Conflict` or `TooLarge`; they know
nothing of HTTP. The handlers here turn those (and every HTTPException, validation errors
included) into JSON under /api and into an HTML page elsewhere:

    {"code": 422, "status": "Unprocessable Entity", "message": "...",
     "errors": {"field": ["..."]}}

A 409 also carries "current", the record as it is now, dumped with the schema registered
for its model in `CONFLICT_SCHEMAS`. That registry is process-wide state: core imports no
feature, so the app factory fills it with one explicit call (`show_conflicts_with`, in
`fieldops/__init__.py:register_conflict_schemas`), before the API is initialised because
the OpenAPI document lists those schemas as the shapes "current" may take. Readers:
`handle_domain_error` here, the offline sync's conflict results (`sync.services`) and the
error schema of the document (`core.openapi.ErrorSchema`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule refused the operation. Carries an HTTP-like status for the edges to use."""

    status = 422

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def errors(self) -> dict[str, list[str]] | None:
        return {self.field: [self.message]} if self.field else None


class Invalid(DomainError):
    status = 422


class Forbidden(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class TooLarge(DomainError):
    """An upload over its size limit."""

    status = 413


class Conflict(DomainError):
    """The record changed since the client read it, or is in the wrong state for this."""

    status = 409

    def __init__(self, message: str, record: Any, field: str | None = None) -> None:
        super().__init__(message, field)
        self.record = record


class ApiError(HTTPException):
    """An HTTP error with the FieldOps payload fields (`errors`, `current`)."""

    def __init__(
        self,
        code: int,
        message: str,
        errors: dict[str, Any] | None = None,
        current: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(description=message)
        self.code = code
        self.errors = errors
        self.current = current


def is_api_request() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def flatten_webargs_errors(messages: dict[str, Any]) -> dict[str, Any]:
    """webargs groups errors by location ({"json": {...}, "query": {...}}); clients want fields.

    A location that failed as a whole (a body that is not JSON) is reported under the
    location's name: {"json": ["Invalid JSON body."]}.
    """
    flat: dict[str, Any] = {}
    for location, location_errors in messages.items():
        if isinstance(location_errors, dict):
            flat.update(location_errors)
        else:
            flat[location] = location_errors
    return flat


def describe(errors: dict[str, Any], prefix: str = "") -> list[str]:
    """'field: message' lines for a (possibly nested) marshmallow error dict."""
    lines: list[str] = []
    for key, value in errors.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            lines.extend(describe(value, f"{name}."))
        else:
            msgs = value if isinstance(value, list) else [value]
            lines.extend(f"{name}: {m}" for m in msgs if isinstance(m, str))
    return lines


def error_payload(error: HTTPException) -> dict[str, Any]:
    code = error.code or 500
    payload: dict[str, Any] = {"code": code, "status": error.name}
    errors = getattr(error, "errors", None)
    data = getattr(error, "data", None) or {}  # set by webargs/flask-smorest abort()
    if errors is None and "messages" in data:
        errors = flatten_webargs_errors(data["messages"])
    if errors is None and "errors" in data:
        errors = data["errors"]
    message = data.get("message") or error.description
    if code in (400, 422) and errors:
        message = "Invalid input. " + "; ".join(describe(errors))
    if code >= 500:
        message = "Something went wrong on our side. It has been logged."
    payload["message"] = message
    if errors:
        payload["errors"] = errors
    current = getattr(error, "current", None)
    if current is not None:
        payload["current"] = current
    return payload


def handle_http_exception(error: HTTPException) -> tuple[Response | str, int, dict[str, str]]:
    if isinstance(error, InternalServerError) and error.original_exception is not None:
        log.error("Unhandled error", exc_info=error.original_exception)
    payload = error_payload(error)
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    if is_api_request():
        return jsonify(payload), payload["code"], headers
    return (
        render_template("errors/error.html", error=payload),
        payload["code"],
        headers,
    )


# How a conflicting record is shown in a 409's "current": model class -> schema class.
# Filled by `show_conflicts_with` (see the module docstring).
CONFLICT_SCHEMAS: dict[type, type] = {}


def show_conflicts_with(schemas: Mapping[type, type]) -> None:
    """Dump records of each model with its schema in a 409's "current" (model -> schema)."""
    CONFLICT_SCHEMAS.update(schemas)


def handle_domain_error(error: DomainError) -> tuple[Response | str, int, dict[str, str]]:
    current = None
    if isinstance(error, Conflict) and type(error.record) in CONFLICT_SCHEMAS:
        current = CONFLICT_SCHEMAS[type(error.record)]().dump(error.record)
    return handle_http_exception(ApiError(error.status, error.message, error.errors, current))


def handle_stale_data(error: StaleDataError) -> tuple[Response | str, int, dict[str, str]]:
    """A versioned row changed under an update (a race the row lock did not prevent)."""
    log.info("stale update refused: %s", error)
    return handle_http_exception(
        ApiError(409, "The record was changed by someone else meanwhile; read it again.")
    )


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(StaleDataError, handle_stale_data)
