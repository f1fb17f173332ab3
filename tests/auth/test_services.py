"""Sign-in rules without HTTP: passwords, tokens, safe redirects (sessions: test_sessions)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fieldops.auth import services
from fieldops.auth.models import ApiToken, User
from fieldops.core.errors import Invalid
from fieldops.extensions import db


def test_authenticate_checks_the_password_and_notes_the_sign_in(ctx, build, now):
    user = build.user("engineer")
    assert services.authenticate(user.email, "wrong password", now) is None
    signed_in = services.authenticate(user.email.upper(), build.PASSWORD, now)
    assert signed_in.id == user.id and signed_in.last_login_at == now
    assert services.authenticate("nobody@example.test", build.PASSWORD, now) is None


def test_password_hashes_are_salted_scrypt(ctx):
    first, second = services.hash_password("same secret"), services.hash_password("same secret")
    assert first.startswith("scrypt:") and first != second


def test_change_password_needs_the_current_one(ctx, build, now):
    user = db.session.get(User, build.user("engineer").id)
    with pytest.raises(Invalid) as err:
        services.change_password(user, "wrong", "a brand new secret", now)
    assert err.value.field == "current_password"
    with pytest.raises(Invalid) as err:
        services.change_password(user, build.PASSWORD, "short", now)
    assert err.value.field == "new_password"


def test_tokens_are_stored_as_a_hash_and_last_use_is_noted_sparingly(ctx, build, now):
    admin, owner = build.user("admin"), build.user("engineer")
    token, plain = services.create_token(
        db.session.get(User, owner.id), "dms export", db.session.get(User, admin.id), now
    )
    token_id, token_hash, prefix = token.id, token.token_hash, token.prefix
    db.session.commit()
    assert plain.startswith("fo_") and token_hash != plain and plain.startswith(prefix)

    def use(token: str, at):
        """One request's look-up; the request then ends (and on SQLite frees the lock)."""
        grant = services.user_for_token(token, at)
        user_id = grant.user.id if grant else None
        db.session.rollback()
        return user_id

    def last_used():
        used = db.session.get(ApiToken, token_id).last_used_at
        db.session.rollback()
        return used

    assert use(plain, now) == owner.id
    assert use(plain + "x", now) is None
    assert last_used() == now
    use(plain, now + timedelta(minutes=5))
    assert last_used() == now
    use(plain, now + timedelta(minutes=20))
    assert last_used() == now + timedelta(minutes=20)


def test_a_deactivated_user_gets_no_new_token(ctx, build, now):
    admin, owner = build.user("admin"), build.user("engineer", active=False)
    with pytest.raises(Invalid):
        services.create_token(
            db.session.get(User, owner.id), "x", db.session.get(User, admin.id), now
        )


@pytest.mark.parametrize(
    "target, safe",
    [
        ("/visits/today", "/visits/today"),
        ("/stores?q=a", "/stores?q=a"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("/\\evil.example", None),
        ("javascript:alert(1)", None),
        ("/ok\nSet-Cookie: x", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_next_keeps_redirects_on_the_site(target, safe):
    assert services.safe_next(target) == safe
