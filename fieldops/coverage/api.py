"""JSON routes for coverage: /api/coverage, /api/coverage.csv and the shift changes that
close its gaps, /api/coverage/suggestions (admin, CIO); one store's coverage,
/api/stores/<id>/coverage (whoever may see the store); and the alerts people own:
/api/alerts (admin and CIO read; admins change)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask_login import current_user

from fieldops.auth import Action, requires
from fieldops.clock import utcnow
from fieldops.core.arguments import Blueprint
from fieldops.core.pagination import page_schema
from fieldops.coverage import alerts, cache, services, suggestions
from fieldops.coverage.export import coverage_csv
from fieldops.coverage.models import Alert
from fieldops.coverage.schemas import (
    AlertListArgsSchema,
    AlertSchema,
    AlertUpdateSchema,
    CoverageArgsSchema,
    CoveragePageSchema,
    CoverageWindowArgsSchema,
    StoreCoverageSchema,
    SuggestionArgsSchema,
    SuggestionPlanSchema,
)
from fieldops.stores import Store, get_visible

blp = Blueprint("Coverage", __name__, url_prefix="/api", description="Support and visit coverage")


@blp.route("/coverage", methods=["GET"])
@requires(Action.VIEW_OVERVIEW)
@blp.arguments(CoverageArgsSchema(), location="query")
@blp.response(200, CoveragePageSchema)
def coverage(args: dict[str, Any]) -> dict[str, Any]:
    """Per store over its local dates [from, from + days): real-customer and covered minutes,
    percent and the uncovered windows, the same against posted hours, and visit cadence.

    Sorted worst first by default (`sort=real_percent`); `totals` sum every store listed.
    The default period (no `from`, default `days`) is served from a cache kept true by
    every change that touches it (docs/coverage.md); any other is computed live.
    """
    return cache.coverage_page(current_user, utcnow(), args)


@blp.route("/coverage.csv", methods=["GET"])
@requires(Action.VIEW_OVERVIEW)
@blp.arguments(CoverageArgsSchema(), location="query")
@blp.response(200, description="every store, one line each (no paging)")
def coverage_export(args: dict[str, Any]) -> Response:
    now = utcnow()
    rows = services.store_coverage(
        current_user, now, args.get("from_"), args.get("days"), args.get("region")
    )
    body = coverage_csv(rows, now, current_app.config["COVERAGE_DUE_SOON_DAYS"])
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="coverage-{now:%Y-%m-%d}.csv"'},
    )


@blp.route("/coverage/suggestions", methods=["GET"])
@requires(Action.VIEW_OVERVIEW)
@blp.arguments(SuggestionArgsSchema(), location="query")
@blp.response(200, SuggestionPlanSchema)
def coverage_suggestions(args: dict[str, Any]) -> dict[str, Any]:
    """One plan of shift changes bringing every store in scope (`region`, `store_id`) to
    `threshold` percent of its real customer minutes covered over [from, from + days), for
    the fewest engineer-minutes a week; each suggestion's `apply` is the shifts API request
    that makes it. A `store_id` the user may not see answers 404. See docs/coverage.md."""
    if args.get("store_id") is not None:
        get_visible(Store, args["store_id"], current_user)
    return suggestions.suggest(current_user, utcnow(), args)


@blp.route("/stores/<int:store_id>/coverage", methods=["GET"])
@requires(Action.READ_RECORDS)
@blp.arguments(CoverageWindowArgsSchema(), location="query")
@blp.response(200, StoreCoverageSchema)
def store_coverage(args: dict[str, Any], store_id: int) -> dict[str, Any]:
    """One store over its local dates [from, from + days): the same figures as its row of
    /api/coverage (real and posted minutes, percent, uncovered windows in the store's local
    time, visit cadence). A store the user may not see answers 404."""
    store = get_visible(Store, store_id, current_user)
    return services.store_item(store, utcnow(), args)


@blp.route("/alerts", methods=["GET"])
@requires(Action.VIEW_OVERVIEW)
@blp.arguments(AlertListArgsSchema(), location="query")
@blp.response(200, page_schema(AlertSchema))
def list_alerts(args: dict[str, Any]) -> dict[str, Any]:
    """Alerts, newest first, each with its history; filter by `kind`, `region` (of the
    store), `assignee` (a user id, "me" or "none") and `open`."""
    return alerts.alerts_page(current_user, args)


@blp.route("/alerts/<int:alert_id>", methods=["PATCH"])
@requires(Action.MANAGE_ALERTS)
@blp.arguments(AlertUpdateSchema)
@blp.response(200, AlertSchema)
def update_alert(data: dict[str, Any], alert_id: int) -> Alert:
    """Acknowledge, assign or note an open alert (admin); each change goes into its
    history. A closed alert answers 409."""
    alert = alerts.get_alert(alert_id, current_user, for_update=True)
    return alerts.update_alert(alert, data, current_user, utcnow())
