"""Rules for visits: planning, assigning, checking in and out, cancelling."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from blinker import Signal
from flask import current_app

from fieldops.audit import record
from fieldops.auth import PLANNED_ROLES, Action, Role, User, can
from fieldops.clock import local_date
from fieldops.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from fieldops.core.geo import distance_m
from fieldops.extensions import db
from fieldops.notifications import visit_changed, visit_planned
from fieldops.stores import Store, get_visible
from fieldops.visits.missed import on_its_day
from fieldops.visits.models import Visit, VisitStatus

# Sent with the visit, `store_ids` (its store's) and `now` once its completion is flushed,
# inside the request's transaction: a completed visit is the only change to a store's
# visit cadence. The app factory connects the refresh of the store's coverage snapshot.
visit_completed = Signal("visit-completed")
DEFAULT_LENGTH = timedelta(hours=2)
# A start further back than this is most likely a slip (the wrong day or year): planning one
# asks for `past: true`, the planner's word that the visit already happened.
PAST_GRACE = timedelta(hours=1)
# A check-in this far from the planned start is marked off schedule (the page asks first).
OFF_SCHEDULE = timedelta(minutes=120)


def _engineer(engineer_id: int) -> User:
    """Who a visit is assigned to: an active engineer, or the CIO (his own visits count only
    toward the stores' leadership cadence, fieldops/coverage/cadence.py)."""
    engineer = db.session.get(User, engineer_id)
    if engineer is None:
        raise NotFound(f"No user with id {engineer_id}.", "engineer_id")
    if engineer.role not in PLANNED_ROLES or not engineer.active:
        raise Invalid("Visits are assigned to active engineers or the CIO only.", "engineer_id")
    return engineer


def _check_version(visit: Visit, version: int | None) -> None:
    if version is not None and version != visit.version:
        raise Conflict(
            f"The visit changed since you read it (version {version}, now {visit.version}).",
            visit,
            "version",
        )


def _require_status(visit: Visit, *allowed: VisitStatus, doing: str) -> None:
    if visit.status not in allowed:
        raise Conflict(f"Cannot {doing} a visit that is {visit.status.value}.", visit, "status")


def _not_future(at: datetime, now: datetime) -> None:
    if at > now + current_app.config["CLOCK_SKEW_TOLERANCE"]:
        raise Invalid("Cannot be in the future.", "at")


def _check_start(start: datetime, now: datetime, past: bool | None) -> None:
    if start < now - PAST_GRACE and not past:
        raise Invalid(
            "This start is more than an hour ago. If the visit already happened, mark it as past.",
            "planned_start",
        )


def plan_visit(data: dict[str, Any], actor: User, now: datetime) -> Visit:
    store = get_visible(Store, data["store_id"], actor, "store_id")
    engineer = _engineer(data["engineer_id"])
    start = data["planned_start"]
    _check_start(start, now, data.get("past"))
    visit = Visit(
        store=store,
        engineer=engineer,
        planned_start=start,
        planned_end=data.get("planned_end") or start + DEFAULT_LENGTH,
        local_date=local_date(start, store.timezone),
        purpose=data.get("purpose"),
        status=VisitStatus.PLANNED,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    db.session.add(visit)
    db.session.flush()
    record(
        actor,
        "visit.planned",
        "visit",
        visit.id,
        now=now,
        store_id=store.id,
        engineer_id=engineer.id,
    )
    visit_planned(visit, store.name, store.timezone, actor)
    return visit


def update_visit(visit: Visit, data: dict[str, Any], actor: User, now: datetime) -> Visit:
    """Reschedule or reassign a planned visit."""
    _check_version(visit, data.get("version"))
    _require_status(visit, VisitStatus.PLANNED, doing="change")
    # Read before any change: a lazy load after one would autoflush it on its own and bump
    # the version twice for one update.
    tz_name = visit.store.timezone
    engineer_before = visit.engineer_id
    if "engineer_id" in data:
        visit.engineer = _engineer(data["engineer_id"])
    start = data.get("planned_start", visit.planned_start)
    if "planned_start" in data:
        _check_start(start, now, data.get("past"))
    end = data.get("planned_end", visit.planned_end)
    if "planned_start" in data and "planned_end" not in data:
        end = start + (visit.planned_end - visit.planned_start)
    if end <= start:
        raise Invalid("Must be after planned_start.", "planned_end")
    visit.planned_start, visit.planned_end = start, end
    visit.local_date = local_date(start, tz_name)
    if "purpose" in data:
        visit.purpose = data["purpose"]
    visit.updated_at = now
    db.session.flush()
    record(
        actor,
        "visit.updated",
        "visit",
        visit.id,
        now=now,
        fields=sorted(k for k in data if k not in ("version", "past")),
    )
    _tell_of_change(visit, engineer_before, actor)
    return visit


def _tell_of_change(visit: Visit, engineer_before: int, actor: User) -> None:
    """A reassigned visit is planned for its new engineer and taken from the one before;
    otherwise its engineer hears it was changed."""
    store = visit.store
    if visit.engineer_id != engineer_before:
        visit_planned(visit, store.name, store.timezone, actor)
        what = "moved to another engineer"
        visit_changed(visit, store.name, store.timezone, actor, what, engineer_before)
    else:
        visit_changed(visit, store.name, store.timezone, actor, "changed", visit.engineer_id)


def cancel_visit(
    visit: Visit, reason: str | None, version: int | None, actor: User, now: datetime
) -> Visit:
    _check_version(visit, version)
    _require_status(visit, VisitStatus.PLANNED, doing="cancel")
    visit.status = VisitStatus.CANCELLED
    visit.cancel_reason = reason
    visit.updated_at = now
    db.session.flush()
    record(actor, "visit.cancelled", "visit", visit.id, now=now, reason=reason)
    store = visit.store
    visit_changed(visit, store.name, store.timezone, actor, "cancelled", visit.engineer_id)
    return visit


def off_schedule(visit: Visit, at: datetime) -> bool:
    """Whether checking in to `visit` at `at` is more than OFF_SCHEDULE from its planned start."""
    return abs(at - visit.planned_start) > OFF_SCHEDULE


def check_in(visit: Visit, data: dict[str, Any], engineer: User, now: datetime) -> Visit:
    """Start the visit; the position, when the phone gives one, is checked against the store's."""
    _check_version(visit, data.get("version"))
    at = data.get("at") or now
    if not (visit.status == VisitStatus.MISSED and on_its_day(visit, at)):
        # a check-in queued offline on the day still counts on a visit marked missed since
        _require_status(visit, VisitStatus.PLANNED, doing="check in to")
    _not_future(at, now)
    store = visit.store  # loaded before any change (see update_visit)
    _arrive(visit, store, at, data)
    visit.off_schedule = off_schedule(visit, at)
    visit.updated_at = now
    db.session.flush()
    return visit


def _arrive(visit: Visit, store: Store, at: datetime, data: Mapping[str, Any]) -> None:
    """Check `visit` in at `at`, from the position the phone gave (if any): its distance to
    the store, and whether that is further than the radius plus the fix's accuracy."""
    visit.status = VisitStatus.CHECKED_IN
    visit.checked_in_at = at
    lat, lon, accuracy = data.get("latitude"), data.get("longitude"), data.get("accuracy_m")
    visit.check_in_latitude, visit.check_in_longitude = lat, lon
    visit.check_in_accuracy_m = accuracy
    if (
        lat is not None
        and lon is not None
        and store.latitude is not None
        and store.longitude is not None
    ):
        visit.distance_m = round(distance_m(lat, lon, store.latitude, store.longitude), 1)
        radius = current_app.config["CHECK_IN_RADIUS_M"] + (accuracy or 0)
        visit.far_from_store = visit.distance_m > radius


class StillCheckedIn(DomainError):
    """409: the engineer is still checked in at the store. Not a `Conflict`: there is no
    newer version to apply the start on top of, so the outbox shows it as refused (send it
    again after checking out, or discard it)."""

    status = 409


def open_visit_at(store: Store, engineer: User) -> Visit | None:
    """The engineer's visit at `store` checked in and not yet checked out, if any."""
    return db.session.scalar(
        sa.select(Visit)
        .where(
            Visit.store_id == store.id,
            Visit.engineer_id == engineer.id,
            Visit.status == VisitStatus.CHECKED_IN,
        )
        .order_by(Visit.checked_in_at.desc())
        .limit(1)
    )


def start_visit(data: Mapping[str, Any], engineer: User, now: datetime) -> Visit:
    """An unplanned visit: planned and checked in at once, where the engineer already is.

    The check-in's rules hold (no future `at`, the position against the store's). Its
    window is `at` plus the default length, its local day the store's. Refused (409) while
    the engineer is still checked in at the same store: that is a second tap or a
    forgotten check-out, and one person is on one visit at a store at a time.
    An open visit at another store does not stop it: a forgotten check-out elsewhere must
    not keep the engineer from recording the work in front of them.
    """
    store = get_visible(Store, data["store_id"], engineer, "store_id")
    if not store.active:
        raise Invalid("This store is no longer active; visits cannot start there.", "store_id")
    at = data.get("at") or now
    _not_future(at, now)
    still_open = open_visit_at(store, engineer)
    if still_open is not None:
        raise StillCheckedIn(
            f"You are already checked in at this store (visit {still_open.id}): "
            "check out of that visit first.",
            "store_id",
        )
    visit = Visit(
        store=store,
        engineer=engineer,
        planned_start=at,
        planned_end=at + DEFAULT_LENGTH,
        local_date=local_date(at, store.timezone),
        unplanned=True,
        created_by=engineer,
        created_at=now,
        updated_at=now,
    )
    _arrive(visit, store, at, data)
    db.session.add(visit)
    db.session.flush()
    record(engineer, "visit.started", "visit", visit.id, now=now, store_id=store.id)
    return visit


def check_out(visit: Visit, data: dict[str, Any], engineer: User, now: datetime) -> Visit:
    _check_version(visit, data.get("version"))
    _require_status(visit, VisitStatus.CHECKED_IN, doing="check out of")
    at = data.get("at") or now
    _not_future(at, now)
    if visit.checked_in_at is not None and at < visit.checked_in_at:
        raise Invalid("Cannot be before the check-in.", "at")
    visit.status = VisitStatus.COMPLETED
    visit.checked_out_at = at
    visit.summary = data["summary"]
    # each department once, in the order given
    visit.departments_met = list(dict.fromkeys(d.value for d in data.get("departments_met", [])))
    visit.updated_at = now
    db.session.flush()
    visit_completed.send(visit, store_ids={visit.store_id}, now=now)
    return visit


def own_visit(visit_id: int, engineer: User, *, for_update: bool = False) -> Visit:
    """The visit if it is assigned to `engineer` (403 otherwise, 404 if unknown): an engineer
    or the CIO acts on their own visits only."""
    visit = get_visible(Visit, visit_id, engineer, for_update=for_update)
    if visit.engineer_id != engineer.id:
        raise Forbidden("This visit is assigned to another engineer.")
    return visit


def follow_store_zone(store: Store) -> None:
    """A store that changes zone changes the local day of its visits (connected to
    `stores.services.zone_changed` by the app factory)."""
    for visit in db.session.scalars(sa.select(Visit).where(Visit.store_id == store.id)):
        visit.local_date = local_date(visit.planned_start, store.timezone)


def may_name_visit(user: User | Any, visit: Visit) -> bool:
    """Whether `user` may file observations (and their photos) naming `visit`: the visit's
    own engineer, or an admin on any visit; never a manager or the CIO."""
    if not can(user, Action.CREATE_RECORDS):
        return False
    return user.role == Role.ADMIN or (user.role == Role.ENGINEER and visit.engineer_id == user.id)


def sees_check_in_position(user: User | Any, visit: Visit) -> bool:
    """Whether `user` may see where `visit` was checked in from (position, accuracy, distance
    to the store): the visit's engineer, admins and the CIO. Other engineers and managers see
    the visit without it."""
    if not can(user, Action.READ_RECORDS):
        return False
    return user.role in (Role.ADMIN, Role.CIO) or visit.engineer_id == user.id
