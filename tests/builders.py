"""Builders for test data: each call commits and returns a detached, loaded record."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import Flask

from fieldops.auth.models import Role, TokenScope, User
from fieldops.auth.services import create_token, hash_password
from fieldops.clock import local_date
from fieldops.extensions import db
from fieldops.issues.models import Issue, IssueCategory, IssueStatus, Severity
from fieldops.observations.models import Observation, ObservationCategory
from fieldops.stores.models import HoursException, PostedHours, Store
from fieldops.visits.models import Visit, VisitStatus

_seq = itertools.count(1)
_HASHES: dict[tuple[str, str], str] = {}
WEEKDAY_HOURS = [(d, time(9), time(20)) for d in range(6)]  # Mon-Sat 09-20, Sunday closed


class Builder:
    PASSWORD = "correct horse battery"

    def __init__(self, app: Flask) -> None:
        self.app = app

    def _hash(self, password: str) -> str:
        """A password hash, made once per password and hash method: scrypt is slow on purpose."""
        key = (self.app.config["PASSWORD_HASH_METHOD"], password)
        if key not in _HASHES:
            with self.app.app_context():
                _HASHES[key] = hash_password(password)
        return _HASHES[key]

    def _save(self, record: Any) -> Any:
        with self.app.app_context():
            db.session.add(record)
            db.session.commit()
            db.session.refresh(record)
            db.session.expunge(record)
        return record

    def user(self, role: Role | str = Role.ENGINEER, stores: list[Store] = (), **kw: Any) -> User:
        n = next(_seq)
        with self.app.app_context():
            user = User(
                email=kw.pop("email", f"{role}{n}@example.test"),
                name=kw.pop("name", f"{str(role).title()} {n}"),
                role=Role(role),
                password_hash=self._hash(kw.pop("password", self.PASSWORD)),
                **kw,
            )
            user.stores = [db.session.get(Store, s.id) for s in stores]
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            user.store_ids  # noqa: B018  (load before detaching)
            db.session.expunge(user)
        return user

    def store(
        self,
        hours: list[tuple[int, time, time]] | None = None,
        exceptions: list[dict[str, Any]] = (),
        **kw: Any,
    ) -> Store:
        n = next(_seq)
        store = Store(
            code=kw.pop("code", f"S{n:04d}"),
            name=kw.pop("name", f"Store {n}"),
            timezone=kw.pop("timezone", "America/Chicago"),
            latitude=kw.pop("latitude", 41.8781),
            longitude=kw.pop("longitude", -87.6298),
            region=kw.pop("region", "Midwest"),
            **kw,
        )
        store.posted_hours = [
            PostedHours(weekday=d, opens=o, closes=c)
            for d, o, c in (WEEKDAY_HOURS if hours is None else hours)
        ]
        store.exceptions = [HoursException(**e) for e in exceptions]
        return self._save(store)

    def visit(
        self, store: Store, engineer: User, start: datetime | None = None, **kw: Any
    ) -> Visit:
        start = start or datetime(2026, 3, 4, 16, 0, tzinfo=UTC)
        return self._save(
            Visit(
                store_id=store.id,
                engineer_id=engineer.id,
                planned_start=start,
                planned_end=kw.pop("planned_end", start + timedelta(hours=2)),
                local_date=local_date(start, store.timezone),
                status=kw.pop("status", VisitStatus.PLANNED),
                **kw,
            )
        )

    def issue(self, store: Store, reporter: User, **kw: Any) -> Issue:
        return self._save(
            Issue(
                store_id=store.id,
                reporter_id=reporter.id,
                category=kw.pop("category", IssueCategory.WIFI),
                severity=kw.pop("severity", Severity.HIGH),
                status=kw.pop("status", IssueStatus.OPEN),
                title=kw.pop("title", "Guest Wi-Fi drops in the showroom"),
                **kw,
            )
        )

    def observation(self, store: Store, author: User, **kw: Any) -> Observation:
        return self._save(
            Observation(
                store_id=store.id,
                author_id=author.id,
                category=kw.pop("category", ObservationCategory.GENERAL),
                fields=kw.pop("fields", {"text": "All fine"}),
                observed_at=kw.pop("observed_at", datetime(2026, 3, 4, 15, tzinfo=UTC)),
                **kw,
            )
        )

    def token(
        self, user: User, name: str = "integration", scope: TokenScope = TokenScope.FULL
    ) -> str:
        with self.app.app_context():
            owner = db.session.get(User, user.id)
            _token, plain = create_token(owner, name, owner, datetime.now(UTC), scope)
            db.session.commit()
        return plain
