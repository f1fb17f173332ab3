"""Who people are and how they prove it: users and their roles, API tokens for integrations,
and signed-in sessions. Only a SHA-256 of each secret is kept."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.clock import utcnow
from fieldops.database import enum_type
from fieldops.extensions import db


def digest(secret: str) -> str:
    """What is stored of a token or session secret: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


DEFAULT_WORK_WEEKDAYS = [0, 1, 2, 3, 4]
DEFAULT_WORK_START, DEFAULT_WORK_END = time(8), time(17)
DEFAULT_VISITS_A_DAY = 3


class Role(StrEnum):
    ADMIN = "admin"
    CIO = "cio"
    ENGINEER = "engineer"
    MANAGER = "manager"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[Role] = mapped_column(enum_type(Role), index=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    # IANA zone the person reads times in; None means the DEFAULT_TIMEZONE setting.
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    last_login_at: Mapped[datetime | None]
    # Which calendar address is live (auth/calendar.py): replacing it counts one up.
    calendar_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # How an engineer (or the CIO) works, for planning visits; None means the default.
    # Their base: a point, or a store.
    home_latitude: Mapped[float | None]
    home_longitude: Mapped[float | None]
    # A store id, checked when set (users/services.py); no foreign key: adding one would
    # rebuild the users table on SQLite, which every other table refers to.
    home_store_id: Mapped[int | None]
    work_weekdays: Mapped[list[int] | None] = mapped_column(sa.JSON)  # Monday 0
    work_start: Mapped[time | None]  # in their zone
    work_end: Mapped[time | None]
    regions: Mapped[list[str] | None] = mapped_column(sa.JSON)  # empty: any region
    max_visits_per_day: Mapped[int | None]
    days: Mapped[list[WorkDay]] = relationship(order_by="WorkDay.day", cascade="all, delete-orphan")

    # The stores a manager runs (stores.Store, above auth: resolved by name).
    stores: Mapped[list[Any]] = relationship(
        "Store", secondary="store_managers", back_populates="managers", order_by="Store.name"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    # Not a column: the secret of the session (auth/sessions.py) this object was signed in
    # or loaded with. Flask-Login puts what `get_id` answers in the session and remember
    # cookies, so the cookies name the session, not the user, and die with it.
    session_secret = None

    def get_id(self) -> str:
        if self.session_secret is None:
            raise RuntimeError("sign in through auth.session.sign_in, which starts a session")
        return self.session_secret

    @property
    def store_ids(self) -> list[int]:
        return sorted(store.id for store in self.stores)

    @property
    def home(self) -> dict[str, Any] | None:
        if self.home_store_id is not None:
            return {"store_id": self.home_store_id}
        if self.home_latitude is None or self.home_longitude is None:
            return None
        return {"latitude": self.home_latitude, "longitude": self.home_longitude}

    @property
    def working_hours(self) -> dict[str, Any]:
        return {
            "weekdays": DEFAULT_WORK_WEEKDAYS if self.work_weekdays is None else self.work_weekdays,
            "start": self.work_start or DEFAULT_WORK_START,
            "end": self.work_end or DEFAULT_WORK_END,
        }

    @property
    def covered_regions(self) -> list[str]:
        return self.regions or []

    @property
    def visits_a_day(self) -> int:
        return self.max_visits_per_day or DEFAULT_VISITS_A_DAY

    @property
    def days_off(self) -> list[date]:
        return [day.day for day in self.days if day.off]

    @property
    def trips(self) -> list[WorkDay]:
        return [day for day in self.days if not day.off]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class WorkDay(db.Model):
    """A dated exception to a person's working pattern: a day off, or a trip day worked
    from another base (a point, or a store)."""

    __tablename__ = "user_days"
    __table_args__ = (sa.UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    off: Mapped[bool]
    base_latitude: Mapped[float | None]
    base_longitude: Mapped[float | None]
    base_store_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stores.id"))
    note: Mapped[str | None] = mapped_column(sa.String(120))

    @property
    def base(self) -> dict[str, Any] | None:
        if self.base_store_id is not None:
            return {"store_id": self.base_store_id}
        if self.base_latitude is None or self.base_longitude is None:
            return None
        return {"latitude": self.base_latitude, "longitude": self.base_longitude}


class TokenScope(StrEnum):
    FULL = "full"  # acts as its user, with that user's role
    SIGNALS = "signals"  # may only push evidence of customer presence (integrations)


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The token acts as this user, with this user's role and scope.
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    scope: Mapped[TokenScope] = mapped_column(
        enum_type(TokenScope), default=TokenScope.FULL, server_default=TokenScope.FULL.value
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The first characters of the token, shown so people can tell tokens apart.
    prefix: Mapped[str] = mapped_column(sa.String(16))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class UserSession(db.Model):
    """One signed-in browser or phone. Its cookies carry a random secret; this row, its
    SHA-256. Ending the row (sign-out) makes every copy of those cookies worthless."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    # Signed in with "Keep me signed in": a remember cookie is bound to this row too.
    remembered: Mapped[bool] = mapped_column(default=False)
    ended_at: Mapped[datetime | None]
    # "Chrome on Android": told from the User-Agent at sign-in, for the account page.
    device: Mapped[str] = mapped_column(sa.String(80), default="")

    user: Mapped[User] = relationship()
