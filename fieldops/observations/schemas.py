"""API payloads for observations, with the structured fields of each category."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, post_load, validate, validates_schema

from fieldops.core import fields
from fieldops.core.dumping import Schema
from fieldops.core.fields import HHMM, AwareDateTime, not_blank
from fieldops.core.pagination import ListArgsSchema
from fieldops.observations.models import ObservationCategory
from fieldops.visits import UserBriefSchema


def text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=[validate.Length(1, max_length), not_blank], **kwargs)


class WifiFieldsSchema(Schema):
    zone = text(
        80,
        required=True,
        metadata={"example": "showroom", "label": "Zone", "hint": "e.g. showroom, service lane"},
    )
    ssid = text(64, metadata={"label": "Network (SSID)"})
    rssi_dbm = fields.Integer(
        validate=validate.Range(-120, 0),
        metadata={"label": "Signal (dBm)", "hint": "From -120 (no signal) to 0"},
    )
    download_mbps = fields.Float(
        validate=validate.Range(0, 10_000), metadata={"label": "Download (Mbit/s)"}
    )
    upload_mbps = fields.Float(
        validate=validate.Range(0, 10_000), metadata={"label": "Upload (Mbit/s)"}
    )
    latency_ms = fields.Float(
        validate=validate.Range(0, 60_000), metadata={"label": "Latency (ms)"}
    )


class PaperworkFieldsSchema(Schema):
    process = text(
        120,
        required=True,
        metadata={
            "example": "vehicle sale contract",
            "label": "Process",
            "hint": "e.g. vehicle sale",
        },
    )
    pages = fields.Integer(validate=validate.Range(0, 1000))
    signature = fields.String(validate=validate.OneOf(["wet", "digital", "none"]))
    minutes = fields.Float(validate=validate.Range(0, 1440), metadata={"label": "Minutes it takes"})


class HoursFieldsSchema(Schema):
    customers_present = fields.Integer(
        validate=validate.Range(0, 10_000), metadata={"label": "Customers in the store now"}
    )
    last_customer_at = HHMM(metadata={"label": "Last customer left at"})

    @validates_schema
    def something_observed(self, data: dict[str, Any], **_: Any) -> None:
        if not data:
            raise ValidationError(
                "Give the customers in the store now or when the last one left.",
                "customers_present",
            )


class HardwareFieldsSchema(Schema):
    device = text(120, required=True)
    problem = text(2000, required=True)


class GeneralFieldsSchema(Schema):
    text = text(5000, required=True, metadata={"label": "What you saw"})


FIELD_SCHEMAS: dict[ObservationCategory, type[Schema]] = {
    ObservationCategory.WIFI: WifiFieldsSchema,
    ObservationCategory.PAPERWORK: PaperworkFieldsSchema,
    ObservationCategory.HOURS: HoursFieldsSchema,
    ObservationCategory.HARDWARE: HardwareFieldsSchema,
    ObservationCategory.GENERAL: GeneralFieldsSchema,
}


class ObservationCreateSchema(Schema):
    store_id = fields.Integer(required=True)
    visit_id = fields.Integer(load_default=None, allow_none=True)
    category = fields.Enum(ObservationCategory, by_value=True, required=True)
    fields_ = fields.Dict(
        data_key="fields",
        required=True,
        metadata={
            "description": "structured fields of the category: WifiFields for wifi, and so on",
            "one_of_schemas": list(FIELD_SCHEMAS.values()),
        },
    )
    note = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=5000),
        metadata={"label": "Note"},
    )
    observed_at = AwareDateTime(load_default=None, metadata={"description": "default: now"})
    client_id = fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "made by the client; a repeat is a no-op"},
    )

    @post_load
    def check_category_fields(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        schema = FIELD_SCHEMAS[data["category"]]()
        try:
            data["fields"] = schema.dump(schema.load(data.pop("fields_")))
        except ValidationError as err:
            raise ValidationError(err.messages, "fields") from None
        return data


class PhotoBriefSchema(Schema):
    id = fields.Integer()
    url = fields.Function(lambda p: f"/api/photos/{p.id}")
    thumbnail_url = fields.Function(lambda p: f"/api/photos/{p.id}/thumbnail")
    width = fields.Integer()
    height = fields.Integer()


class ObservationSchema(Schema):
    id = fields.Integer()
    store_id = fields.Integer()
    visit_id = fields.Integer(allow_none=True)
    author_id = fields.Integer()
    author = fields.Nested(UserBriefSchema)
    category = fields.Enum(ObservationCategory, by_value=True)
    fields_ = fields.Dict(data_key="fields", attribute="fields")
    note = fields.String(allow_none=True)
    observed_at = fields.DateTime()
    created_at = fields.DateTime()
    client_id = fields.UUID(allow_none=True)
    photos = fields.List(fields.Nested(PhotoBriefSchema))


class ObservationListArgsSchema(ListArgsSchema):
    store_id = fields.Integer()
    visit_id = fields.Integer()
    category = fields.Enum(ObservationCategory, by_value=True)
