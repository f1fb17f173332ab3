"""Errors in words: marshmallow's messages as sentences named with the form's labels, never
with a field's path (fields.rssi_dbm, posted_hours.1.closes, exceptions.0.date)."""

from __future__ import annotations

import re

import pytest
from marshmallow import Schema, validate

from fieldops.core import fields
from fieldops.core.forms import html_constraints, in_words, labels_of
from fieldops.observations import ObservationCreateSchema
from fieldops.stores.schemas import StoreSchema

# A field's path, as marshmallow reports it: two or more names joined by dots.
PATH = re.compile(r"\b[a-z_]{2,}\.(?:\d+\.)?[a-z_]{2,}\b")


class Reading(Schema):
    rssi_dbm = fields.Integer(validate=validate.Range(-120, 0), metadata={"label": "Signal (dBm)"})
    zone = fields.String(required=True, validate=validate.Length(1, 80))
    note = fields.String(validate=validate.Length(max=10))


def test_the_labels_of_a_schema_come_from_its_fields_nested_and_one_of_schemas():
    labels = labels_of(ObservationCreateSchema())
    assert labels["rssi_dbm"] == "Signal (dBm)"  # a category's own field (one_of_schemas)
    assert labels["zone"] == "Zone"
    assert labels["fields"] == "Fields"  # no label given: the name in words
    assert labels_of(StoreSchema())["exceptions"] == "Dated exceptions"


@pytest.mark.parametrize(
    ("payload", "path", "words"),
    [
        (
            {"rssi_dbm": -150, "zone": "x"},
            "rssi_dbm",
            "Signal (dBm) must be between \u2212120 and 0.",
        ),
        ({"rssi_dbm": "x", "zone": "x"}, "rssi_dbm", "Signal (dBm) must be a whole number."),
        ({}, "zone", "Zone is required."),
        ({"zone": ""}, "zone", "Zone is required, in at most 80 characters."),
        ({"zone": "x", "note": "x" * 11}, "note", "Note takes at most 10 characters."),
    ],
)
def test_marshmallow_messages_read_as_sentences_with_the_label(payload, path, words):
    said = in_words(Reading().validate(payload), labels_of(Reading()))
    assert said[path] == [words]


def test_nested_errors_keep_their_path_as_the_key_and_say_it_in_words():
    messages = {
        "fields": {"zone": ["Missing data for required field."]},
        "posted_hours": {1: {"closes": ["Not a valid time."]}},
        "exceptions": {"0": {"date": ["Not a valid date."]}},
        "_schema": ["Give both latitude and longitude, or neither."],
    }
    said = in_words(messages, {"zone": "Zone", "exceptions": "Dated exceptions"})
    assert said == {
        "fields.zone": ["Zone is required."],
        "posted_hours.1.closes": ["Posted hours, entry 2: Closes must be a time (HH:MM)."],
        "exceptions.0.date": ["Dated exceptions, entry 1: Date must be a date (YYYY-MM-DD)."],
        "_schema": ["Give both latitude and longitude, or neither."],
    }
    assert not any(PATH.search(s) for sentences in said.values() for s in sentences)


def test_an_error_keyed_only_by_a_position_reads_as_the_form_s():
    # a list sent where an object was expected, or a key that is only digits (fuzzed input)
    assert in_words({"0": ["Not a valid mapping type."], "fields": {"1": ["Unknown field."]}}) == {
        "0": ["Not a valid mapping type."],
        "fields.1": ["Unknown field."],
    }


def test_a_rule_s_own_message_is_said_after_the_label():
    assert in_words({"timezone": ["Unknown time zone."]}) == {
        "timezone": ["Timezone: Unknown time zone."]
    }
    assert in_words({"page": ["Must be a whole number."]}) == {
        "page": ["Page must be a whole number."]
    }
    assert in_words(["The form as a whole is wrong."]) == {
        "_form": ["The form as a whole is wrong."]
    }


def test_an_input_gets_the_checks_of_its_schema_field():
    schema = Reading()
    assert html_constraints(schema.fields["rssi_dbm"]) == {"min": -120, "max": 0}
    assert html_constraints(schema.fields["zone"]) == {"required": True, "maxlength": 80}
