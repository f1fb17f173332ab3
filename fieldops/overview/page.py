"""What the CIO dashboard (/overview) shows, gathered for its template.

Coverage and visit cadence come from the latest nightly snapshot of each store
(fieldops.coverage.dashboard); without any snapshot yet (a fresh installation) the page
says so and shows visit cadence counted live, open issues and the hours drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import current_app, url_for

from fieldops.auth.models import User
from fieldops.coverage import cadence
from fieldops.coverage import dashboard as dash
from fieldops.coverage.heatmap import Heatmap, Line, heatmap
from fieldops.coverage.trend import trend_chart
from fieldops.hours.drifts import largest_drifts
from fieldops.overview import services

ALERTS_SHOWN = 8
DRIFTS_SHOWN = 10
DUE_SOON_SHOWN = 10


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


def _heatmap(where: dash.Scope, worst: list[dash.StoreSnapshot]) -> Heatmap | None:
    if not worst:
        return None
    stores = [
        Line(
            label=r.name,
            title=f"{r.code} {r.name}",
            by_weekday=r.by_weekday,
            days=r.days,
            href=url_for("store_pages.detail", store_id=r.store_id),
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
        for g in dash.by_region(where)
    ]
    return heatmap(stores, regions)


def _visit_line(due: cadence.VisitDue) -> VisitLine:
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


def _from_snapshots(where: dash.Scope, now: datetime) -> dict[str, Any]:
    config = current_app.config
    head = dash.headline(where, float(config["COVERAGE_ALERT_PERCENT"]))
    if not head.stores:
        return {}
    worst = dash.largest_gaps(where, dash.HEATMAP_STORES)
    due = cadence.due_soon(where, now, config["COVERAGE_DUE_SOON_DAYS"])
    shown = due[:DUE_SOON_SHOWN]
    visits = cadence.visits_of([r.store_id for r in shown], now)
    points = dash.trend(where.user, where.region, where.taken_on)
    return {
        "snapshot_on": where.taken_on,
        "stale": where.taken_on < now.astimezone(UTC).date() - timedelta(days=1),
        "head": head,
        "days": worst[0].days if worst else current_app.config["COVERAGE_DEFAULT_DAYS"],
        "gaps": worst[: dash.LIST_LENGTH],
        "heat": _heatmap(where, worst),
        "trend": trend_chart(points),
        "trend_points": points,
        "overdue": [_visit_line(d) for d in cadence.overdue_visits(where, now, dash.LIST_LENGTH)],
        "overdue_count": head.overdue,
        "due_soon": [
            _visit_line(cadence.VisitDue(r, *visits.get(r.store_id, (None, None)))) for r in shown
        ],
        "due_soon_count": len(due),
    }


def _live_cadence(now: datetime, region: str | None) -> dict[str, Any]:
    """Visit cadence counted from the visits (no snapshot yet)."""
    coverage = services.visit_coverage(now, region)
    overdue = sorted((c for c in coverage if c.missing), key=lambda c: (-c.missing, c.store.name))
    shown = overdue[: dash.LIST_LENGTH]
    visits = cadence.visits_of([c.store.id for c in shown], now)
    return {
        "live_stores": len(coverage),
        "live_meeting": len(coverage) - len(overdue),
        "overdue": [
            VisitLine(
                c.store.id,
                c.store.name,
                c.store.code,
                c.completed,
                c.store.cadence_per_year,
                last_visit=c.last_visit,
                next_planned=visits.get(c.store.id, (None, None))[1],
            )
            for c in shown
        ],
        "overdue_count": len(overdue),
        "due_soon": [],
        "due_soon_count": 0,
    }


def overview(user: User, now: datetime, region: str | None) -> dict[str, Any]:
    """The template's context for the dashboard, for one region or all."""
    alerts, alert_counts = dash.open_alerts(user, region, ALERTS_SHOWN)
    context: dict[str, Any] = {
        "threshold": current_app.config["COVERAGE_ALERT_PERCENT"],
        "horizon": current_app.config["COVERAGE_DUE_SOON_DAYS"],
        "issues": services.open_issue_counts(region),
        "alerts": alerts,
        "alert_counts": alert_counts,
        "drifts": largest_drifts(user, limit=DRIFTS_SHOWN, region=region),
        "stores_active": dash.active_store_count(user, region),
    }
    where = dash.scope(user, region)
    snapshot = _from_snapshots(where, now) if where else {}
    if snapshot:
        return context | snapshot
    return context | {"snapshot_on": None} | _live_cadence(now, region)
