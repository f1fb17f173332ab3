"""Users and their roles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.clock import utcnow
from fieldops.database import enum_type
from fieldops.extensions import db

if TYPE_CHECKING:
    from fieldops.stores.models import Store


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
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    last_login_at: Mapped[datetime | None]

    stores: Mapped[list[Store]] = relationship(
        secondary="store_managers", back_populates="managers", order_by="Store.name"
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

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"
