"""API payloads for notifications, their preferences and following an issue."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validate, validates_schema

from fieldops.core import fields
from fieldops.core.dumping import Schema
from fieldops.core.pagination import ListArgsSchema, page_schema
from fieldops.notifications.models import Channel, NotificationKind


class NotificationSchema(Schema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(
        dump_only=True, metadata={"enum": [kind.value for kind in NotificationKind]}
    )
    title = fields.String(dump_only=True)
    body = fields.String(dump_only=True)
    link = fields.String(dump_only=True, metadata={"description": "a path of the app"})
    issue_id = fields.Integer(dump_only=True, allow_none=True)
    visit_id = fields.Integer(dump_only=True, allow_none=True)
    critical = fields.Boolean(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    read_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class NotificationListArgsSchema(ListArgsSchema):
    unread = fields.Boolean(
        load_default=None, metadata={"description": "true: only unread; false: only read"}
    )


class NotificationPageSchema(page_schema(NotificationSchema)):  # type: ignore[misc]
    unread = fields.Integer(metadata={"description": "your unread notifications in all"})


class MarkReadSchema(Schema):
    ids = fields.List(
        fields.Integer(validate=validate.Range(min=1)),
        load_default=None,
        validate=validate.Length(max=500),
    )
    all = fields.Boolean(load_default=False, metadata={"description": "mark every one read"})

    @validates_schema
    def one_of(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("all") and not data.get("ids"):
            raise ValidationError("Give the ids to mark read, or all: true.", "ids")


class MarkReadResultSchema(Schema):
    marked = fields.Integer()
    unread = fields.Integer()


ChannelChoices = Schema.from_dict(
    {channel.value: fields.Boolean() for channel in Channel}, name="ChannelChoicesSchema"
)


class PreferencesSchema(Schema):
    channels = fields.Dict(
        keys=fields.String(validate=validate.OneOf([kind.value for kind in NotificationKind])),
        values=fields.Nested(ChannelChoices),
        metadata={"description": "per kind, per channel (in_app, email, push): on or off"},
    )
    quiet_outside_shifts = fields.Boolean(
        allow_none=True,
        metadata={"description": "no push outside your own support shifts, except critical"},
    )


class FollowSchema(Schema):
    following = fields.Boolean(dump_only=True)
