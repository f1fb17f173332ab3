"""The scheduler lease: one holder at a time, renewed to keep, released or expired to pass on."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from fieldops.extensions import db
from fieldops.jobs import lease
from fieldops.jobs.lease import Tenure
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
    term = take("a", now)
    assert renew(term, now + timedelta(seconds=60))
    assert current().expires_at == now + timedelta(seconds=150)
    assert not take("b", now + timedelta(seconds=100))  # would have expired without renewal

    assert take("a", now + timedelta(seconds=120)) == term  # taking one's own renews it too
    held = current()
    assert (held.acquired_at, held.expires_at) == (now, now + timedelta(seconds=210))


def test_renewal_fails_once_someone_else_took_over(ctx, now):
    term = take("a", now)
    assert take("b", now + TTL)
    assert not renew(term, now + TTL + timedelta(seconds=1))
    assert current().holder == "b"
    assert not renew(Tenure("nobody", term.generation), now)


def test_an_expired_lease_nobody_took_is_renewed_by_its_holder(ctx, now):
    term = take("a", now)
    assert renew(term, now + 2 * TTL)
    assert current().expires_at == now + 3 * TTL


def test_release_frees_the_lease_at_once_but_only_for_its_holder(ctx, now):
    term = take("a", now)
    assert not release(Tenure("b", term.generation), now)
    assert current().holder == "a"

    assert release(term, now + timedelta(seconds=5))
    assert current() is None
    assert not renew(term, now)  # a released lease is not renewed behind a standby's back
    assert take("b", now + timedelta(seconds=6))  # long before the lease would have expired
    assert current().holder == "b"


def test_every_change_of_hands_starts_a_new_generation_and_a_term_once_over_never_returns(ctx, now):
    first = take("a", now)
    assert first.generation == 1
    assert take("a", now + timedelta(seconds=30)) == first  # renewed: the same term
    second = take("b", now + 2 * TTL)
    assert second.generation == 2
    assert release(second, now + 2 * TTL)
    third = take("a", now + 2 * TTL)  # the same holder as the first term, after a release
    assert third == Tenure("a", 3)
    assert current().generation == 3

    assert not renew(first, now + 2 * TTL)  # "a" leads, but not in the term it started under
    with db.engine.begin() as conn:
        assert not lease.holds(conn, first)
        assert not lease.holds(conn, second, lock=True)
        assert lease.holds(conn, third, lock=True)


def test_holders_name_the_host_and_process_and_differ(ctx):
    a, b = lease.new_holder(), lease.new_holder("cli")
    assert a != b
    assert b.startswith("cli:")
    assert len(a) <= SchedulerLease.holder.type.length
    assert a.split(":")[1].isdigit()


@pytest.mark.parametrize("before", ["no-row", "expired-row", "released-row"])
def test_holders_racing_on_separate_connections_get_exactly_one_leader(ctx, now, before):
    engine = db.engine
    for round_ in range(5):
        with engine.begin() as conn:
            conn.execute(sa.delete(SchedulerLease))
            if before != "no-row":
                dead = lease.acquire(conn, "dead", now - 2 * TTL, TTL)
            if before == "released-row":
                lease.release(conn, dead, now - 2 * TTL)
        holders = [f"r{round_}-h{i}" for i in range(6)]
        winners = race(engine, holders, now)
        assert len(winners) == 1, winners
        held = current()
        assert held.holder == winners[0]
        assert held.generation == (1 if before == "no-row" else 2)


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
