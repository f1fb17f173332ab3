"""Settings of the OpenAPI document that flask-smorest builds from the marshmallow schemas."""

from __future__ import annotations

from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema


def schema_name(schema: type[Schema] | Schema) -> str:
    """Component name: the class name without "Schema"; partial (PATCH) bodies get "Patch"."""
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema")
    if not isinstance(schema, type) and schema.partial:
        name += "Patch"
    return name


def spec_kwargs() -> dict[str, Any]:
    return {
        "marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name),
        "info": {
            "description": "FieldOps: IT field visits, observations and issues. Sign in with "
            "a session (send X-CSRFToken on unsafe requests) or send "
            "'Authorization: Bearer <token>'. Errors answer {code, status, message, errors?}."
        },
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            }
        },
        "security": [{"bearer": []}, {"session": []}],
    }
