"""CSV files for people to open in a spreadsheet: every export writes its cells through here.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab, carriage return
or line feed before one) as a formula, so a store named `=HYPERLINK(...)` could send data
away when an export is opened. As OWASP's CSV Injection page advises, such text gets a
leading apostrophe and is then read as text; numbers are left as numbers (-5 stays -5).
The csv module quotes any cell holding a separator, quote or line break, so text cannot
start a new cell of its own.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from numbers import Number
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def cell(value: Any) -> Any:
    """`value` as a CSV cell: numbers as they are, nothing as empty, yes/no, ISO dates,
    and text that a spreadsheet would run as a formula made plain text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Number):
        return value
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    """A whole CSV file, every cell (the header's too) written with `cell`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(cell(name) for name in header)
    writer.writerows((cell(value) for value in row) for row in rows)
    return out.getvalue()


BOM = "\ufeff"  # Excel reads a CSV file as UTF-8 (accents and all) only after this mark


def spreadsheet_csv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    """A CSV file for a spreadsheet: `csv_text` after the UTF-8 byte-order mark."""
    return BOM + csv_text(header, rows)
