"""API payloads of service levels: the policies, and the `sla` block of an issue."""

from __future__ import annotations

from marshmallow import validate

from fieldops.core import fields
from fieldops.core.dumping import Schema
from fieldops.sla.models import Clock

# A week of minutes is the longest response target; resolution may take up to 90 days.
MAX_RESPONSE = 7 * 1440
MAX_RESOLVE = 90 * 1440
STATES = ("running", "paused", "met", "breached")


class PolicySchema(Schema):
    severity = fields.String(dump_only=True)
    response_minutes = fields.Integer(
        required=True,
        validate=validate.Range(1, MAX_RESPONSE),
        metadata={"label": "Response (minutes)", "description": "minutes of clock time"},
    )
    resolve_minutes = fields.Integer(
        required=True,
        validate=validate.Range(1, MAX_RESOLVE),
        metadata={"label": "Resolution (minutes)", "description": "minutes of clock time"},
    )
    clock = fields.Enum(
        Clock,
        by_value=True,
        required=True,
        metadata={
            "label": "Clock",
            "description": "customer_hours (real where learned, else posted), posted_hours, "
            "or always (24/7)",
        },
    )
    updated_at = fields.DateTime(
        dump_only=True, allow_none=True, metadata={"description": "null: never changed"}
    )


class TargetSchema(Schema):
    due_at = fields.DateTime(allow_none=True, metadata={"description": "UTC; null while paused"})
    met_at = fields.DateTime(allow_none=True)
    state = fields.String(validate=validate.OneOf(STATES))
    remaining_minutes = fields.Integer(
        metadata={"description": "clock minutes left; negative after a breach"}
    )


class SlaSchema(Schema):
    policy = fields.String(metadata={"description": "the severity whose policy counts"})
    clock = fields.Enum(
        Clock,
        by_value=True,
        metadata={"description": "always when the store has no such hours in the next 14 days"},
    )
    reported_at = fields.DateTime()
    paused = fields.Boolean(metadata={"description": "waiting on the store"})
    response = fields.Nested(TargetSchema)
    resolve = fields.Nested(TargetSchema)
