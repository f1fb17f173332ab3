"""Settings of the OpenAPI document that flask-smorest builds from the marshmallow schemas."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask_smorest import Api
from marshmallow import fields

from fieldops.core.dumping import Schema
from fieldops.core.errors import CONFLICT_SCHEMAS


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
    `fields`, by category), so the document still shows every shape they may take. On a
    List the choice applies to each item (a batch of signal rows of several kinds). The
    list may be a callable, for a registry filled by the app factory (CONFLICT_SCHEMAS).
    """
    schemas: Iterable[Any] | Callable[[], Iterable[Any]] | None = field.metadata.get(
        "one_of_schemas"
    )
    if not schemas:
        return {}
    if callable(schemas):
        schemas = schemas()
    one_of = {"oneOf": [converter.resolve_nested_schema(schema) for schema in schemas]}
    if isinstance(field, fields.List):
        return {"items": one_of}
    return one_of


class ErrorSchema(Schema):
    """Every 4xx/5xx answer under /api (fieldops.core.errors.error_payload); documentation only."""

    code = fields.Integer(metadata={"description": "the HTTP status code"})
    status = fields.String(metadata={"description": "the HTTP status name"})
    message = fields.String()
    errors = fields.Dict(metadata={"description": "400/422: messages by field"})
    current = fields.Dict(
        metadata={
            "description": "409: the record as it is now, as reading it would answer",
            "one_of_schemas": lambda: list(CONFLICT_SCHEMAS.values()),
        }
    )


class FieldOpsApi(Api):
    ERROR_SCHEMA = ErrorSchema


api = FieldOpsApi()  # the API extension, initialised in create_app


def form_fields_into_multipart_body(operation: dict[str, Any], schemas: dict[str, Any]) -> None:
    """Document form fields sent beside files as part of the multipart body.

    flask-smorest documents one request body per operation: the files schema becomes the
    multipart/form-data body and the form fields are left as OpenAPI 2 "formData"
    parameters, which OpenAPI 3 does not have (the photo upload).
    """
    form = [p for p in operation.get("parameters", []) if p.get("in") == "formData"]
    if not form:
        return
    content = operation["requestBody"]["content"]["multipart/form-data"]
    files = content["schema"]
    if "$ref" in files:
        files = schemas[files["$ref"].rsplit("/", 1)[-1]]
    properties = dict(files.get("properties", {}))
    required = list(files.get("required", []))
    for param in form:
        properties[param["name"]] = {**param["schema"], **_description(param)}
        if param.get("required"):
            required.append(param["name"])
    content["schema"] = {"type": "object", "properties": properties, "required": required}
    operation["parameters"] = [p for p in operation["parameters"] if p not in form]
    if not operation["parameters"]:
        del operation["parameters"]


def _description(param: dict[str, Any]) -> dict[str, Any]:
    return {"description": param["description"]} if "description" in param else {}


class FieldOpsMarshmallowPlugin(MarshmallowPlugin):
    def init_spec(self, spec: APISpec) -> None:
        super().init_spec(spec)
        assert self.converter is not None
        self.converter.add_attribute_function(one_of_schemas)

    def operation_helper(
        self, path: str | None = None, operations: dict | None = None, **kwargs: Any
    ) -> None:
        super().operation_helper(path=path, operations=operations, **kwargs)
        assert self.spec is not None
        for operation in (operations or {}).values():
            form_fields_into_multipart_body(operation, self.spec.components.schemas)


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
