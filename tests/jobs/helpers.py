"""Lease steps for tests, each in its own transaction (an app context is needed)."""

from __future__ import annotations

from datetime import datetime, timedelta

from fieldops.extensions import db
from fieldops.jobs import lease


def take(holder: str, now: datetime, ttl_seconds: int = 90) -> lease.Tenure | None:
    """Try to take the lease for `holder`: its term, or None."""
    with db.engine.begin() as conn:
        return lease.acquire(conn, holder, now, _ttl(ttl_seconds))


def renew(tenure: lease.Tenure, now: datetime, ttl_seconds: int = 90) -> bool:
    with db.engine.begin() as conn:
        return lease.renew(conn, tenure, now, _ttl(ttl_seconds))


def release(tenure: lease.Tenure, now: datetime) -> bool:
    with db.engine.begin() as conn:
        return lease.release(conn, tenure, now)


def current() -> lease.Lease | None:
    with db.engine.connect() as conn:
        return lease.current(conn)


def _ttl(seconds: int) -> timedelta:
    return timedelta(seconds=seconds)
