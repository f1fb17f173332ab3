"""API payloads for visit plans (POST/GET/PATCH /api/visit-plans, accept, discard)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validate, validates_schema

from fieldops.core import fields
from fieldops.core.dumping import Schema
from fieldops.planner.gathering import INCLUDES
from fieldops.planner.models import ItemState, PlanStatus

MAX_DAYS = 28
REASONS = ("due", "overdue", "open_issue", "coverage_gap", "stale_hours")
UNPLANNED_REASONS = ("out_of_reach", "no_open_hours", "no_capacity", "no_engineer")


def distinct(values: list[Any]) -> None:
    if len(values) != len(set(values)):
        raise ValidationError("Each value may appear only once.")


class PlanRequestSchema(Schema):
    first_day = fields.Date(
        data_key="from",
        required=True,
        metadata={"description": "the first store-local date of the horizon"},
    )
    days = fields.Integer(required=True, validate=validate.Range(1, MAX_DAYS))
    region = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 64))
    engineer_ids = fields.List(
        fields.Integer(validate=validate.Range(min=1)),
        load_default=None,
        allow_none=True,
        validate=[validate.Length(min=1), distinct],
        metadata={"description": "the engineers to plan for (default: every active engineer)"},
    )
    include = fields.List(
        fields.String(validate=validate.OneOf(INCLUDES)),
        load_default=lambda: ["due"],
        validate=distinct,
        metadata={
            "description": "why a store gets a visit: due (its cadence) and, visited when it "
            "costs little extra travel, open_issues (high/critical), coverage_gaps, "
            "stale_hours (posted or thinly learned hours)"
        },
    )


class PlanVisitSchema(Schema):
    key = fields.String(dump_only=True)
    store_id = fields.Integer(dump_only=True)
    store_name = fields.String(attribute="store.name", dump_only=True)
    engineer_id = fields.Integer(dump_only=True)
    engineer_name = fields.String(attribute="engineer.name", dump_only=True)
    planned_start = fields.DateTime(dump_only=True)
    planned_end = fields.DateTime(dump_only=True)
    travel_minutes_before = fields.Integer(
        dump_only=True, metadata={"description": "the drive from the base or the previous stop"}
    )
    travel_minutes_home = fields.Integer(
        dump_only=True, metadata={"description": "the drive home when the visit ends the day"}
    )
    reasons = fields.List(fields.String(validate=validate.OneOf(REASONS)), dump_only=True)
    status = fields.String(
        attribute="state", dump_only=True, validate=validate.OneOf([s.value for s in ItemState])
    )
    visit_id = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "once accepted"}
    )


class UnplannedSchema(Schema):
    store_id = fields.Integer(dump_only=True)
    reason = fields.String(dump_only=True, validate=validate.OneOf(UNPLANNED_REASONS))


class TotalsSchema(Schema):
    visits = fields.Integer(dump_only=True)
    travel_minutes = fields.Integer(
        dump_only=True, metadata={"description": "to each visit, and home after a day's last"}
    )
    stores_due = fields.Integer(dump_only=True)
    stores_planned = fields.Integer(dump_only=True)


class PlanSchema(Schema):
    id = fields.Integer(dump_only=True)
    status = fields.String(dump_only=True, validate=validate.OneOf([s.value for s in PlanStatus]))
    first_day = fields.Date(data_key="from", dump_only=True)
    days = fields.Integer(dump_only=True)
    region = fields.String(dump_only=True, allow_none=True)
    engineer_ids = fields.List(fields.Integer(), dump_only=True, allow_none=True)
    include = fields.List(fields.String(), dump_only=True)
    visits = fields.List(fields.Nested(PlanVisitSchema), dump_only=True)
    unplanned = fields.List(fields.Nested(UnplannedSchema), dump_only=True)
    totals = fields.Nested(TotalsSchema, dump_only=True)
    exploration_level = fields.Integer(dump_only=True)
    solve_ms = fields.Integer(dump_only=True, metadata={"description": "the solver's time"})
    created_at = fields.DateTime(dump_only=True)


class MoveSchema(Schema):
    key = fields.String(required=True, validate=validate.Length(1, 16))
    engineer_id = fields.Integer(validate=validate.Range(min=1))
    planned_start = fields.AwareDateTime(required=True)


class PlanChangeSchema(Schema):
    drop = fields.List(fields.String(validate=validate.Length(1, 16)), validate=distinct)
    move = fields.List(fields.Nested(MoveSchema), validate=validate.Length(min=1))

    @validates_schema
    def one_change(self, data: dict[str, Any], **_: Any) -> None:
        if ("drop" in data) == ("move" in data):
            raise ValidationError('Send either "drop" or "move".', "drop")


class AcceptSchema(Schema):
    keys = fields.List(
        fields.String(validate=validate.Length(1, 16)),
        load_default=None,
        validate=[validate.Length(min=1), distinct],
        metadata={"description": "the visits to accept (default: every proposed one)"},
    )
