"""Does an API answer match what the served OpenAPI document declares for it?

The test client checks every answer it gets under /api with `Conformance.mismatches`, so
the document cannot drift from what the app really sends (a field that can be null, a
409's `current`, ...). Validation follows OpenAPI 3.0 (`nullable`, formats) through
openapi-schema-validator, as a generated client would read the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from flask import Flask
from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker


def _path_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{regex}$")


@dataclass
class Conformance:
    """The document's response schemas, looked up by request path, method and status."""

    spec: dict[str, Any]
    _paths: list[tuple[re.Pattern[str], str]] = field(init=False)
    _validators: dict[tuple[str, str, str], OAS30ReadValidator | None] = field(
        init=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        # Literal paths before templated ones, so /api/coverage.csv is not /api/{x}.
        templates = sorted(self.spec["paths"], key=lambda t: (t.count("{"), t))
        self._paths = [(_path_pattern(t), t) for t in templates]

    def template(self, path: str) -> str | None:
        return next((t for pattern, t in self._paths if pattern.match(path)), None)

    def _validator(self, template: str, method: str, status: str) -> OAS30ReadValidator | None:
        key = (template, method, status)
        if key not in self._validators:
            responses = self.spec["paths"][template][method].get("responses", {})
            response = responses.get(status) or responses.get("default")
            if response and "$ref" in response:
                response = self.spec["components"]["responses"][response["$ref"].split("/")[-1]]
            schema = (response or {}).get("content", {}).get("application/json", {})
            schema = schema.get("schema")
            self._validators[key] = schema and OAS30ReadValidator(
                {**schema, "components": self.spec["components"]},
                format_checker=oas30_format_checker,
            )
        return self._validators[key]

    def mismatches(
        self, method: str, path: str, status: int, content_type: str | None, body: Any
    ) -> list[str]:
        """What is wrong with this answer against the document (empty: it conforms)."""
        if not path.startswith("/api/") or path.endswith("/openapi.json"):
            return []  # not the API, or the document itself
        method = method.lower()
        template = self.template(path)
        if template is None or method not in self.spec["paths"][template]:
            if status in (404, 405):
                return []  # no such path or method
            return [f"{method.upper()} {path} answers {status} but is not in the document"]
        where = f"{method.upper()} {template} {status}"
        if not (content_type or "").startswith("application/json"):
            return []
        validator = self._validator(template, method, str(status))
        if validator is None:
            return [f"{where}: answers JSON but the document declares none"]
        return [
            f"{where}: {'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}"
            for e in validator.iter_errors(body)
        ]


@cache
def conformance(app: Flask) -> Conformance:
    """The document `app` serves, read once per app."""
    return Conformance(app.test_client().get("/api/openapi.json").get_json())
