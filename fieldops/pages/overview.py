"""The CIO dashboard page (/overview): what it shows, gathered for its template.

Coverage and visit cadence come from the latest nightly snapshot of each store
(`fieldops.dashboard`: figures, visits due, the heatmap and trend geometry); without any
snapshot yet (a fresh installation) the page says so and shows visit cadence counted live
by coverage's rule (`fieldops.coverage.visit_cadence`, the one the snapshots store), open
issues and the hours drift. The CIO's own visits against the stores' leadership cadence
are counted live either way (`fieldops.dashboard.leadership_due`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from marshmallow import ValidationError
from werkzeug.exceptions import BadRequest

from fieldops.auth import Action, User, can, requires
from fieldops.clock import WEEKDAY_NAMES, utcnow
from fieldops.core.forms import form_values
from fieldops.coverage import active_stores, suggest, visit_cadence
from fieldops.dashboard import (
    HEATMAP_STORES,
    LIST_LENGTH,
    Cell,
    Heatmap,
    Line,
    Scope,
    StoreSnapshot,
    VisitDue,
    active_store_count,
    attainment,
    by_region,
    coverage_trend,
    day_cells,
    draw_heatmap,
    due_soon,
    headline,
    largest_gaps,
    leadership_due,
    lowest_coverage,
    nearest_to_breach,
    open_alerts,
    open_issue_counts,
    overdue_visits,
    scope,
    trend_chart,
    visits_of,
)
from fieldops.hours import largest_drifts
from fieldops.pages import support
from fieldops.pages.alerts import controls_context
from fieldops.stores import Store, get_visible, regions

ALERTS_SHOWN = 8
DRIFTS_SHOWN = 10
DUE_SOON_SHOWN = 10
SUGGESTIONS_SHOWN = 3
PHONE_LIST_SHOWN = 10  # the phone's list of the worst stores, in place of the heatmap


@dataclass(frozen=True)
class VisitLine:
    """A row of the overdue and due-soon tables."""

    store_id: int
    name: str
    code: str
    completed: int
    cadence: int
    due_on: date | None = None
    last_visit: datetime | None = None
    next_planned: datetime | None = None


def _heatmap(where: Scope, worst: list[StoreSnapshot]) -> Heatmap | None:
    if not worst:
        return None
    stores = [
        Line(
            label=r.name,
            title=f"{r.code} {r.name}",
            by_weekday=r.by_weekday,
            days=r.days,
            href=url_for("store_pages.detail", store_id=r.store_id, _anchor="support"),
        )
        for r in worst
    ]
    regions = [
        Line(
            label=g.region,
            title=f"{g.region} (average of {g.stores} stores)",
            by_weekday=g.by_weekday,
            days=g.days,
        )
        for g in by_region(where)
    ]
    return draw_heatmap(stores, regions)


@dataclass(frozen=True)
class WorstStore:
    """A line of the phone's list: a store, its real coverage and its week, each day's
    uncovered hours written."""

    name: str
    region: str | None
    href: str
    real_percent: float | None
    days: list[tuple[str, Cell]]  # weekday abbreviation, cell


def _phone_list(where: Scope) -> dict[str, Any]:
    worst, total = lowest_coverage(where, PHONE_LIST_SHOWN)
    lines = []
    for r in worst:
        cells = day_cells(Line(r.name, r.name, r.by_weekday, r.days), every_value=True)
        lines.append(
            WorstStore(
                name=r.name,
                region=r.region,
                href=url_for("store_pages.detail", store_id=r.store_id, _anchor="support"),
                real_percent=r.real_percent,
                days=[(WEEKDAY_NAMES[day][:3], cell) for day, cell in enumerate(cells)],
            )
        )
    return {"worst": lines, "worst_more": total - len(lines)}


def _visit_line(due: VisitDue) -> VisitLine:
    row = due.row
    return VisitLine(
        row.store_id,
        row.name,
        row.code,
        row.completed_12m,
        row.cadence,
        row.due_on,
        due.last_visit,
        due.next_planned,
    )


def _from_snapshots(where: Scope, now: datetime) -> dict[str, Any]:
    config = current_app.config
    head = headline(where, float(config["COVERAGE_ALERT_PERCENT"]))
    if not head.stores:
        return {}
    worst = largest_gaps(where, HEATMAP_STORES)
    due = due_soon(where, now, config["COVERAGE_DUE_SOON_DAYS"])
    shown = due[:DUE_SOON_SHOWN]
    visits = visits_of([r.store_id for r in shown], now)
    points = coverage_trend(where.user, where.region, where.taken_on)
    return {
        "snapshot_on": where.taken_on,
        "stale": where.taken_on < now.astimezone(UTC).date() - timedelta(days=1),
        "head": head,
        "days": worst[0].days if worst else current_app.config["COVERAGE_DEFAULT_DAYS"],
        "gaps": worst[:LIST_LENGTH],
        "heat": _heatmap(where, worst),
        "trend": trend_chart(points),
        "trend_points": points,
        "overdue": [_visit_line(d) for d in overdue_visits(where, now, LIST_LENGTH)],
        "overdue_count": head.overdue,
        "due_soon": [
            _visit_line(VisitDue(r, *visits.get(r.store_id, (None, None)))) for r in shown
        ],
        "due_soon_count": len(due),
    } | _phone_list(where)


def _live_cadence(user: User, now: datetime, region: str | None) -> dict[str, Any]:
    """Visit cadence counted from the visits (no snapshot yet), by the rule the snapshots
    store: completed visits of the rolling year (docs/coverage.md)."""
    stores = active_stores(user, region)
    counted = visit_cadence(stores, now)
    overdue = sorted(
        ((store, counted[store.id]) for store in stores if counted[store.id].overdue),
        key=lambda pair: (pair[1].completed_12m - pair[1].cadence, pair[0].name),
    )  # most visits missing first
    return {
        "live_stores": len(stores),
        "live_meeting": len(stores) - len(overdue),
        "overdue": [
            VisitLine(
                store.id,
                store.name,
                store.code,
                visits.completed_12m,
                visits.cadence,
                last_visit=visits.last_visit,
                next_planned=visits.next_planned,
            )
            for store, visits in overdue[:LIST_LENGTH]
        ],
        "overdue_count": len(overdue),
        "due_soon": [],
        "due_soon_count": 0,
    }


def overview(user: User, now: datetime, region: str | None) -> dict[str, Any]:
    """The template's context for the dashboard, for one region or all."""
    alerts, alert_counts = open_alerts(user, region, ALERTS_SHOWN)
    horizon = current_app.config["COVERAGE_DUE_SOON_DAYS"]
    leadership = leadership_due(user, region, now, horizon)
    context: dict[str, Any] = {
        "threshold": current_app.config["COVERAGE_ALERT_PERCENT"],
        "horizon": horizon,
        "leadership": leadership,  # shown as the engineers' lists are: their first lines
        "leadership_overdue": leadership.overdue[:LIST_LENGTH],
        "leadership_due": leadership.due_soon[:DUE_SOON_SHOWN],
        "issues": open_issue_counts(region),
        "attainment": attainment(region, now),
        "near_breach": nearest_to_breach(region, now),
        "alerts": alerts,
        "alert_counts": alert_counts,
        "drifts": largest_drifts(user, limit=DRIFTS_SHOWN, region=region),
        "stores_active": active_store_count(user, region),
        "suggestion_days": current_app.config["COVERAGE_DEFAULT_DAYS"],
    }
    where = scope(user, region)
    snapshot = _from_snapshots(where, now) if where else {}
    if snapshot:
        return context | snapshot
    return context | {"snapshot_on": None} | _live_cadence(user, now, region)


