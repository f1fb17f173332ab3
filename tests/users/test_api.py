"""/api/users: the admin manages accounts; the CIO may read them."""

from __future__ import annotations

from typing import Any

import pytest

from fieldops.auth.models import User
from tests.helpers import count, errors_of, fetch


def new_user(**overrides: Any) -> dict[str, Any]:
    return {
        "email": "Nina.New@Example.test",
        "name": "Nina New",
        "role": "manager",
        "password": "long enough secret",
        **overrides,
    }


def test_create_a_manager_with_stores(as_admin, build, api):
    a, b = build.store(), build.store()
    r = as_admin.post("/api/users", json=new_user(store_ids=[a.id, b.id]))
    assert r.status_code == 201, r.get_json()
    user = r.get_json()
    assert user["email"] == "nina.new@example.test"
    assert user["role"] == "manager" and user["store_ids"] == sorted([a.id, b.id])
    assert api.login("nina.new@example.test", "long enough secret").status_code == 200


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"email": "not-an-email"}, "email"),
        ({"role": "owner"}, "role"),
        ({"password": "short"}, "password"),
        ({"name": ""}, "name"),
        ({"store_ids": [999999]}, "store_ids"),
        ({"is_superuser": True}, "is_superuser"),
    ],
)
def test_bad_user_is_refused_naming_the_field(app, as_admin, overrides, field):
    r = as_admin.post("/api/users", json=new_user(**overrides))
    assert r.status_code == 422 and field in errors_of(r), r.get_json()
    assert count(app, User) == 1  # the admin only


def test_a_manager_runs_at_least_one_store(app, as_admin, world):
    r = as_admin.post("/api/users", json=new_user())
    assert r.status_code == 422 and "store_ids" in errors_of(r), r.get_json()
    assert count(app, User) == 1  # the admin only
    manager, engineer = world.manager, world.engineer
    r = as_admin.patch(f"/api/users/{manager.id}", json={"store_ids": []})
    assert r.status_code == 422 and "store_ids" in errors_of(r)
    assert as_admin.get(f"/api/users/{manager.id}").get_json()["store_ids"] == [world.store.id]
    r = as_admin.patch(f"/api/users/{engineer.id}", json={"role": "manager"})
    assert r.status_code == 422 and "store_ids" in errors_of(r)
    r = as_admin.patch(
        f"/api/users/{engineer.id}", json={"role": "manager", "store_ids": [world.store.id]}
    )
    assert r.status_code == 200, r.get_json()


def test_an_email_has_one_account_whatever_its_case(app, as_admin, build):
    build.user("engineer", email="taken@example.test")
    r = as_admin.post("/api/users", json=new_user(email="TAKEN@example.test"))
    assert r.status_code == 422 and "email" in errors_of(r)
    assert count(app, User) == 2


def test_list_filters_by_role_and_searches(as_admin, build):
    build.user("engineer", name="Eddie Engineer", email="eddie@example.test")
    build.user("engineer", name="Erin Field", email="erin@example.test", active=False)
    build.user("cio", name="Carla Cio")

    def names(query: str) -> list[str]:
        r = as_admin.get(f"/api/users?{query}")
        assert r.status_code == 200, r.get_json()
        return [u["name"] for u in r.get_json()["items"]]

    assert names("role=engineer") == ["Eddie Engineer", "Erin Field"]
    assert names("role=engineer&active=true") == ["Eddie Engineer"]
    assert names("q=ERIN") == ["Erin Field"]
    assert names("q=eddie@") == ["Eddie Engineer"]
    r = as_admin.get("/api/users?role=owner")
    assert r.status_code == 422 and "role" in errors_of(r)


def test_cio_reads_users(world, as_cio):
    r = as_cio.get(f"/api/users/{world.admin.id}")
    assert r.status_code == 200 and r.get_json()["name"] == "Ada Admin"


def test_update_a_user(as_admin, build):
    engineer = build.user("engineer")
    store = build.store()
    r = as_admin.patch(
        f"/api/users/{engineer.id}",
        json={"name": "Renamed", "role": "manager", "store_ids": [store.id], "phone": "+1 555"},
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["name"], body["role"], body["store_ids"], body["phone"]) == (
        "Renamed",
        "manager",
        [store.id],
        "+1 555",
    )


def test_new_password_from_the_admin_ends_the_users_sessions(as_admin, build, login, api):
    engineer = build.user("engineer")
    session = login(engineer)
    r = as_admin.patch(f"/api/users/{engineer.id}", json={"password": "reset by the admin"})
    assert r.status_code == 200
    assert session.get("/api/me").status_code == 401
    assert api.login(engineer.email, "reset by the admin").status_code == 200


def test_admin_cannot_lock_themselves_out(app, world, as_admin):
    admin = world.admin
    r = as_admin.post(f"/api/users/{admin.id}/deactivate")
    assert r.status_code == 422
    r = as_admin.patch(f"/api/users/{admin.id}", json={"role": "engineer"})
    assert r.status_code == 422
    stored = fetch(app, User, admin.id)
    assert stored.active and stored.role == "admin"
    assert as_admin.get("/api/me").status_code == 200


def test_deactivated_user_is_listed_inactive_and_cannot_sign_in(as_admin, build, api):
    engineer = build.user("engineer")
    r = as_admin.post(f"/api/users/{engineer.id}/deactivate")
    assert r.status_code == 200 and r.get_json()["active"] is False
    assert api.login(engineer.email).status_code == 401


def test_unknown_user_is_404(as_admin):
    assert as_admin.get("/api/users/999999").status_code == 404
    assert as_admin.patch("/api/users/999999", json={"name": "x"}).status_code == 404
    assert as_admin.post("/api/users/999999/deactivate").status_code == 404
