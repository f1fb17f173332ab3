"""The CIO overview page: first figures on visit coverage, issues and the week's visits."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from fieldops.auth.policy import Action, require
from fieldops.clock import utcnow
from fieldops.hours.services import largest_drifts
from fieldops.overview import services
from fieldops.stores.services import regions

blp = Blueprint("overview", __name__)


@blp.get("/overview")
@login_required
def index() -> ResponseReturnValue:
    require(Action.VIEW_OVERVIEW)
    now = utcnow()
    region = request.args.get("region") or None
    coverage = services.visit_coverage(now, region)
    overdue = sorted((c for c in coverage if c.missing), key=lambda c: (-c.missing, c.store.name))
    return render_template(
        "overview/index.html",
        region=region,
        regions=regions(),
        stores=len(coverage),
        meeting=len(coverage) - len(overdue),
        overdue=overdue,
        issues=services.open_issue_counts(),
        visits=services.visit_counts(now),
        drifts=largest_drifts(current_user, limit=10, region=region),
    )
