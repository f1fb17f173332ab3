"""API payloads for issues, their comments and history."""

from __future__ import annotations

from typing import Any

from marshmallow import validate

from fieldops.clock import utcnow
from fieldops.core import fields
from fieldops.core.dumping import Schema
from fieldops.core.fields import not_blank
from fieldops.core.pagination import ListArgsSchema
from fieldops.issues.models import IssueCategory, IssueStatus, Severity
from fieldops.issues.service_levels import sla_payload
from fieldops.observations import PhotoBriefSchema
from fieldops.sla import SlaSchema
from fieldops.visits import StoreBriefSchema, UserBriefSchema


class IssueCreateSchema(Schema):
    store_id = fields.Integer(required=True, metadata={"label": "Store"})
    category = fields.Enum(IssueCategory, by_value=True, required=True)
    severity = fields.Enum(Severity, by_value=True, required=True)
    title = fields.String(
        required=True, validate=[validate.Length(1, 200), not_blank], metadata={"label": "Title"}
    )
    description = fields.String(load_default="", validate=validate.Length(max=10_000))
    client_id = fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "made by the client; a repeat is a no-op"},
    )
    reported_at = fields.AwareDateTime(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "when the store met the problem, the service-level clock's start: "
            "not in the future, at most SLA_REPORTED_MAX_DAYS (90) days back; default now"
        },
    )


class IssueUpdateSchema(Schema):
    status = fields.Enum(IssueStatus, by_value=True)
    assignee_id = fields.Integer(allow_none=True)
    severity = fields.Enum(Severity, by_value=True)
    version = fields.Integer(metadata={"description": "the version you read; 409 if stale"})


class CommentCreateSchema(Schema):
    body = fields.String(
        required=True,
        validate=[validate.Length(1, 10_000), not_blank],
        metadata={"label": "Comment"},
    )
    client_id = fields.UUID(load_default=None, allow_none=True)


class CommentSchema(Schema):
    id = fields.Integer()
    issue_id = fields.Integer()
    author_id = fields.Integer()
    author = fields.Nested(UserBriefSchema)
    body = fields.String()
    client_id = fields.UUID(allow_none=True)
    created_at = fields.DateTime()


class IssueEventSchema(Schema):
    id = fields.Integer()
    actor_id = fields.Integer(allow_none=True)
    actor = fields.Nested(UserBriefSchema, allow_none=True)
    at = fields.DateTime()
    field = fields.String()
    old_value = fields.String(allow_none=True)
    new_value = fields.String(allow_none=True)


class IssueSchema(Schema):
    """An issue; its `sla` block is read at the time of the answer."""

    id = fields.Integer()
    store_id = fields.Integer()
    store = fields.Nested(StoreBriefSchema)
    reporter_id = fields.Integer()
    reporter = fields.Nested(UserBriefSchema)
    assignee_id = fields.Integer(allow_none=True)
    assignee = fields.Nested(UserBriefSchema, allow_none=True)
    category = fields.Enum(IssueCategory, by_value=True)
    severity = fields.Enum(Severity, by_value=True)
    status = fields.Enum(IssueStatus, by_value=True)
    title = fields.String()
    description = fields.String()
    client_id = fields.UUID(allow_none=True)
    created_at = fields.DateTime()
    reported_at = fields.DateTime()
    updated_at = fields.DateTime()
    acknowledged_at = fields.DateTime(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    version = fields.Integer()
    sla = fields.Nested(SlaSchema, dump_only=True)

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        if attr == "sla" and not isinstance(obj, dict):
            return sla_payload(obj, utcnow())
        return super().get_attribute(obj, attr, default)


class IssueDetailSchema(IssueSchema):
    comments = fields.List(fields.Nested(CommentSchema))
    history = fields.List(fields.Nested(IssueEventSchema), attribute="events")
    photos = fields.List(fields.Nested(PhotoBriefSchema))


class IssueListArgsSchema(ListArgsSchema):
    store_id = fields.Integer()
    status = fields.Enum(IssueStatus, by_value=True)
    category = fields.Enum(IssueCategory, by_value=True)
    severity = fields.Enum(Severity, by_value=True)
    assignee = fields.String(validate=fields.IdOr("me", "none"))
    open = fields.Boolean(
        metadata={"description": "true: open, acknowledged, in_progress or waiting_on_store"}
    )
    q = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "text found in the title or description, in any case"},
    )
