"""Passwords, sign-in and API tokens (sessions: auth/sessions.py)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict
from werkzeug.security import check_password_hash, generate_password_hash

from fieldops.audit import record
from fieldops.auth.models import ApiToken, Role, TokenScope, User, digest
from fieldops.auth.passwords import validate_new_password
from fieldops.auth.sessions import end_all_sessions
from fieldops.core.errors import Invalid, NotFound
from fieldops.core.pagination import Page, Sorting, paginate
from fieldops.core.prepared import Prepared
from fieldops.database import may_write, note_last_use
from fieldops.extensions import db

TOKEN_PREFIX = "fo_"
# A token's last use is written at most this often.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=15)
# Checked against a throw-away hash when the email is unknown, so timing does not tell.
_DUMMY_HASH: dict[str, str] = {}


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


class WrongPassword(Invalid):
    """The current password given to confirm a change is not the user's."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def authenticate(email: str, password: str, now: datetime) -> User | None:
    """The active user with these credentials, or None. Records the sign-in."""
    user = user_by_email(email)
    if user is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _DUMMY_HASH:
            _DUMMY_HASH[method] = hash_password(secrets.token_hex(8))
        check_password_hash(_DUMMY_HASH[method], password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = now
    return user


def user_zone(user: Any) -> str:
    """The zone `user` reads times in: their own, else the DEFAULT_TIMEZONE setting (also for
    nobody signed in)."""
    return getattr(user, "timezone", None) or current_app.config["DEFAULT_TIMEZONE"]


def change_timezone(user: User, name: str | None, now: datetime) -> None:
    """Set the zone the user reads times in (None: the app's default)."""
    user.timezone = name
    user.updated_at = now
    record(user, "user.updated", "user", user.id, now=now, fields=["timezone"])


def change_password(user: User, current: str, new: str, now: datetime) -> None:
    """Set a new password; every other session and remember cookie of the user ends."""
    if not check_password_hash(user.password_hash, current):
        raise WrongPassword("The current password is not correct.", "current_password")
    validate_new_password(new, "new_password")
    user.password_hash = hash_password(new)
    end_all_sessions(user, now)
    record(user, "auth.password_changed", "user", user.id, now=now)


def create_token(
    owner: User,
    name: str,
    created_by: User,
    now: datetime,
    scope: TokenScope = TokenScope.FULL,
) -> tuple[ApiToken, str]:
    """A new API token for `owner`; the plain token is returned once and never stored."""
    if not owner.active:
        raise Invalid("The user is deactivated.", "user_id")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=owner,
        name=name,
        token_hash=digest(plain),
        prefix=plain[:10],
        scope=scope,
        created_by=created_by,
        created_at=now,
    )
    db.session.add(token)
    db.session.flush()
    record(
        created_by,
        "token.created",
        "api_token",
        token.id,
        now=now,
        user_id=owner.id,
        name=name,
        scope=scope,
    )
    return token, plain


TOKEN_SORTING = Sorting(
    {"created_at": ApiToken.created_at, "name": ApiToken.name}, "-created_at", ApiToken.id
)


def tokens_page(args: Mapping[str, Any]) -> Page:
    """One page of the API tokens; `active` keeps the live (True) or the revoked (False)."""
    stmt = sa.select(ApiToken)
    if args.get("active") is True:
        stmt = stmt.where(ApiToken.revoked_at.is_(None))
    elif args.get("active") is False:
        stmt = stmt.where(ApiToken.revoked_at.is_not(None))
    return paginate(stmt, args, TOKEN_SORTING)


def all_tokens() -> list[ApiToken]:
    """Every API token, live ones first, newest first."""
    return list(
        db.session.scalars(
            sa.select(ApiToken).order_by(
                ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc()
            )
        )
    )


def revoke_token(token_id: int, actor: User, now: datetime) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"No API token with id {token_id}.")
    if token.revoked_at is None:
        token.revoked_at = now
        record(actor, "token.revoked", "api_token", token.id, now=now)
    return token


def revoke_user_tokens(user: User, actor: User, now: datetime) -> None:
    """Revoke every live token of `user` for good (a reactivated user gets none back)."""
    tokens = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        revoke_token(token.id, actor, now)


@dataclass(frozen=True)
class TokenGrant:
    """Who a valid token acts as, and what it may do."""

    user: User
    scope: TokenScope


