"""The engineer's Today page, and a visit's page with its check-in and check-out forms."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fieldops.auth import Action, User, can, requires, user_zone
from fieldops.clock import local_date, utcnow
from fieldops.core.forms import form_values, submit
from fieldops.core.geo import Point, directions_url, travel_minutes
from fieldops.extensions import db
from fieldops.observations import visit_observations
from fieldops.pages.contact import ContactCard, contact_card
from fieldops.pages.offline import pages_for_visits
from fieldops.stores import Store, get_visible
from fieldops.visits import (
    OFF_SCHEDULE,
    CheckInSchema,
    CheckOutSchema,
    Department,
    Visit,
    VisitStatus,
    off_schedule,
    own_visit,
    upcoming_visits,
    visits_today,
)
from fieldops.visits import check_in as check_in_visit
from fieldops.visits import check_out as check_out_visit

blp = Blueprint("visit_pages", __name__)


@blp.get("/today")
@requires()
def today() -> ResponseReturnValue:
    """The day of whoever is given visits (engineers, and the CIO for his own): today's
    visits, tomorrow's, then the coming week.

    Today's and tomorrow's visits, their stores and the forms used on site are listed for
    the service worker to save on the phone (see fieldops/pages/offline.py).
    """
    if not can(current_user, Action.CHECK_IN_OUT):
        return redirect(url_for("visits.index"))
    now = utcnow()
    visits = visits_today(current_user, now)  # in planned-start order
    # The day is the first visit's store's (the stores of one day share a zone in
    # practice), else the engineer's own zone.
    tz = visits[0].store.timezone if visits else user_zone(current_user)
    tomorrow = visits_today(current_user, now, days_ahead=1)
    shown = {v.id for v in visits} | {v.id for v in tomorrow}
    return render_template(
        "visits/today.html",
        day=local_date(now, tz),
        visits=visits,
        drives=drives_to_next(visits),
        directions=day_directions(visits, current_user),
        contacts=contact_cards(visits, now),
        tomorrow=tomorrow,
        upcoming=[v for v in upcoming_visits(current_user, now) if v.id not in shown],
        offline_pages=pages_for_visits(visits + tomorrow, current_user),
        now=now,
    )


def contact_cards(visits: list[Visit], now: datetime) -> dict[int, ContactCard]:
    """{visit id: its store's contact card}, for the visits not cancelled."""
    by_store: dict[int, ContactCard] = {}
    for visit in visits:
        if visit.status != VisitStatus.CANCELLED and visit.store_id not in by_store:
            by_store[visit.store_id] = contact_card(visit.store_id, current_user, now)
    return {v.id: by_store[v.store_id] for v in visits if v.store_id in by_store}


def _point(latitude: float | None, longitude: float | None) -> Point | None:
    return None if latitude is None or longitude is None else (latitude, longitude)


def _base_of(user: User) -> Point | None:
    """Where the engineer drives from: their base store's position, or their base point."""
    if user.home_store_id is not None:
        store = db.session.get(Store, user.home_store_id)
        return _point(store.latitude, store.longitude) if store else None
    return _point(user.home_latitude, user.home_longitude)


def day_directions(visits: list[Visit], engineer: User) -> str | None:
    """A maps link for the day: the stores of its visits in route (planned) order, a store
    visited twice in a row once, cancelled visits left out; from and back to the
    engineer's base when they have one."""
    stops: list[Point] = []
    last = None
    for visit in visits:
        point = _point(visit.store.latitude, visit.store.longitude)
        if visit.status == VisitStatus.CANCELLED or point is None or visit.store_id == last:
            continue
        stops.append(point)
        last = visit.store_id
    return directions_url(stops, _base_of(engineer))


def drives_to_next(visits: list[Visit]) -> dict[int, tuple[int, Visit]]:
    """{visit id: (minutes, next visit)}: the estimated drive from each visit's store to the
    next visit's, skipping cancelled visits. Left out where the next visit is at the same
    store or either store has no coordinates."""
    config = current_app.config
    kept = [v for v in visits if v.status != VisitStatus.CANCELLED]
    drives: dict[int, tuple[int, Visit]] = {}
    for here, there in zip(kept, kept[1:], strict=False):
        a, b = here.store, there.store
        if a.id == b.id or None in (a.latitude, a.longitude, b.latitude, b.longitude):
            continue
        minutes = travel_minutes(
            (a.latitude, a.longitude),
            (b.latitude, b.longitude),
            road_factor=config["TRAVEL_ROAD_FACTOR"],
            speed_kmh=config["TRAVEL_SPEED_KMH"],
        )
        drives[here.id] = (max(1, round(minutes)), there)
    return drives


def _detail_page(
    visit_id: int,
    errors: dict[str, list[str]] | None = None,
    values: dict[str, Any] | None = None,
    confirm_minutes: int | None = None,
) -> ResponseReturnValue:
    """The visit page; with a form's errors (422), or asking to confirm an off-schedule
    check-in (`confirm_minutes` after the planned start, negative before)."""
    visit = get_visible(Visit, visit_id, current_user)
    observations = visit_observations(current_user, visit.id)
    page = render_template(
        "visits/detail.html",
        visit=visit,
        observations=observations,
        departments=list(Department),
        errors=errors or {},
        values=values or {},
        confirm_minutes=confirm_minutes,
        off_schedule_minutes=int(OFF_SCHEDULE.total_seconds() // 60),
    )
    return page, 422 if errors else 200


@blp.get("/visits/<int:visit_id>")
@requires(Action.READ_RECORDS)
def detail(visit_id: int) -> ResponseReturnValue:
    return _detail_page(visit_id)


def _visit_action(visit_id: int, schema: Any, action: Any, done: str) -> ResponseReturnValue:
    visit = own_visit(visit_id, current_user)
    values = form_values(lists=("departments_met",))
    values.pop("confirm", None)  # the page's own question, not the schema's
    result, errors = submit(
        schema, values, lambda data: action(visit, data, current_user, utcnow())
    )
    if result is not None:
        flash(done)
        return redirect(url_for("visit_pages.detail", visit_id=visit_id))
    return _detail_page(visit_id, errors, values)


@blp.post("/visits/<int:visit_id>/check-in")
@requires(Action.CHECK_IN_OUT)
def check_in(visit_id: int) -> ResponseReturnValue:
    """Check in; one far from the planned start is asked about first (the same question the
    page asks with JavaScript before it queues the check-in)."""
    visit = own_visit(visit_id, current_user)
    now = utcnow()
    if request.form.get("confirm") != "yes" and off_schedule(visit, now):
        minutes = round((now - visit.planned_start).total_seconds() / 60)
        return _detail_page(visit_id, confirm_minutes=minutes)
    return _visit_action(visit_id, CheckInSchema(), check_in_visit, "Checked in.")


@blp.post("/visits/<int:visit_id>/check-out")
@requires(Action.CHECK_IN_OUT)
def check_out(visit_id: int) -> ResponseReturnValue:
    return _visit_action(
        visit_id, CheckOutSchema(), check_out_visit, "Checked out. Visit completed."
    )
