"""The scheduler lease: one holder at a time, renewed to keep, released or expired to pass on."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from fieldops.extensions import db
from fieldops.jobs import lease
from fieldops.jobs.models import SchedulerLease
from tests.jobs.helpers import current, release, renew, take

TTL = timedelta(seconds=90)


def test_a_lease_taken_by_one_holder_is_refused_to_another_until_it_expires(ctx, now):
    assert take("a", now)
    assert not take("b", now)
    assert not take("b", now + TTL - timedelta(microseconds=1))
    assert current().holder == "a"

    assert take("b", now + TTL)  # expired: from expires_at on, anyone may take it
    held = current()
    assert (held.holder, held.acquired_at, held.expires_at) == ("b", now + TTL, now + 2 * TTL)
    assert not take("a", now + TTL + timedelta(seconds=1))


def test_renewal_extends_the_lease_and_keeps_its_start(ctx, now):
    assert take("a", now)
    assert renew("a", now + timedelta(seconds=60))
    assert current().expires_at == now + timedelta(seconds=150)
    assert not take("b", now + timedelta(seconds=100))  # would have expired without renewal

    assert take("a", now + timedelta(seconds=120))  # taking one's own lease renews it too
    held = current()
    assert (held.acquired_at, held.expires_at) == (now, now + timedelta(seconds=210))


def test_renewal_fails_once_someone_else_took_over(ctx, now):
    assert take("a", now)
    assert take("b", now + TTL)
    assert not renew("a", now + TTL + timedelta(seconds=1))
    assert current().holder == "b"
    assert not renew("nobody", now)


def test_an_expired_lease_nobody_took_is_renewed_by_its_holder(ctx, now):
    assert take("a", now)
    assert renew("a", now + 2 * TTL)
    assert current().expires_at == now + 3 * TTL


def test_release_frees_the_lease_at_once_but_only_for_its_holder(ctx, now):
    assert take("a", now)
    assert not release("b")
    assert current().holder == "a"

    assert release("a")
    assert current() is None
    assert not renew("a", now)  # a released lease is not renewed behind a standby's back
    assert take("b", now)
    assert current().holder == "b"


def test_holders_name_the_host_and_process_and_differ(ctx):
    a, b = lease.new_holder(), lease.new_holder("cli")
    assert a != b
    assert b.startswith("cli:")
    assert len(a) <= SchedulerLease.holder.type.length
    assert a.split(":")[1].isdigit()


@pytest.mark.parametrize("expired", [False, True], ids=["no-row", "expired-row"])
def test_holders_racing_on_separate_connections_get_exactly_one_leader(ctx, now, expired):
    engine = db.engine
    for round_ in range(5):
        with engine.begin() as conn:
            conn.execute(sa.delete(SchedulerLease))
            if expired:
                lease.acquire(conn, "dead", now - 2 * TTL, TTL)
        holders = [f"r{round_}-h{i}" for i in range(6)]
        winners = race(engine, holders, now)
        assert len(winners) == 1, winners
        assert current().holder == winners[0]


def race(engine: sa.Engine, holders: list[str], now: datetime) -> list[str]:
    """Every holder tries to take the lease at the same moment, each on its own connection."""
    barrier = threading.Barrier(len(holders))
    won: list[str] = []
    errors: list[BaseException] = []

    def attempt(holder: str) -> None:
        try:
            with engine.connect() as conn:
                barrier.wait(timeout=10)
                with conn.begin():
                    taken = lease.acquire(conn, holder, now, TTL)
            if taken:
                won.append(holder)
        except BaseException as err:  # noqa: BLE001  (re-raised in the main thread)
            errors.append(err)

    threads = [threading.Thread(target=attempt, args=(h,)) for h in holders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    if errors:
        raise errors[0]
    return won
