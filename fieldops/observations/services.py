"""Rules for observations: who may log them where, and logging each at most once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from blinker import Signal
from flask import current_app
from sqlalchemy.orm import joinedload, selectinload

from fieldops.auth import User
from fieldops.clock import business_date
from fieldops.core.errors import Forbidden, Invalid
from fieldops.core.idempotency import create_once
from fieldops.core.pagination import Page, Sorting, paginate
from fieldops.extensions import db
from fieldops.observations.models import Observation, ObservationCategory
from fieldops.stores import Store, get_visible, visible
from fieldops.visits import Visit, may_name_visit

# Sent with the store when an `hours` observation is recorded, with `day` (its business day)
# and `now`, inside the request's transaction. The app factory connects the hours feature,
# which counts it as evidence of customer presence.
hours_evidence = Signal("hours-observation-recorded")

SORTING = Sorting(
    {"observed_at": Observation.observed_at, "created_at": Observation.created_at},
    "-observed_at",
    Observation.id,
)


def observation_query(
    user: User,
    store_id: int | None = None,
    visit_id: int | None = None,
    category: ObservationCategory | None = None,
) -> sa.Select[Any]:
    stmt = visible(sa.select(Observation), Observation, user).options(
        joinedload(Observation.author), selectinload(Observation.photos)
    )
    if store_id is not None:
        stmt = stmt.where(Observation.store_id == store_id)
    if visit_id is not None:
        stmt = stmt.where(Observation.visit_id == visit_id)
    if category is not None:
        stmt = stmt.where(Observation.category == category)
    return stmt


def observations_page(user: User, args: Mapping[str, Any]) -> Page:
    """One page of the observation list, from its validated arguments."""
    stmt = observation_query(user, args.get("store_id"), args.get("visit_id"), args.get("category"))
    return paginate(stmt, args, SORTING)


def recent_observations(user: User, store_id: int, limit: int = 10) -> list[Observation]:
    """The newest observations at a store that `user` may read."""
    stmt = observation_query(user, store_id=store_id)
    return list(db.session.scalars(stmt.order_by(Observation.observed_at.desc()).limit(limit)))


def visit_observations(user: User, visit_id: int) -> list[Observation]:
    """The observations filed during a visit, in the order they were made."""
    stmt = observation_query(user, visit_id=visit_id).order_by(Observation.observed_at)
    return list(db.session.scalars(stmt))


def check_may_name_visit(user: User, visit: Visit, field: str = "visit_id") -> None:
    """403 unless `user` may add observations, and photos to them, on `visit`: its own
    engineer may, an admin may on any visit, nobody else."""
    if not may_name_visit(user, visit):
        raise Forbidden("Only the visit's engineer (or an admin) may add to this visit.", field)


def visit_to_name(visit_id: int, user: User) -> Visit:
    """The visit an observation by `user` names: 404 if unseen, 403 if not theirs to name."""
    visit = get_visible(Visit, visit_id, user, "visit_id")
    check_may_name_visit(user, visit)
    return visit


def create_observation(
    data: dict[str, Any], author: User, now: datetime
) -> tuple[Observation, bool]:
    """(observation, created). A repeated client_id returns the first one, creating nothing."""

    def build() -> Observation:
        store = get_visible(Store, data["store_id"], author, "store_id")
        visit_id = data.get("visit_id")
        if visit_id is not None:
            visit = visit_to_name(visit_id, author)
            if visit.store_id != store.id:
                raise Invalid("This visit is to another store.", "visit_id")
        observed_at = data.get("observed_at") or now
        if observed_at > now + current_app.config["CLOCK_SKEW_TOLERANCE"]:
            raise Invalid("Cannot be in the future.", "observed_at")
        return Observation(
            store_id=store.id,
            visit_id=visit_id,
            author_id=author.id,
            category=data["category"],
            fields=data["fields"],
            note=data.get("note"),
            observed_at=observed_at,
            created_at=now,
            client_id=data.get("client_id"),
        )

    observation, created = create_once(
        Observation, Observation.author_id, author.id, data.get("client_id"), build
    )
    if created and observation.category == ObservationCategory.HOURS:  # evidence of hours
        store = db.session.get(Store, observation.store_id)
        cutoff = current_app.config["HOURS_BUSINESS_DAY_CUTOFF"]
        day = business_date(observation.observed_at, store.timezone, cutoff)
        hours_evidence.send(store, day=day, now=now)
    return observation, created
