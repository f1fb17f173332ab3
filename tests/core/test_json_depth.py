"""json_too_deep reads nesting from the text alone: brackets inside strings do not count."""

from __future__ import annotations

import json

import pytest

from fieldops.core.input_checks import json_too_deep


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


@pytest.mark.parametrize(
    ("text", "too_deep"),
    [
        (nested(64), False),
        (nested(65), True),
        ('{"a": ' * 65 + "1" + "}" * 65, True),
        (nested(64, '"[[[[ {{{{"'), False),  # brackets in a string
        (nested(64, r'"\"[[[["'), False),  # ... after an escaped quote
        ('["' + "]" * 100 + '", ' + nested(70) + "]", True),  # closers in a string hide nothing
        ('["a", "' + "]" * 100 + '", "b", ' + nested(70) + "]", True),
        ("[" + '"[", ' * 200 + "1]", False),
        (r'["\\", ' + nested(70) + "]", True),  # an escaped backslash ends no string
        ('{"signals": [' + ", ".join(['{"a": "b"}'] * 5000) + "]}", False),
    ],
)
def test_depth_is_counted_outside_strings(text, too_deep):
    json.loads(text)  # every case is valid JSON
    assert json_too_deep(text) is too_deep
    assert json_too_deep(text.encode()) is too_deep
