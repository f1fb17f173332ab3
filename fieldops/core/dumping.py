"""The base class of every FieldOps schema: marshmallow's, dumping through a plan.

marshmallow dumps each field of each object through four calls (`Field.serialize`,
`get_value`, the accessor, `_serialize`), which made dumping the largest part of a list's
request (a page of 50 stores: about 1,800 fields). `Schema._serialize` here makes, once per
schema instance, a plan of (key, getter, converter) for its fields and runs it: the same
answer, field by field (tests/core/test_dumping.py holds it to marshmallow's), in a
fraction of the time. Hooks (`pre_dump`, `post_dump`), `only`/`exclude`, `data_key` and
nested schemas work as in marshmallow, which still does everything else (loading,
validation, the OpenAPI document).

A field is converted directly when its class keeps marshmallow's own `_serialize` for one
of the types of `converter`, or offers `dump_value(value)` beside its `_serialize`
(fieldops.core.fields.HHMM). Any other field (fields.Function, a custom field, a dotted
`attribute`, a `dump_default` when the value is missing) goes through marshmallow's
`Field.serialize`, unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow
from marshmallow import fields, missing  # noqa: TID251 (marshmallow's own classes, compared)
from marshmallow.decorators import POST_DUMP, PRE_DUMP
from marshmallow.utils import ensure_text_type

Converter = Callable[[Any], Any]  # a value read from the object -> its dump
# The key it is dumped under, the field's name, the attribute read, the field, a converter.
Step = tuple[str, str, str, fields.Field, Converter | None]


def _reader(obj: Any) -> Callable[[str], Any]:
    """marshmallow.utils.get_value on `obj` for keys without dots: obj[key], else obj.key
    (whether `obj` has items asked once, not for each field)."""
    if not hasattr(obj, "__getitem__"):
        return lambda key: getattr(obj, key, missing)

    def item(key: str) -> Any:
        try:
            return obj[key]
        except (KeyError, IndexError, TypeError, AttributeError):
            return getattr(obj, key, missing)

    return item


def _keeps(field: fields.Field, *methods: tuple[type[fields.Field], str]) -> bool:
    """Whether `field`'s class keeps these methods of marshmallow's classes as they are."""
    return all(getattr(type(field), name) is getattr(base, name) for base, name in methods)


def _offers_dump_value(field: fields.Field) -> bool:
    """Whether the class that gives `field` its `_serialize` also gives it `dump_value`."""
    owner = next(cls for cls in type(field).__mro__ if "_serialize" in vars(cls))
    return "dump_value" in vars(owner)


def _unless_none(convert: Callable[[Any], Any]) -> Converter:
    return lambda value: None if value is None else convert(value)


def converter(field: fields.Field) -> Converter | None:
    """How `field` dumps a value once read, exactly as its `_serialize` would (each of
    these answers None for None); None for a field it does not know."""
    if _keeps(field, (fields.Field, "_serialize")):  # Raw, Boolean, …: the value itself
        return lambda value: value
    if _offers_dump_value(field):
        return field.dump_value  # type: ignore[attr-defined]
    if isinstance(field, fields.Number) and _keeps(
        field, (fields.Number, "_serialize"), (fields.Number, "_format_num")
    ):
        return None if field.as_string else _unless_none(field.num_type)
    if isinstance(field, fields.String) and _keeps(field, (fields.String, "_serialize")):
        return _unless_none(ensure_text_type)
    if isinstance(field, fields.DateTime | fields.Date | fields.Time) and _keeps(
        field, (fields.DateTime, "_serialize")
    ):
        data_format = field.format or field.DEFAULT_FORMAT
        format_func = field.SERIALIZATION_FUNCS.get(data_format)
        return _unless_none(format_func or (lambda value: value.strftime(data_format)))
    if isinstance(field, fields.Enum) and _keeps(field, (fields.Enum, "_serialize")):
        inner = converter(field.field)
        if inner is None:
            return None
        if field.by_value:
            return _unless_none(lambda value: inner(value.value))
        return _unless_none(lambda value: inner(value.name))
    if isinstance(field, fields.Nested) and _keeps(field, (fields.Nested, "_serialize")):
        schema = field.schema
        many = bool(schema.many or field.many)
        if isinstance(schema, Schema) and not (schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP]):
            return _unless_none(lambda value: schema._serialize(value, many=many))  # dump's own
        return _unless_none(lambda value: schema.dump(value, many=many))
    if isinstance(field, fields.List) and _keeps(field, (fields.List, "_serialize")):
        inner = converter(field.inner)
        if inner is None:
            return None
        return _unless_none(lambda value: [inner(each) for each in value])
    return None


class Schema(marshmallow.Schema):
    """marshmallow's Schema, dumping through a plan made once per instance (and again if
    its fields change: a nested copy with its own `only` or `exclude`)."""

    _plan: tuple[dict[str, fields.Field], list[Step]] | None = None

    def _make_plan(self) -> list[Step]:
        plan: list[Step] = []
        for name, field in self.dump_fields.items():
            key = field.data_key if field.data_key is not None else name
            attribute = field.attribute or name
            direct = (
                field._CHECK_ATTRIBUTE
                and "." not in attribute
                and _keeps(field, (fields.Field, "get_value"), (fields.Field, "serialize"))
            )
            plan.append((key, name, attribute, field, converter(field) if direct else None))
        return plan

    def _steps(self) -> list[Step]:
        if self._plan is None or self._plan[0] is not self.dump_fields:
            self._plan = (self.dump_fields, self._make_plan())
        return self._plan[1]

    def _serialize(self, obj: Any, *, many: bool = False) -> Any:
        if many and obj is not None:
            return [self._serialize(each) for each in obj]
        if type(self).get_attribute is not marshmallow.Schema.get_attribute:
            return super()._serialize(obj, many=many)
        dumped = self.dict_class()
        read = _reader(obj)
        for key, name, attribute, field, convert in self._steps():
            if convert is not None:
                value = read(attribute)
                if value is not missing:
                    dumped[key] = convert(value)
                    continue
            value = field.serialize(name, obj, accessor=self.get_attribute)
            if value is not missing:
                dumped[key] = value
        return dumped
