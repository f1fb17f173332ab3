"""CSV cells a spreadsheet would run as a formula are written as text (OWASP's advice)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from fieldops.core.exports import cell, csv_text


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        '=HYPERLINK("http://evil.example","x")',
        "+1",
        "-5 dBm",
        "-5",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "\n=1",
    ],
)
def test_text_starting_like_a_formula_gets_a_leading_apostrophe(text):
    assert cell(text) == "'" + text


@pytest.mark.parametrize("value", [-5, 0, 12, -0.5, 3.25, Decimal("-1.50")])
def test_numbers_stay_numbers(value):
    assert cell(value) == value


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (None, ""),
        (True, "yes"),
        (False, "no"),
        (date(2026, 3, 4), "2026-03-04"),
        (datetime(2026, 3, 4, 15, tzinfo=UTC), "2026-03-04T15:00:00+00:00"),
        ("Alpha Motors", "Alpha Motors"),
        ("a=b, then -c", "a=b, then -c"),  # only the first character matters
        ("", ""),
    ],
)
def test_other_values_are_written_as_they_read(value, written):
    assert cell(value) == written


def test_a_file_reads_back_with_its_separators_and_quotes_inside_their_cells():
    text = csv_text(["name", "minutes"], [['=1+2";=1+2', -5], ["x,=1+2", 7]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["name", "minutes"], ["'=1+2\";=1+2", "-5"], ["x,=1+2", "7"]]
