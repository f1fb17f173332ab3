"""The quick reading of plain evidence rows agrees with the schemas, row by row.

For every row below, valid or not: when the quick reader takes it, the schema loads it to
the same values; when the schema refuses it, the quick reader does not take it (so the
schema answers, with its message).
"""

from __future__ import annotations

from typing import Any

import pytest
from marshmallow import ValidationError

from fieldops.hours.schemas import QUICK_ROWS, ROW_SCHEMAS, load_row

WIFI = {
    "source": "wifi_session",
    "device": "a1b2",
    "start": "2026-03-08T01:55:00-06:00",
    "end": "2026-03-08T03:10:00-05:00",
}
DOOR = {
    "source": "door_count",
    "start": "2026-11-01T01:30:00-05:00",
    "interval_minutes": 5,
    "entries": 3,
    "exits": 0,
}
SALE = {"source": "transaction", "at": "2026-05-01T14:30:00Z", "id": "T-1"}


def variants(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The row, with an extra key, and with each field left out or given odd values."""
    odd = [
        None,
        True,
        "",
        "x" * 129,
        "x" * 128,
        0,
        -1,
        1,
        60,
        61,
        100_000,
        100_001,
        1.0,
        1.5,
        "7",
        [],
        {},
        "2026-05-01T14:30:00",  # no offset
        "2026-05-01 14:30:00+02:00",
        "2026-05-01T14:30:00.123456+05:45",
        "2026-05-01T14:30:00+00:00",
        "2026-13-01T14:30:00Z",
        "20260501T143000Z",
        "2026-05-01",
        "2026-05-01T13:00:00Z",  # before the Wi-Fi start
        "0001-01-01T00:00:00+01:00",  # before the first UTC instant
        "9999-12-31T23:59:59-01:00",  # after the last
        "2026-W18-5T14:30Z",
        "20260501T1430Z",
        "2026-05-01T14:30:00+05:30:15",
        "2026-05-01T14:30:00,5Z",
        "\ud800",
        float("nan"),
        10**30,
    ]
    rows = [row, row | {"extra": 1}]
    for key in row:
        if key == "source":
            continue
        rows.append({k: v for k, v in row.items() if k != key})
        rows += [row | {key: value} for value in odd]
    return rows


CASES = (
    variants(WIFI)
    + variants(DOOR)
    + variants(SALE)
    + variants({"source": "transaction", "at": SALE["at"]})
)


@pytest.mark.parametrize("row", CASES, ids=range(len(CASES)))
def test_the_quick_reading_agrees_with_the_schema(row):
    quick = QUICK_ROWS[row["source"]](row)
    try:
        expected = ROW_SCHEMAS[row["source"]].load(row)
    except ValidationError:
        assert quick is None
        with pytest.raises(ValidationError):
            load_row(row)
    else:
        assert quick is None or quick == expected
        assert load_row(row) == expected


def test_plain_rows_take_the_quick_way():
    assert all(QUICK_ROWS[row["source"]](row) is not None for row in (WIFI, DOOR, SALE))
