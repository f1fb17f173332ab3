"""API payloads of POST /api/sync."""

from __future__ import annotations

from fieldops.core import fields
from fieldops.core.dumping import Schema
from fieldops.sync.services import MAX_OPERATIONS, OperationSchema


class SyncRequestSchema(Schema):
    operations = fields.List(
        fields.Raw(),
        required=True,
        metadata={
            "description": f"queued operations (at most {MAX_OPERATIONS}), each checked alone",
            "one_of_schemas": [OperationSchema()],
        },
    )


class SyncResultSchema(Schema):
    client_id = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "applied, duplicate, conflict, rejected"})
    id = fields.Integer(allow_none=True)
    error = fields.Dict(allow_none=True, metadata={"description": "what the route would answer"})
    current = fields.Dict(allow_none=True, metadata={"description": "conflict: the record now"})


class SyncResponseSchema(Schema):
    results = fields.List(fields.Nested(SyncResultSchema))
