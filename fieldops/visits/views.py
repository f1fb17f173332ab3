"""HTML pages of the visits feature: the visit list and the admin's planning pages (Today and
a visit's page show several features: fieldops/pages/visits.py)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fieldops.auth import PLANNED_ROLES, Action, User, requires, users_with_role
from fieldops.clock import to_utc, utcnow, zone
from fieldops.core.fields import within_range
from fieldops.core.forms import form_values, submit
from fieldops.core.input_checks import db_int
from fieldops.core.pagination import list_args
from fieldops.extensions import db
from fieldops.stores import Store, get_visible, stores_to_pick
from fieldops.visits import queries, services
from fieldops.visits.models import Visit, VisitStatus
from fieldops.visits.schemas import (
    CancelSchema,
    VisitCreateSchema,
    VisitListArgsSchema,
    VisitUpdateSchema,
)

blp = Blueprint("visits", __name__)


def assignees() -> list[User]:
    """Whom a visit may be assigned to: the active engineers, then the CIO."""
    return [user for role in PLANNED_ROLES for user in users_with_role(role)]


@blp.get("/visits")
@requires(Action.READ_RECORDS)
def index() -> ResponseReturnValue:
    """All visits, filtered: for admins (planning) and the CIO."""
    args, errors = list_args(VisitListArgsSchema())
    if not {"date", "date_from", "date_to"} & set(args):  # by default: what is coming
        args["date_from"] = utcnow().date() - timedelta(days=1)
        args["sort"] = args.get("sort") or "planned_start"
    page = queries.visits_page(current_user, args)
    return render_template(
        "visits/index.html",
        page=page,
        args=args,
        errors=errors,
        engineers=assignees(),
        statuses=list(VisitStatus),
    ), 422 if errors else 200


def planning_values(store: Store | None) -> dict[str, Any]:
    """The plan form's store-local date and times as aware instants for the schema."""
    values = form_values()
    day, start, end = values.pop("day", None), values.pop("start", None), values.pop("end", None)
    if store is not None and day and start:
        try:
            local_day = datetime.strptime(day, "%Y-%m-%d").date()
            if not within_range(local_day):  # to_utc could overflow; the schema names the range
                values["planned_start"] = datetime.combine(local_day, time(), UTC).isoformat()
                return values
            values["planned_start"] = to_utc(
                local_day, datetime.strptime(start, "%H:%M").time(), store.timezone
            ).isoformat()
            if end:
                values["planned_end"] = to_utc(
                    local_day, datetime.strptime(end, "%H:%M").time(), store.timezone
                ).isoformat()
        except ValueError:
            values["planned_start"] = "invalid"
    return values


def _plan_form(visit: Visit | None) -> ResponseReturnValue:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        store_id = request.form.get("store_id", type=db_int)
        store = visit.store if visit else (db.session.get(Store, store_id) if store_id else None)
        values = planning_values(store)
        if visit is None:
            result, errors = submit(
                VisitCreateSchema(),
                values,
                lambda d: services.plan_visit(d, current_user, utcnow()),
            )
        else:
            values.pop("store_id", None)
            result, errors = submit(
                VisitUpdateSchema(),
                values,
                lambda d: services.update_visit(visit, d, current_user, utcnow()),
            )
        if result is not None:
            flash("Visit saved.")
            return redirect(url_for("visit_pages.detail", visit_id=result.id))
        if "planned_start" in errors:  # the form asks for a local day and time instead
            errors["day"] = errors.pop("planned_start")
    stores = stores_to_pick(current_user)
    local = visit.planned_start.astimezone(zone(visit.store.timezone)) if visit else None
    local_end = visit.planned_end.astimezone(zone(visit.store.timezone)) if visit else None
    return render_template(
        "visits/plan.html",
        visit=visit,
        stores=stores,
        engineers=assignees(),
        errors=errors,
        form=request.form if request.method == "POST" else None,
        defaults={
            "store_id": request.args.get("store_id", ""),
            "day": local.date().isoformat() if local else "",
            "start": local.strftime("%H:%M") if local else "10:00",
            "end": local_end.strftime("%H:%M") if local_end else "12:00",
        },
    ), 422 if errors else 200


@blp.route("/visits/new", methods=["GET", "POST"])
@requires(Action.PLAN_VISITS)
def plan() -> ResponseReturnValue:
    return _plan_form(None)


@blp.route("/visits/<int:visit_id>/edit", methods=["GET", "POST"])
@requires(Action.PLAN_VISITS)
def edit(visit_id: int) -> ResponseReturnValue:
    return _plan_form(get_visible(Visit, visit_id, current_user))


@blp.post("/visits/<int:visit_id>/cancel")
@requires(Action.PLAN_VISITS)
def cancel(visit_id: int) -> ResponseReturnValue:
    visit = get_visible(Visit, visit_id, current_user)
    _result, errors = submit(
        CancelSchema(),
        form_values(),
        lambda d: services.cancel_visit(
            visit, d.get("reason"), d.get("version"), current_user, utcnow()
        ),
    )
    flash(
        "Visit cancelled." if not errors else " ".join(sum(errors.values(), [])),
        "error" if errors else "message",
    )
    return redirect(url_for("visit_pages.detail", visit_id=visit_id))
