"""Signed-in sessions as database rows: starting, loading, listing and ending them.

The session cookie and the remember cookie carry a random secret; `user_sessions` keeps
its SHA-256. A session ends on sign-out, on "sign out everywhere", on a password change,
when its user is deactivated, or when it expires (14 days after sign-in, 30 when
remembered); from then on every copy of its cookies is refused.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from fieldops.auth.models import User, UserSession, digest
from fieldops.core.errors import NotFound
from fieldops.core.pagination import Page, Sorting, paginate_list
from fieldops.database import note_last_use
from fieldops.extensions import db

# `last_seen_at` is written at most this often, so most requests write nothing.
SESSION_TOUCH_INTERVAL = timedelta(minutes=15)

# (mark in the User-Agent, name), first match wins: Edge and Samsung say "Chrome" too,
# Chrome says "Safari", Android says "Linux" and an iPhone says "Mac OS X".
_BROWSERS = (
    ("Edg", "Edge"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str) -> str:
    """A short name for the device, such as "Chrome on Android", for the account page."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or user_agent.split(" ")[0][:40] or "Unknown device"


def start_session(user: User, remembered: bool, device: str, now: datetime) -> str:
    """A new session of `user`; returns the secret its cookies carry (never stored).

    The user's ended and expired sessions are deleted on the way, so the table holds
    little more than the live ones.
    """
    db.session.execute(
        sa.delete(UserSession).where(
            UserSession.user_id == user.id,
            sa.or_(UserSession.ended_at.is_not(None), UserSession.expires_at <= now),
        )
    )
    config = current_app.config
    lifetime = config["REMEMBER_COOKIE_DURATION" if remembered else "PERMANENT_SESSION_LIFETIME"]
    secret = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user.id,
            secret_hash=digest(secret),
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
            remembered=remembered,
            device=device[:80],
        )
    )
    db.session.flush()
    return secret


@dataclass(frozen=True)
class LiveSession:
    """The session a request was made in."""

    id: int
    user: User
    remembered: bool


def load_session(secret: str, now: datetime) -> LiveSession | None:
    """The live session whose cookies carry `secret`, if its user is active.

    Like a token, the row is read on a connection of its own before the request's
    session does anything, and `last_seen_at` is written there at most every 15 minutes.
    """
    with db.engine.connect() as conn:
        row = conn.execute(
            sa.select(
                UserSession.id,
                UserSession.user_id,
                UserSession.remembered,
                UserSession.last_seen_at,
                UserSession.expires_at,
                UserSession.ended_at,
            ).where(UserSession.secret_hash == digest(secret))
        ).first()
        conn.rollback()
        if row is None or row.ended_at is not None or row.expires_at <= now:
            return None
        if now - row.last_seen_at > SESSION_TOUCH_INTERVAL:
            note_last_use(conn, UserSession.last_seen_at, row.id, now, SESSION_TOUCH_INTERVAL)
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return LiveSession(row.id, user, row.remembered)


def live_sessions(user: User, now: datetime) -> list[UserSession]:
    """The user's sessions that have not ended or expired, the latest seen first."""
    return list(
        db.session.scalars(
            sa.select(UserSession)
            .where(
                UserSession.user_id == user.id,
                UserSession.ended_at.is_(None),
                UserSession.expires_at > now,
            )
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


# The orders of a user's session list: the most recently used first by default.
SESSION_SORTING = Sorting(
    {"last_seen_at": lambda row: row.last_seen_at, "created_at": lambda row: row.created_at},
    "-last_seen_at",
)


def sessions_page(user: User, now: datetime, args: dict[str, Any]) -> Page:
    """A page of `user`'s live sessions (`ListArgsSchema` args)."""
    return paginate_list(live_sessions(user, now), args, SESSION_SORTING)


def end_session(user: User, session_id: int, now: datetime) -> UserSession:
    """End one of the user's own sessions (another user's answers 404, as if unknown)."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != user.id:
        raise NotFound(f"No session with id {session_id}.")
    if row.ended_at is None:
        row.ended_at = now
        db.session.flush()
    return row


def end_all_sessions(user: User, now: datetime) -> None:
    """End every session of the user, on every device, remember cookies included."""
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    db.session.flush()