blp = Blueprint("overview", __name__)


@blp.get("/overview")
@requires(Action.VIEW_OVERVIEW)
def index() -> ResponseReturnValue:
    region = request.args.get("region") or None
    return render_template(
        "overview/index.html",
        region=region,
        regions=regions(),
        **overview(current_user, utcnow(), region),
        **controls_context(),
    )


@blp.get("/overview/suggestions")
@requires(Action.VIEW_OVERVIEW)
def suggestions() -> ResponseReturnValue:
    """One region's suggested changes, worked out live (seconds for a region of a thousand
    stores, so never inside the overview's own request): the overview fetches them after
    it is shown (`X-Fragment: 1`: the list alone); without JavaScript, a page of their own."""
    region = request.args.get("region") or None
    if region is None:
        return redirect(url_for("overview.index"))
    plan = suggest(current_user, utcnow(), {"region": region})["suggestions"]
    context = {
        "region": region,
        "suggestions": plan[:SUGGESTIONS_SHOWN],
        "can_apply": can(current_user, Action.MANAGE_SHIFTS),
        "days": current_app.config["COVERAGE_DEFAULT_DAYS"],
    }
    if request.headers.get("X-Fragment"):
        return render_template("overview/_suggestions.html", **context)
    return render_template("overview/suggestions.html", **context)


def _suggestion_scope(values: dict[str, Any]) -> tuple[dict[str, Any], str, str]:
    """The plan a posted Apply refers to: its scope, how the confirm page names it, and the
    page to return to."""
    if values.get("store_id", "").isdigit():
        store = get_visible(Store, int(values["store_id"]), current_user)
        back = url_for("store_pages.detail", store_id=store.id, _anchor="support")
        return {"store_id": store.id}, store.name, back
    if values.get("region"):
        region = values["region"]
        back = url_for("overview.index", region=region, _anchor="suggestions")
        return {"region": region}, f"the {region} region", back
    raise BadRequest("Name the plan's stores: store_id or region.")


@blp.post("/overview/suggestions/apply")
@requires(Action.MANAGE_SHIFTS)
def apply_suggestion() -> ResponseReturnValue:
    """An admin's Apply on a suggested change (store panel or overview): first a page asking
    to confirm it, then (`confirm=yes`) the change through the shifts service, if the plan
    still suggests it; back to where it was asked, whose figures then include it."""
    values = form_values()
    scope, what, back = _suggestion_scope(values)
    summary, index = values.get("summary", ""), values.get("index", "")
    if values.get("confirm") != "yes":
        return render_template(
            "coverage/apply_suggestion.html",
            what=what,
            scope=scope,
            summary=summary,
            index=index,
            back=back,
        )
    try:
        shift = support.apply_suggestion(
            current_user, utcnow(), scope, int(index) if index.isdigit() else -1, summary
        )
    except ValidationError as error:
        flash(f"The change was refused: {error.messages}", "error")
        return redirect(back)
    if shift is None:
        flash("The suggestions have changed since you read them: check them again.", "error")
    else:
        flash(f"Applied: {summary}. The figures include it.")
    return redirect(back)
