"""The CIO dashboard page (/overview): support and visit coverage from the nightly
snapshots, alerts, issues; its figures come from fieldops.dashboard."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fieldops.auth import Action, requires
from fieldops.clock import utcnow
from fieldops.dashboard import overview
from fieldops.stores import regions

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
    )
