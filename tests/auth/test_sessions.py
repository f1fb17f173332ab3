"""Session rows without HTTP: lifetimes, `last_seen_at`, ending one or all, device labels."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from fieldops.auth import sessions
from fieldops.auth.models import User, UserSession
from fieldops.core.errors import NotFound
from fieldops.extensions import db


def start(user: User, now, remembered: bool = False) -> str:
    """A committed session of `user`, as a sign-in leaves it; its cookie secret."""
    secret = sessions.start_session(user, remembered, "Chrome on Android", now)
    db.session.commit()
    return secret


def loaded(secret: str, at) -> sessions.LiveSession | None:
    """A request's look-up: it starts with no transaction open, and ends (on SQLite the
    session's own connection may then write `last_seen_at`)."""
    db.session.rollback()
    live = sessions.load_session(secret, at)
    db.session.rollback()
    return live


def loads(secret: str, at) -> bool:
    return loaded(secret, at) is not None


def rows(user_id: int) -> list[sa.Row]:
    found = db.session.execute(
        sa.select(UserSession.secret_hash, UserSession.last_seen_at, UserSession.remembered).where(
            UserSession.user_id == user_id
        )
    ).all()
    db.session.rollback()
    return found


def new_engineer(build) -> User:
    db.session.rollback()  # the builder commits on a session of its own
    return db.session.get(User, build.user("engineer").id)


@pytest.fixture
def engineer(ctx, build) -> User:
    return new_engineer(build)


def test_a_session_is_stored_as_a_hash_of_its_secret(engineer, now):
    secret = start(engineer, now)
    [row] = rows(engineer.id)
    assert row.secret_hash != secret and secret not in row.secret_hash
    assert loads(secret, now) and not loads(secret + "x", now)


@pytest.mark.parametrize("remembered, days", [(False, 14), (True, 30)])
def test_a_session_expires_after_14_days_or_30_when_remembered(engineer, now, remembered, days):
    secret = start(engineer, now, remembered)
    assert loads(secret, now + timedelta(days=days) - timedelta(minutes=1))
    assert not loads(secret, now + timedelta(days=days))


def test_last_seen_is_written_at_most_every_15_minutes(engineer, now):
    secret = start(engineer, now)
    loads(secret, now + timedelta(minutes=10))
    assert rows(engineer.id)[0].last_seen_at == now
    loads(secret, now + timedelta(minutes=20))
    assert rows(engineer.id)[0].last_seen_at == now + timedelta(minutes=20)


def test_ending_one_session_leaves_the_others(engineer, build, now):
    phone, laptop = start(engineer, now), start(engineer, now)
    phone_id = loaded(phone, now).id
    sessions.end_session(engineer, phone_id, now)
    db.session.commit()
    assert not loads(phone, now) and loads(laptop, now)


def test_another_users_session_cannot_be_ended(engineer, build, now):
    other = new_engineer(build)
    secret = start(other, now)
    other_id = loaded(secret, now).id
    with pytest.raises(NotFound):
        sessions.end_session(engineer, other_id, now)
    db.session.rollback()
    assert loads(secret, now)


def test_ending_all_sessions_of_a_user_leaves_other_users_alone(engineer, build, now):
    other = new_engineer(build)
    mine, theirs = [start(engineer, now), start(engineer, now, True)], start(other, now)
    sessions.end_all_sessions(engineer, now)
    db.session.commit()
    assert [loads(s, now) for s in mine] == [False, False] and loads(theirs, now)


def test_a_deactivated_users_session_does_not_load(engineer, now):
    secret = start(engineer, now)
    db.session.get(User, engineer.id).active = False
    db.session.commit()
    assert not loads(secret, now)


def test_signing_in_clears_away_ended_and_expired_sessions(engineer, now):
    ended, _expired, live = start(engineer, now), start(engineer, now), start(engineer, now)
    sessions.end_session(engineer, loaded(ended, now).id, now)
    db.session.commit()
    later = now + timedelta(days=15)
    start(engineer, later, remembered=True)  # the other two expired meanwhile
    assert [row.remembered for row in rows(engineer.id)] == [True]
    assert not loads(live, later)


def test_the_live_sessions_are_listed_latest_seen_first(engineer, now):
    first = start(engineer, now)
    second = start(engineer, now + timedelta(minutes=1))
    loads(first, now + timedelta(minutes=30))  # noted: seen after the second
    ids = [s.id for s in sessions.live_sessions(engineer, now + timedelta(minutes=30))]
    first_id = loaded(first, now).id
    second_id = loaded(second, now).id
    assert ids == [first_id, second_id]


@pytest.mark.parametrize(
    "agent, label",
    [
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Safari on iPhone",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox on Linux",
        ),
        ("curl/8.5.0", "curl/8.5.0"),
        ("", "Unknown device"),
    ],
)
def test_the_device_is_named_from_the_user_agent(agent, label):
    assert sessions.device_label(agent) == label
