"""Rules for user accounts: creating, changing and deactivating them (admin work)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from fieldops.audit import record
from fieldops.auth import (
    Role,
    User,
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
    deactivated = changes.get("active") is False and user.active
    if deactivated:
        revoke_user_tokens(user, actor, now)
    if new_password is not None or deactivated:
        end_all_sessions(user, now)
    for key, value in changes.items():
        setattr(user, key, value)
    user.updated_at = now
    db.session.flush()
    fields = sorted(k if k != "password_hash" else "password" for k in data)
    record(actor, "user.updated", "user", user.id, now=now, fields=fields)
    return user


def deactivate_user(user: User, actor: User, now: datetime) -> User:
    return update_user(user, {"active": False}, actor, now)
