"""The store page (posted and real hours, visits, open issues, observations, the close-out
form) and My store, the manager's start page."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from marshmallow import ValidationError

from fieldops.auth import Action, Role, can, requires
from fieldops.clock import local_date, utcnow
from fieldops.core.forms import form_values, submit
from fieldops.hours import (
    CloseoutSchema,
    closeout_questions,
    hours_chart,
    hours_for,
    record_closeout,
    said,
    todays_closeout,
)
from fieldops.issues import open_issues
from fieldops.observations import recent_observations
from fieldops.pages.contact import contact_card
from fieldops.pages.offline import pages_for_manager
from fieldops.pages.support import support_panel
from fieldops.stores import Store, get_visible, window_on
from fieldops.sync import start_visit_once
from fieldops.visits import VisitStartSchema, VisitStatus, open_visit_at, recent_visits

blp = Blueprint("store_pages", __name__)


def _detail_page(
    store_id: int,
    errors: dict[str, list[str]] | None = None,
    values: dict[str, Any] | None = None,
    questions: list[str] | None = None,
) -> ResponseReturnValue:
    """The store page; with the close-out form's errors (422) when it was refused, or the
    questions it asks before sending one."""
    store = get_visible(Store, store_id, current_user)
    now = utcnow()
    today = local_date(now, store.timezone)
    earlier = todays_closeout(store, now)
    visits = recent_visits(current_user, store.id)
    hours = hours_for(store)
    engineer = can(current_user, Action.START_VISITS)
    page = render_template(
        "stores/detail.html",
        store=store,
        contact=contact_card(store.id, current_user, now),
        hours=hours,
        chart=hours_chart(hours),
        support=support_panel(store, current_user, now, hours),
        today=today,
        upcoming_exceptions=[e for e in store.exceptions if e.date >= today][:10],
        open_issues=open_issues(current_user, store.id),
        offline_pages=(
            pages_for_manager(store.id, current_user) if current_user.role == Role.MANAGER else []
        ),
        planned=[v for v in visits if v.status == VisitStatus.PLANNED][::-1],
        history=[v for v in visits if v.status != VisitStatus.PLANNED],
        observations=recent_observations(current_user, store.id),
        errors=errors or {},
        values=values or {},
        closeout_questions=questions or [],
        closeout_earlier=said(earlier) if earlier else "",
        posted_today=window_on(store, today),
        cutoff=current_app.config["HOURS_BUSINESS_DAY_CUTOFF"],
        open_visit=open_visit_at(store, current_user) if engineer else None,
        start_client_id=uuid.uuid4(),  # a form posted twice (no JavaScript) starts one visit
    )
    return page, 422 if errors else 200


@blp.get("/stores/<int:store_id>")
@requires(Action.READ_RECORDS)
def detail(store_id: int) -> ResponseReturnValue:
    return _detail_page(store_id)


@blp.post("/stores/<int:store_id>/closeout")
@requires(Action.SEND_CLOSEOUT)
def closeout(store_id: int) -> ResponseReturnValue:
    """The manager's "Last customer just left": the store page's form, without JavaScript.

    With JavaScript the same button is queued in the phone's outbox and sent by /api/sync.
    """
    store = get_visible(Store, store_id, current_user)
    values = form_values()
    if values.pop("confirm", None) != "yes":
        try:
            questions = closeout_questions(store, CloseoutSchema().load(values), utcnow())
        except ValidationError:
            questions = []  # the form's own errors, below
        if questions:
            return _detail_page(store.id, values=values, questions=questions)
    result, errors = submit(
        CloseoutSchema(), values, lambda data: record_closeout(store, data, current_user, utcnow())
    )
    if result is None:
        return _detail_page(store.id, errors, values)
    if result.closed:
        flash(f"Close-out sent: closed on {result.business_date:%a %d %b}.")
    else:
        flash(
            f"Close-out sent: the last customer left at {result.last_customer_at:%H:%M} "
            f"on {result.business_date:%a %d %b}."
        )
    return redirect(url_for("store_pages.detail", store_id=store.id) + "#closeout")


@blp.post("/stores/<int:store_id>/start-visit")
@requires(Action.START_VISITS)
def start_visit(store_id: int) -> ResponseReturnValue:
    """ "Start a visit now" without JavaScript: an unplanned visit, checked in at once.

    With JavaScript the same form is queued in the phone's outbox (`visit_start`, with the
    phone's position) and sent by /api/sync.
    """
    store = get_visible(Store, store_id, current_user)
    values = {**form_values(), "store_id": store.id}
    result, errors = submit(
        VisitStartSchema(), values, lambda data: start_visit_once(current_user, data, utcnow())
    )
    if result is None:
        return _detail_page(store.id, errors, values)
    visit, _started = result
    flash(f"Visit started at {store.name}: you are checked in.")
    return redirect(url_for("visit_pages.detail", visit_id=visit.id))


@blp.get("/my-store")
@requires()
def my_store() -> ResponseReturnValue:
    """The manager's start page: their stores, open issues and planned visits."""
    if current_user.role != Role.MANAGER:
        return redirect(url_for("stores.index"))
    stores = current_user.stores
    if len(stores) == 1:
        return redirect(url_for("store_pages.detail", store_id=stores[0].id))
    return render_template("stores/my_store.html", stores=stores)
