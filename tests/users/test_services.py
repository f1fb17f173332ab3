"""User account rules without HTTP."""

from __future__ import annotations

import pytest

from fieldops.audit.models import AuditEvent
from fieldops.auth.models import Role, User
from fieldops.auth.sessions import load_session, start_session
from fieldops.core.errors import Invalid
from fieldops.extensions import db
from fieldops.users import services


def user(record) -> User:
    return db.session.get(User, record.id)


def new(**extra):
    return {
        "email": " Sam@Example.TEST ",
        "name": "Sam",
        "role": Role.MANAGER,
        "password": "long enough secret",
        **extra,
    }


def test_create_user_normalises_the_email_and_audits(ctx, build, now):
    store = build.store()
    admin = user(build.user("admin"))
    created = services.create_user(new(store_ids=[store.id]), admin, now)
    assert created.email == "sam@example.test" and created.store_ids == [store.id]
    assert created.password_hash.startswith("scrypt:")
    event = db.session.query(AuditEvent).one()
    assert (event.action, event.actor_id, event.target_id) == ("user.created", admin.id, created.id)


def test_create_user_refuses_unknown_stores_and_taken_emails(ctx, build, now):
    build.user("engineer", email="sam@example.test")
    admin = user(build.user("admin"))
    with pytest.raises(Invalid) as err:
        services.create_user(new(), admin, now)
    assert err.value.field == "email"
    with pytest.raises(Invalid) as err:
        services.create_user(new(email="other@example.test", store_ids=[999999]), admin, now)
    assert err.value.field == "store_ids" and "999999" in err.value.message


def signed_in_session(target: User, now) -> str:
    """A session of `target`, committed as a sign-in would; its cookie secret."""
    secret = start_session(target, False, "Firefox on Linux", now)
    db.session.commit()
    return secret


def session_works(secret: str, now) -> bool:
    db.session.rollback()  # a request starts with no transaction open
    works = load_session(secret, now) is not None
    db.session.rollback()
    return works


def test_a_new_password_or_deactivation_ends_the_users_sessions(ctx, build, now):
    admin_record, target_record = build.user("admin"), build.user("engineer")
    admin, target = user(admin_record), user(target_record)
    secret = signed_in_session(target, now)
    services.update_user(target, {"password": "reset by admin!"}, admin, now)
    db.session.commit()
    assert not session_works(secret, now)
    secret = signed_in_session(target, now)
    services.deactivate_user(target, admin, now)
    db.session.commit()
    assert not target.active and not session_works(secret, now)


def test_a_rename_keeps_sessions(ctx, build, now):
    admin_record, target_record = build.user("admin"), build.user("engineer")
    admin, target = user(admin_record), user(target_record)
    secret = signed_in_session(target, now)
    services.update_user(target, {"name": "New Name"}, admin, now)
    db.session.commit()
    assert session_works(secret, now) and target.updated_at == now


@pytest.mark.parametrize("change", [{"active": False}, {"role": Role.ENGINEER}])
def test_an_admin_cannot_lock_themselves_out(ctx, build, now, change):
    admin = user(build.user("admin"))
    with pytest.raises(Invalid):
        services.update_user(admin, change, admin, now)
    assert admin.active and admin.role == Role.ADMIN
