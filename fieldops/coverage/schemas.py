"""API payloads for coverage."""

from __future__ import annotations

from marshmallow import validate

from fieldops.core import fields
from fieldops.core.dumping import Schema
from fieldops.core.pagination import ListArgsSchema
from fieldops.coverage.models import AlertKind


class CoverageWindowArgsSchema(Schema):
    """The period of a coverage answer: each store's local dates [from, from + days)."""

    from_ = fields.Date(
        data_key="from", metadata={"description": "first local date; default today"}
    )
    days = fields.Integer(validate=validate.Range(1, 366), metadata={"description": "default 28"})


class CoverageArgsSchema(ListArgsSchema, CoverageWindowArgsSchema):
    region = fields.String()


class GapSchema(Schema):
    start = fields.DateTime(metadata={"description": "in the store's local time"})
    end = fields.DateTime()
    minutes = fields.Integer()


class CoverageBlockSchema(Schema):
    customer_minutes = fields.Integer()
    covered_minutes = fields.Integer()
    percent = fields.Float(allow_none=True, metadata={"description": "null without customers"})
    gaps = fields.List(fields.Nested(GapSchema))


class VisitCoverageSchema(Schema):
    completed_12m = fields.Integer()
    cadence = fields.Integer()
    overdue = fields.Boolean()
    due_on = fields.Date(allow_none=True, metadata={"description": "overdue from this day on"})
    due_soon = fields.Boolean(metadata={"description": "overdue within 30 days, none planned"})
    last_visit = fields.DateTime(allow_none=True)
    next_planned = fields.DateTime(allow_none=True)


class StoreCoverageSchema(Schema):
    store_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    region = fields.String(allow_none=True)
    timezone = fields.String()
    from_ = fields.Date(data_key="from")
    days = fields.Integer()
    real = fields.Nested(CoverageBlockSchema)
    posted = fields.Nested(CoverageBlockSchema)
    visits = fields.Nested(VisitCoverageSchema)


class TotalsBlockSchema(Schema):
    customer_minutes = fields.Integer()
    covered_minutes = fields.Integer()
    percent = fields.Float(allow_none=True)


class CoverageTotalsSchema(Schema):
    stores = fields.Integer()
    real = fields.Nested(TotalsBlockSchema)
    posted = fields.Nested(TotalsBlockSchema)
    overdue = fields.Integer()
    due_soon = fields.Integer()


class CoveragePageSchema(Schema):
    items = fields.List(fields.Nested(StoreCoverageSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    totals = fields.Nested(CoverageTotalsSchema)


class AlertListArgsSchema(ListArgsSchema):
    kind = fields.Enum(AlertKind, by_value=True)
    region = fields.String(metadata={"description": "alerts of this region's stores"})
    assignee = fields.String(
        validate=fields.IdOr("me", "none"),
        metadata={"description": 'a user id, "me", or "none" (nobody assigned)'},
    )
    open = fields.Boolean(metadata={"description": "true: open only; false: closed only"})


class AlertEventSchema(Schema):
    at = fields.DateTime()
    actor_id = fields.Integer(
        allow_none=True, metadata={"description": "null: the coverage snapshot job"}
    )
    change = fields.Dict(
        metadata={
            "description": 'what changed from what to what: {"assignee_id": {"from": null, '
            '"to": 7}}; the job opening or closing the alert: {"open": {"from", "to"}}'
        }
    )


class AlertSchema(Schema):
    id = fields.Integer()
    store_id = fields.Integer()
    store_code = fields.String(attribute="store.code")
    store_name = fields.String(attribute="store.name")
    region = fields.String(attribute="store.region", allow_none=True)
    kind = fields.Enum(AlertKind, by_value=True)
    message = fields.String()
    details = fields.Dict()
    opened_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    open = fields.Boolean(attribute="is_open")
    acknowledged = fields.Function(lambda alert: alert.acknowledged_at is not None)
    acknowledged_at = fields.DateTime(allow_none=True)
    acknowledged_by_id = fields.Integer(allow_none=True)
    assignee_id = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)
    events = fields.List(
        fields.Nested(AlertEventSchema), metadata={"description": "the history, oldest first"}
    )


class AlertUpdateSchema(Schema):
    acknowledged = fields.Boolean(metadata={"description": "false withdraws it"})
    assignee_id = fields.Integer(
        allow_none=True,
        metadata={"description": "an active admin, CIO or engineer; null: nobody"},
    )
    note = fields.String(
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={"description": "what is being done; null or blank clears it"},
    )


class SuggestionArgsSchema(CoverageWindowArgsSchema):
    region = fields.String(metadata={"description": "the stores of this region"})
    store_id = fields.Integer(metadata={"description": "this store only"})
    threshold = fields.Float(
        validate=validate.Range(0, 100),
        metadata={"description": "percent of real customer minutes; default the alert threshold"},
    )


class ApplySchema(Schema):
    method = fields.String(metadata={"description": "POST or PATCH"})
    path = fields.String(metadata={"example": "/api/shifts/12"})
    body = fields.Dict(metadata={"description": "the shifts API's body; a PATCH carries `version`"})


class SuggestionSchema(Schema):
    summary = fields.String(metadata={"example": "Add Fri 21:00–22:45 for CV-LA"})
    added_minutes_per_week = fields.Integer(
        metadata={"description": "window minutes added a week × engineers on the shift"}
    )
    covered_minutes_gained = fields.Integer(
        metadata={"description": "over the window, after the suggestions before it"}
    )
    stores = fields.List(fields.Integer(), metadata={"description": "store ids it helps"})
    apply = fields.Nested(ApplySchema)


class PercentSchema(Schema):
    real_percent = fields.Float(allow_none=True)


class UnreachableSchema(Schema):
    store_id = fields.Integer()
    code = fields.String()
    reason = fields.String()


class SuggestionPlanSchema(Schema):
    threshold = fields.Float()
    method = fields.String(metadata={"description": "exact (CP-SAT) or greedy"})
    lower_bound_minutes = fields.Integer(
        metadata={"description": "no plan adds fewer engineer-minutes a week (greedy: LP bound)"}
    )
    before = fields.Nested(PercentSchema)
    after = fields.Nested(PercentSchema)
    suggestions = fields.List(fields.Nested(SuggestionSchema))
    unreachable = fields.List(
        fields.Nested(UnreachableSchema),
        metadata={"description": "stores the plan leaves under the threshold, and why"},
    )
