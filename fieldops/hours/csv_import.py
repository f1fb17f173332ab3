"""Importing evidence from CSV: the rows of the signals API, one per line.

Columns (a header line names them; empty cells are left out of the row):
    store_code, source, device, start, end, interval_minutes, entries, exits,
    at, id, date, last_customer_at, first_customer_at, closed
`store_code` may be left out when the import is for one store. Errors come back by line
number (the header is line 1), so a person can fix the file.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

import sqlalchemy as sa
from flask import current_app

from fieldops.auth import User
from fieldops.extensions import db
from fieldops.hours.ingest import check_rows, ingest_signals
from fieldops.stores import Store

COLUMNS = (
    "store_code",
    "source",
    "device",
    "start",
    "end",
    "interval_minutes",
    "entries",
    "exits",
    "at",
    "id",
    "date",
    "last_customer_at",
    "first_customer_at",
    "closed",
)


@dataclass
class ImportReport:
    lines: int = 0
    accepted: int = 0
    duplicates: int = 0
    valid: int = 0
    by_source: Counter[str] = field(default_factory=Counter)
    by_store: Counter[str] = field(default_factory=Counter)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.errors)


def read_csv(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, str]]]:
    """The data lines as (line number, row without empty cells), and header errors."""
    if "\x00" in text:  # no database can keep it in text; csv would read it as a character
        line = text.count("\n", 0, text.index("\x00")) + 1
        return [], [(line, "The file holds a NUL character: save it as plain CSV text.")]
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    if not header:
        return [], [(1, "The file is empty: give a header line naming the columns.")]
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        return [], [(1, f"Unknown column(s): {', '.join(unknown)}. Known: {', '.join(COLUMNS)}.")]
    rows = []
    for raw in reader:
        row = {
            key.strip(): value.strip()
            for key, value in raw.items()
            if key is not None and value is not None and value.strip()
        }
        if row:
            rows.append((reader.line_num, row))
    return rows, []


def import_signals(
    text: str,
    now: datetime,
    reporter: User | None = None,
    store: Store | None = None,
    check_only: bool = False,
) -> ImportReport:
    """Import (or with `check_only`, only check) a CSV of evidence; nothing bad is kept."""
    rows, errors = read_csv(text)
    report = ImportReport(lines=len(rows), errors=errors)
    codes = {row["store_code"] for _, row in rows if "store_code" in row}
    stores = {s.code: s for s in db.session.scalars(sa.select(Store).where(Store.code.in_(codes)))}
    by_store: dict[int, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    targets: dict[int, Store] = {}
    for line, row in rows:
        code = row.pop("store_code", None)
        target = stores.get(code) if code else store
        if target is None:
            report.errors.append(
                (
                    line,
                    f"store_code: no store {code!r}."
                    if code
                    else "store_code: Missing (or choose a store for the whole file).",
                )
            )
            continue
        targets[target.id] = target
        by_store[target.id].append((line, row))
    batch_size = current_app.config["SIGNALS_MAX_BATCH"]
    for store_id, lines in by_store.items():
        target = targets[store_id]
        it = iter(lines)
        while chunk := list(islice(it, batch_size)):
            payload = [row for _, row in chunk]
            if check_only:
                checked = check_rows(target, payload, now, reporter)
                rejected, valid = checked.rejected, checked.valid
            else:
                result = ingest_signals(target, payload, now, reporter)
                rejected = result.rejected
                valid = result.accepted + result.duplicates
                report.accepted += result.accepted
                report.duplicates += result.duplicates
            report.valid += valid
            bad = {r["index"] for r in rejected}
            report.errors += [(chunk[r["index"]][0], r["error"]) for r in rejected]
            for index, (_, row) in enumerate(chunk):
                if index not in bad:
                    report.by_source[row.get("source", "?")] += 1
                    report.by_store[target.code] += 1
    report.errors.sort()
    return report
