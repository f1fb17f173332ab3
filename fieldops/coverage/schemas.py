"""API payloads for coverage."""

from __future__ import annotations

from marshmallow import Schema, validate

from fieldops.core import fields
from fieldops.core.pagination import ListArgsSchema


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
