"""Schemas dump through a plan (fieldops/core/dumping.py): the same answers, field by field,
as marshmallow's own dumping of the same schemas."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import Enum
from types import SimpleNamespace
from typing import Any

import marshmallow
import pytest
from marshmallow import fields, post_dump, pre_dump  # noqa: TID251 (marshmallow's own fields)

from fieldops.core import dumping
from fieldops.core.fields import HHMM
from fieldops.core.pagination import page_schema
from fieldops.extensions import db
from fieldops.stores.models import Store
from fieldops.stores.schemas import StoreSchema, StoreSummarySchema
from fieldops.visits.models import Visit, VisitStatus
from fieldops.visits.schemas import VisitSchema


class Color(Enum):
    RED = "red"
    BLUE = "blue"


class InnerSchema(dumping.Schema):
    n = fields.Integer()
    label = fields.String(data_key="name")


class EveryKindSchema(dumping.Schema):
    """One field of each kind the plan converts, and of kinds it leaves to marshmallow."""

    integer = fields.Integer()
    integer_text = fields.Integer(as_string=True)
    number = fields.Float()
    decimal = fields.Decimal()
    text = fields.String()
    email = fields.Email()
    flag = fields.Boolean()
    at = fields.DateTime()
    aware = fields.AwareDateTime()
    at_rfc = fields.DateTime(format="rfc")
    at_custom = fields.DateTime(format="%Y/%m/%d %H:%M")
    day = fields.Date()
    clock = fields.Time()
    hhmm = HHMM()
    by_value = fields.Enum(Color, by_value=True)
    by_name = fields.Enum(Color)
    by_value_text = fields.Enum(Color, by_value=fields.String)
    raw = fields.Raw()
    mapping = fields.Dict()
    inner = fields.Nested(InnerSchema)
    inners = fields.List(fields.Nested(InnerSchema))
    inner_only = fields.Nested(InnerSchema, only=("n",))
    numbers = fields.List(fields.Integer())
    texts = fields.List(fields.String(), allow_none=True)
    renamed = fields.String(data_key="other_name")
    from_attribute = fields.Integer(attribute="source")
    dotted = fields.Integer(attribute="inner.n")
    defaulted = fields.String(dump_default="fallback")
    computed = fields.Function(lambda obj: "computed")
    secret = fields.String(load_only=True)


class HookedSchema(dumping.Schema):
    value = fields.Integer()

    @pre_dump
    def double(self, obj: Any, **_: Any) -> dict[str, Any]:
        return {"value": obj["value"] * 2}

    @post_dump(pass_original=True)
    def note(self, data: dict[str, Any], original: Any, **_: Any) -> dict[str, Any]:
        return data | {"original": original["value"]}


FULL = {
    "integer": 7,
    "integer_text": 8,
    "number": 1.5,
    "decimal": Decimal("2.50"),
    "text": "héllo",
    "email": "a@example.com",
    "flag": True,
    "at": datetime(2026, 3, 4, 15, 30, tzinfo=UTC),
    "aware": datetime(2026, 3, 4, 15, 30, 5, 123, tzinfo=UTC),
    "at_rfc": datetime(2026, 3, 4, 15, 30, tzinfo=UTC),
    "at_custom": datetime(2026, 3, 4, 15, 30, tzinfo=UTC),
    "day": date(2026, 3, 4),
    "clock": time(9, 30),
    "hhmm": time(17, 5),
    "by_value": Color.RED,
    "by_name": Color.BLUE,
    "by_value_text": Color.BLUE,
    "raw": {"any": ["thing"]},
    "mapping": {"a": 1},
    "inner": SimpleNamespace(n=1, label="one"),
    "inners": [SimpleNamespace(n=2, label="two"), {"n": 3, "label": "three"}],
    "inner_only": {"n": 4, "label": "four"},
    "numbers": [1, 2, 3],
    "texts": ["a", "b"],
    "renamed": "r",
    "source": 11,
    "defaulted": "given",
    "secret": "never dumped",
}


def marshmallow_dump(schema: marshmallow.Schema, obj: Any, many: bool | None = None) -> Any:
    """`schema.dump`, with marshmallow's own `_serialize` at every level."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dumping.Schema, "_serialize", marshmallow.Schema._serialize)
        return schema.dump(obj, many=many)


@pytest.mark.parametrize(
    "obj",
    [
        FULL,
        SimpleNamespace(**FULL),
        dict.fromkeys(FULL),  # every value None
        {"integer": 1},  # every other value missing
        SimpleNamespace(),
        {"flag": "false", "integer": "12", "number": 2, "text": 5, "numbers": None},
    ],
    ids=["dict", "object", "nones", "missing", "empty-object", "loose-types"],
)
def test_every_kind_of_field_dumps_as_marshmallow_does(obj):
    schema = EveryKindSchema()
    assert schema.dump(obj) == marshmallow_dump(schema, obj)
    assert schema.dump([obj, obj], many=True) == marshmallow_dump(schema, [obj, obj], many=True)


def test_hooks_only_exclude_and_many_work_as_in_marshmallow():
    assert HookedSchema().dump({"value": 2}) == {"value": 4, "original": 2}
    for schema in (
        EveryKindSchema(only=("integer", "inner")),
        EveryKindSchema(exclude=("inner", "at")),
        EveryKindSchema(many=True),
    ):
        obj = [FULL] if schema.many else FULL
        assert schema.dump(obj) == marshmallow_dump(schema, obj)


def test_a_schema_whose_fields_change_makes_a_new_plan():
    schema = EveryKindSchema()
    assert "at" in schema.dump(FULL)
    schema.exclude = {"at"}
    schema._init_fields()
    assert "at" not in schema.dump(FULL)


def test_store_and_visit_answers_dump_as_marshmallow_does(app, build):
    store = build.store(
        exceptions=[{"date": date(2026, 12, 24), "closed": True, "note": "Christmas Eve"}],
        phone="+1 312 555 0100",
    )
    engineer = build.user("engineer")
    build.visit(store, engineer)
    build.visit(
        store,
        engineer,
        status=VisitStatus.COMPLETED,
        checked_in_at=datetime(2026, 3, 4, 16, 5, tzinfo=UTC),
        check_in_latitude=41.88,
        check_in_longitude=-87.63,
        summary="Replaced the switch",
        departments_met=["sales"],
    )
    with app.test_request_context():
        stores = db.session.query(Store).all()
        visits = db.session.query(Visit).all()
        for schema, objs in (
            (StoreSchema(), stores),
            (StoreSummarySchema(), stores),
            (VisitSchema(), visits),
            (page_schema(VisitSchema)(), {"items": visits, "total": 2, "page": 1, "per_page": 50}),
        ):
            many = isinstance(objs, list)
            assert schema.dump(objs, many=many) == marshmallow_dump(schema, objs, many)
        db.session.rollback()
