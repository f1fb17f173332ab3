"""JSON routes for coverage: /api/coverage and /api/coverage.csv (admin, CIO), and one
store's coverage, /api/stores/<id>/coverage (whoever may see the store)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask_login import current_user
from flask_smorest import Blueprint

from fieldops.auth import Action, requires
from fieldops.clock import utcnow
from fieldops.coverage import services
from fieldops.coverage.export import coverage_csv
from fieldops.coverage.schemas import (
    CoverageArgsSchema,
    CoveragePageSchema,
    CoverageWindowArgsSchema,
    StoreCoverageSchema,
)
from fieldops.stores import Store, get_visible

blp = Blueprint("Coverage", __name__, url_prefix="/api", description="Support and visit coverage")


@blp.route("/coverage", methods=["GET"])
@requires(Action.VIEW_OVERVIEW)
@blp.arguments(CoverageArgsSchema, location="query")
@blp.response(200, CoveragePageSchema)
def coverage(args: dict[str, Any]) -> dict[str, Any]:
    """Per store over its local dates [from, from + days): real-customer and covered minutes,
    percent and the uncovered windows, the same against posted hours, and visit cadence.

    Sorted worst first by default (`sort=real_percent`); `totals` sum every store listed.
    """
    return services.coverage_page(current_user, utcnow(), args)


@blp.route("/coverage.csv", methods=["GET"])
@requires(Action.VIEW_OVERVIEW)
@blp.arguments(CoverageArgsSchema, location="query")
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


@blp.route("/stores/<int:store_id>/coverage", methods=["GET"])
@requires(Action.READ_RECORDS)
@blp.arguments(CoverageWindowArgsSchema, location="query")
@blp.response(200, StoreCoverageSchema)
def store_coverage(args: dict[str, Any], store_id: int) -> dict[str, Any]:
    """One store over its local dates [from, from + days): the same figures as its row of
    /api/coverage (real and posted minutes, percent, uncovered windows in the store's local
    time, visit cadence). A store the user may not see answers 404."""
    store = get_visible(Store, store_id, current_user)
    return services.store_item(store, utcnow(), args)
