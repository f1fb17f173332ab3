"""API payloads for photos."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validates_schema

from fieldops.core import fields
from fieldops.core.dumping import Schema
from fieldops.observations import PhotoBriefSchema


class PhotoFormSchema(Schema):
    client_id = fields.UUID(required=True, metadata={"description": "made by the client"})
    observation_id = fields.Integer(load_default=None)
    issue_id = fields.Integer(load_default=None)
    csrf_token = fields.String(
        load_only=True, metadata={"description": "for browsers: the CSRF token as a form field"}
    )

    @validates_schema
    def one_parent(self, data: dict[str, Any], **_: Any) -> None:
        if (data.get("observation_id") is None) == (data.get("issue_id") is None):
            raise ValidationError(
                "Give exactly one of observation_id and issue_id.", "observation_id"
            )


class PhotoFileSchema(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class PhotoSchema(PhotoBriefSchema):
    store_id = fields.Integer()
    observation_id = fields.Integer(allow_none=True)
    issue_id = fields.Integer(allow_none=True)
    uploader_id = fields.Integer()
    client_id = fields.UUID()
    content_type = fields.String()
    size_bytes = fields.Integer()
    created_at = fields.DateTime()
