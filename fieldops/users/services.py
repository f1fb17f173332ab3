"""Rules for user accounts: creating, changing and deactivating them (admin work)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from fieldops.audit import record
from fieldops.auth import (
    PLANNED_ROLES,
    Role,
    User,
    WorkDay,
    end_all_sessions,
    hash_password,
    normalize_email,
    revoke_user_tokens,
    validate_new_password,
)
from fieldops.core.errors import Invalid
from fieldops.core.idempotency import unique_key
from fieldops.core.pagination import Page, Sorting, paginate
from fieldops.extensions import db
from fieldops.stores import Store

# The working-pattern keys of a loaded user payload (auth.UserSchema), with their names in
# the payload.
PATTERN_KEYS = {
    "home": "home",
    "working_hours": "working_hours",
    "covered_regions": "regions",
    "visits_a_day": "max_visits_per_day",
    "days_off": "days_off",
    "trips": "trips",
}

SORTING = Sorting(
    {"name": User.name, "email": User.email, "role": User.role, "created_at": User.created_at},
    "name",
    User.id,
)


def user_query(
    role: Role | None = None, q: str | None = None, active: bool | None = None
) -> sa.Select[Any]:
    stmt = sa.select(User)
    if role is not None:
        stmt = stmt.where(User.role == role)
    if active is not None:
        stmt = stmt.where(User.active == active)
    if q:
        pattern = f"%{q.strip().lower()}%"
        stmt = stmt.where(sa.or_(sa.func.lower(User.name).like(pattern), User.email.like(pattern)))
    return stmt


def users_page(args: Mapping[str, Any]) -> Page:
    """One page of the account list, from its validated arguments (the API's and the page's)."""
    return paginate(user_query(args.get("role"), args.get("q"), args.get("active")), args, SORTING)


def _stores(ids: list[int]) -> list[Store]:
    stores = list(db.session.scalars(sa.select(Store).where(Store.id.in_(ids))))
    missing = sorted(set(ids) - {s.id for s in stores})
    if missing:
        raise Invalid(f"No store with id {', '.join(map(str, missing))}.", "store_ids")
    return stores


def _check_manager_runs_a_store(role: Role, store_ids: list[int]) -> None:
    """A manager sees only their stores: one with none would see an empty app."""
    if role == Role.MANAGER and not store_ids:
        raise Invalid("A store manager runs at least one store: choose it.", "store_ids")


def _check_email_free(email: str, user_id: int | None) -> None:
    clash = db.session.scalar(sa.select(User.id).where(User.email == email, User.id != user_id))
    if clash is not None:
        raise Invalid(f"{email} already has an account.", "email")


def _base(place: Mapping[str, Any], field: str) -> tuple[float | None, float | None, int | None]:
    """(latitude, longitude, store id) of a base, the store checked."""
    if "store_id" in place:
        store = db.session.get(Store, place["store_id"])
        if store is None:
            raise Invalid(f"No store with id {place['store_id']}.", f"{field}.store_id")
        return None, None, store.id
    return place["latitude"], place["longitude"], None


def _regions(names: list[str]) -> list[str]:
    known = set(db.session.scalars(sa.select(Store.region).distinct()))
    unknown = sorted(set(names) - known)
    if unknown:
        raise Invalid(f"No store is in region {', '.join(unknown)}.", "regions")
    return sorted(set(names))


def _set_pattern(user: User, pattern: dict[str, Any]) -> None:
    """Apply the working-pattern fields of a create or change (engineers and the CIO)."""
    if not pattern:
        return
    if user.role not in PLANNED_ROLES:
        field = PATTERN_KEYS[next(iter(pattern))]
        raise Invalid("Only engineers and the CIO have a working pattern.", field)
    if "home" in pattern:
        home = pattern["home"]
        user.home_latitude, user.home_longitude, user.home_store_id = (
            _base(home, "home") if home is not None else (None, None, None)
        )
    if "working_hours" in pattern:
        hours = pattern["working_hours"]
        user.work_weekdays = sorted(hours["weekdays"])
        user.work_start, user.work_end = hours["start"], hours["end"]
    if "covered_regions" in pattern:
        user.regions = _regions(pattern["covered_regions"])
    if "visits_a_day" in pattern:
        user.max_visits_per_day = pattern["visits_a_day"]
    off = pattern.get("days_off", user.days_off)
    trips = [
        WorkDay(day=t["day"], off=False, note=t.get("note"), **_trip_base(t, i))
        for i, t in enumerate(pattern["trips"])
    ] if "trips" in pattern else None  # fmt: skip
    if "days_off" in pattern or trips is not None:
        kept = trips if trips is not None else [d for d in user.days if not d.off]
        _check_days(sorted(set(off)), kept)
        if user.id is not None:  # the old rows go first: the same day may come back
            user.days = [d for d in user.days if d in kept]
            db.session.flush()
        user.days = [WorkDay(day=day, off=True) for day in sorted(set(off))] + kept


def _trip_base(trip: Mapping[str, Any], index: int) -> dict[str, Any]:
    latitude, longitude, store_id = _base(trip["base"], f"trips.{index}.base")
    return {"base_latitude": latitude, "base_longitude": longitude, "base_store_id": store_id}


def _check_days(off: list[date], trips: list[WorkDay]) -> None:
    seen = set(off)
    for index, trip in enumerate(trips):
        if trip.day in seen:
            raise Invalid(
                f"{trip.day} is already a day off or another trip.", f"trips.{index}.date"
            )
        seen.add(trip.day)


def create_user(data: dict[str, Any], actor: User | None, now: datetime) -> User:
    email = normalize_email(data["email"])
    _check_email_free(email, None)
    validate_new_password(data["password"])
    user = User(
        email=email,
        name=data["name"],
        role=data["role"],
        phone=data.get("phone"),
        timezone=data.get("timezone"),
        active=data.get("active", True),
        password_hash=hash_password(data["password"]),
        created_at=now,
        updated_at=now,
    )
    _check_manager_runs_a_store(data["role"], data.get("store_ids") or [])
    _set_pattern(user, {k: data[k] for k in PATTERN_KEYS if k in data})
    with unique_key("email", f"{email} already has an account."):
        db.session.add(user)
        if data.get("store_ids"):
            user.stores = _stores(data["store_ids"])
    record(actor, "user.created", "user", user.id, now=now, email=email, role=user.role)
    return user


def update_user(user: User, data: dict[str, Any], actor: User, now: datetime) -> User:
    changes = dict(data)
    if "email" in changes:
        changes["email"] = normalize_email(changes["email"])
        _check_email_free(changes["email"], user.id)
    if user.id == actor.id and (
        changes.get("active") is False or changes.get("role", user.role) != user.role
    ):
        raise Invalid("You cannot deactivate yourself or change your own role.", "role")
    new_password = changes.pop("password", None)
    if new_password is not None:
        validate_new_password(new_password)
        user.password_hash = hash_password(new_password)
    _check_manager_runs_a_store(
        changes.get("role", user.role), changes.get("store_ids", user.store_ids)
    )
    if "store_ids" in changes:
        user.stores = _stores(changes.pop("store_ids"))
    if "role" in changes:
        user.role = changes.pop("role")
    _set_pattern(user, {k: changes.pop(k) for k in PATTERN_KEYS if k in changes})
    deactivated = changes.get("active") is False and user.active
    if deactivated:
        revoke_user_tokens(user, actor, now)
    if new_password is not None or deactivated:
        end_all_sessions(user, now)
    for key, value in changes.items():
        setattr(user, key, value)
    user.updated_at = now
    db.session.flush()
    shown = {"password_hash": "password", **PATTERN_KEYS}
    fields = sorted(shown.get(k, k) for k in data)
    record(actor, "user.updated", "user", user.id, now=now, fields=fields)
    return user


def deactivate_user(user: User, actor: User, now: datetime) -> User:
    return update_user(user, {"active": False}, actor, now)
