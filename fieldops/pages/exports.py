"""What the overview and the alerts page show, as CSV files for a spreadsheet.

Each export is one of the page's tables, with the page's filters (the region, the alerts'
filters and page), for the people who may see the page. Unlike the machine CSV of
/api/coverage.csv, these are for reading: column names in words, hours (one decimal) rather
than minutes, times on the store's clock with its zone, a UTF-8 byte-order mark so Excel
shows accents, and every cell written by `fieldops.core.exports` (formula-leading text made
plain text).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fieldops.auth import Action, requires
from fieldops.clock import WEEKDAY_NAMES, utcnow, zone
from fieldops.core.exports import spreadsheet_csv
from fieldops.core.pagination import list_args
from fieldops.coverage import AlertListArgsSchema, Gap, alerts_page, coverage_of
from fieldops.extensions import db
from fieldops.pages.overview import overview
from fieldops.pages.templating import label
from fieldops.stores import Store

blp = Blueprint("exports", __name__)

GAP_COLUMNS = (
    "Store",
    "Code",
    "Region",
    "Time zone",
    "Real customer hours a week",
    "Covered %",
    "Covered % of posted hours",
    "Uncovered hours a week",
    "Largest gap (store time)",
)
VISIT_COLUMNS = (
    "Store",
    "Code",
    "Status",
    "Due on",
    "Visits in the last 12 months",
    "Visits a year asked",
    "Last visit (store time)",
    "Next planned (store time)",
)
DRIFT_COLUMNS = ("Store", "Code", "Region", "Weekday", "Difference (hours)", "What differs")
ALERT_COLUMNS = (
    "Store",
    "Code",
    "Region",
    "Kind",
    "Status",
    "What",
    "Opened (store time)",
    "Closed (store time)",
    "Acknowledged",
    "Assigned to",
    "Note",
)


def hours(minutes: float) -> float:
    return round(minutes / 60, 1)


def one_decimal(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def store_time(moment: datetime | None, timezone: str) -> str | None:
    """A moment on the store's clock, with its zone: "2026-03-06 20:00 CST"."""
    return None if moment is None else f"{moment.astimezone(zone(timezone)):%Y-%m-%d %H:%M %Z}"


def window_text(gap: Gap) -> str:
    """An uncovered window on the store's clock: "Fri 20:00–21:30 CST" (the end's weekday
    written when it falls on the next day)."""
    start, end = gap.start, gap.end
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%a %H:%M}"
    return f"{start:%a %H:%M}–{until} {end:%Z}"


def _download(stem: str, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Response:
    return Response(
        spreadsheet_csv(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{stem}-{utcnow():%Y-%m-%d}.csv"'},
    )


def _stores(ids: Iterable[int]) -> dict[int, Store]:
    return {s.id: s for s in db.session.scalars(sa.select(Store).where(Store.id.in_(set(ids))))}


def _on_screen() -> dict[str, Any]:
    """The overview's figures for the region in the URL, as the page has them."""
    return overview(current_user, utcnow(), request.args.get("region") or None)


@blp.get("/overview/export/gaps.csv")
@requires(Action.VIEW_OVERVIEW)
def gaps() -> ResponseReturnValue:
    """The overview's "Largest gaps in support", each with its largest uncovered window."""
    shown = _on_screen().get("gaps", [])
    stores = _stores(r.store_id for r in shown)
    coverage = {row.store.id: row for row in coverage_of(list(stores.values()), utcnow())}
    lines = []
    for r in shown:
        store, windows = stores[r.store_id], coverage[r.store_id].real.gaps
        largest = max(windows, key=lambda gap: (gap.minutes, -gap.start.timestamp()), default=None)
        lines.append(
            (
                r.name,
                r.code,
                r.region,
                store.timezone,
                hours(r.per_week(r.real_customer)),
                one_decimal(r.real_percent),
                one_decimal(r.posted_percent),
                hours(r.per_week(r.uncovered)),
                window_text(largest) if largest else None,
            )
        )
    return _download("coverage-gaps", GAP_COLUMNS, lines)


@blp.get("/overview/export/visits.csv")
@requires(Action.VIEW_OVERVIEW)
def visits() -> ResponseReturnValue:
    """The overview's "Visits overdue and due soon"."""
    page = _on_screen()
    shown = [("Overdue", line) for line in page["overdue"]]
    shown += [("Due soon", line) for line in page["due_soon"]]
    stores = _stores(line.store_id for _, line in shown)
    lines = [
        (
            line.name,
            line.code,
            status,
            line.due_on,
            line.completed,
            line.cadence,
            store_time(line.last_visit, stores[line.store_id].timezone),
            store_time(line.next_planned, stores[line.store_id].timezone),
        )
        for status, line in shown
    ]
    return _download("visits-due", VISIT_COLUMNS, lines)


@blp.get("/overview/export/drifts.csv")
@requires(Action.VIEW_OVERVIEW)
def drifts() -> ResponseReturnValue:
    """The overview's "Where real customer hours differ most from posted"."""
    lines = [
        (
            d.store.name,
            d.store.code,
            d.store.region,
            WEEKDAY_NAMES[d.weekday],
            hours(d.minutes),
            d.text,
        )
        for d in _on_screen()["drifts"]
    ]
    return _download("hours-drift", DRIFT_COLUMNS, lines)


@blp.get("/alerts/export.csv")
@requires(Action.VIEW_OVERVIEW)
def alerts() -> ResponseReturnValue:
    """The alerts page's list: the same filters, sort and page."""
    args, errors = list_args(AlertListArgsSchema())
    if errors:
        return {"errors": errors}, 422
    lines = [
        (
            a.store.name,
            a.store.code,
            a.store.region,
            label(a.kind),
            "Open" if a.is_open else "Closed",
            a.text,
            store_time(a.opened_at, a.store.timezone),
            store_time(a.closed_at, a.store.timezone),
            store_time(a.acknowledged_at, a.store.timezone),
            a.assignee.name if a.assignee else None,
            a.note,
        )
        for a in alerts_page(current_user, args)["items"]
    ]
    return _download("alerts", ALERT_COLUMNS, lines)