TOKEN_COLUMNS = (
    ApiToken.id,
    ApiToken.user_id,
    ApiToken.scope,
    ApiToken.revoked_at,
    ApiToken.last_used_at,
)


class TokenRow(NamedTuple):
    """A token's columns, as TOKEN_COLUMNS reads them."""

    id: int
    user_id: int
    scope: TokenScope
    revoked_at: datetime | None
    last_used_at: datetime | None


# Made once: a statement built anew on every request costs its building and its cache key
# (SQLAlchemy remembers a statement's key on the statement), ~100 µs a request.
_BY_HASH = ApiToken.token_hash == sa.bindparam("token_hash")
TOKEN_BY_HASH = sa.select(*TOKEN_COLUMNS).where(_BY_HASH)
_USERS = User.__table__
_USER_MAPPER = sa.inspect(User)
# The attribute each column of a user is read as, in the table's order.
_USER_KEYS = tuple(_USER_MAPPER.get_property_by_column(c).key for c in _USERS.c)
_USER_ID_AT = _USER_KEYS.index("id")
# The token's columns, then its owner's (labelled: both have an `id`); every read with a
# token runs it, so it goes straight to the driver (fieldops/core/prepared.py).
TOKEN_AND_OWNER_BY_HASH = Prepared(
    sa.select(*TOKEN_COLUMNS, *(c.label(f"owner_{c.name}") for c in _USERS.c))
    .join_from(ApiToken, _USERS, ApiToken.user_id == _USERS.c.id)
    .where(_BY_HASH)
)


def _as_loaded(values: Sequence[Any]) -> User:
    """The user whose columns `values` are, as the session would have loaded it.

    Reading the row without the ORM and making it a persistent User of the session (as a
    query would, with nothing to flush) costs about half of the ORM's loading, paid by
    every request made with a token. A user the session already holds is that one.
    """
    key = _USER_MAPPER.identity_key_from_primary_key([values[_USER_ID_AT]])
    held = db.session.identity_map.get(key)
    if held is not None:
        return held  # type: ignore[no-any-return]
    user = _USER_MAPPER.class_manager.new_instance()  # no __init__: no attribute events
    instance_dict(user).update(zip(_USER_KEYS, values, strict=True))
    make_transient_to_detached(user)
    db.session.add(user)
    return user


def user_for_token(plain: str, now: datetime) -> TokenGrant | None:
    """The active owner of an unrevoked token and its scope, noting the use (at most every
    15 minutes, `note_last_use`, on a connection of its own).

    A request that may write reads the token on that connection first, before its session
    begins (on SQLite a writer's session takes the write lock at its first query, which the
    note would then wait for). A read takes the token and its owner in one query of its
    session, and notes the use, when due, beside it (SQLite's WAL lets one connection write
    while another reads).
    """
    by_hash = {"token_hash": digest(plain)}
    if may_write():
        with db.engine.connect() as conn:
            token = conn.execute(TOKEN_BY_HASH, by_hash).first()
            conn.rollback()
            if token is None or token.revoked_at is not None:
                return None
            if _use_to_note(token, now):
                note_last_use(conn, ApiToken.last_used_at, token.id, now, TOKEN_TOUCH_INTERVAL)
        user = db.session.get(User, token.user_id)
    else:
        row = TOKEN_AND_OWNER_BY_HASH.first(by_hash)
        if row is None:
            return None
        token = TokenRow(*row[: len(TOKEN_COLUMNS)])
        if token.revoked_at is not None:
            return None
        user = _as_loaded(row[len(TOKEN_COLUMNS) :])
        if _use_to_note(token, now):
            with db.engine.connect() as conn:
                note_last_use(conn, ApiToken.last_used_at, token.id, now, TOKEN_TOUCH_INTERVAL)
    return TokenGrant(user, token.scope) if user is not None and user.active else None


def _use_to_note(token: sa.Row[Any] | TokenRow, now: datetime) -> bool:
    return token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_INTERVAL


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


def users_with_role(role: Role) -> list[User]:
    """The active users of `role`, by name (whom a form may pick)."""
    stmt = sa.select(User).where(User.role == role, User.active.is_(True)).order_by(User.name)
    return list(db.session.scalars(stmt))


def active_users() -> list[User]:
    """Every active account, by name (who an API token may act as)."""
    return list(
        db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.name))
    )


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}.")
    return user
