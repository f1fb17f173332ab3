"""Settings of the OpenAPI document that flask-smorest builds from the marshmallow schemas."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields


def schema_name(schema: type[Schema] | Schema) -> str:
    """Component name: the class name without "Schema"; partial (PATCH) bodies get "Patch"."""
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema")
    if not isinstance(schema, type) and schema.partial:
        name += "Patch"
    return name


def one_of_schemas(converter: Any, field: fields.Field, ret: dict[str, Any], **_: Any) -> dict:
    """A field whose metadata lists `one_of_schemas` is documented as one of those schemas.

    For fields validated by hand against a schema chosen at run time (an observation's
    `fields`, by category), so the document still shows every shape they may take.
    """
    schemas = field.metadata.get("one_of_schemas")
    if not schemas:
        return {}
    return {"oneOf": [converter.resolve_nested_schema(schema) for schema in schemas]}


class FieldOpsMarshmallowPlugin(MarshmallowPlugin):
    def init_spec(self, spec: APISpec) -> None:
        super().init_spec(spec)
        assert self.converter is not None
        self.converter.add_attribute_function(one_of_schemas)


def spec_kwargs() -> dict[str, Any]:
    return {
        "marshmallow_plugin": FieldOpsMarshmallowPlugin(schema_name_resolver=schema_name),
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
