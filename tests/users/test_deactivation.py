"""Deactivating a user revokes their API tokens for good."""

from __future__ import annotations

import pytest

from fieldops.audit.models import AuditEvent
from fieldops.auth.models import ApiToken
from tests.helpers import count


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    "deactivate",
    [
        lambda admin, user: admin.post(f"/api/users/{user.id}/deactivate"),
        lambda admin, user: admin.patch(f"/api/users/{user.id}", json={"active": False}),
    ],
    ids=["deactivate", "patch"],
)
def test_a_reactivated_user_does_not_get_their_tokens_back(app, as_admin, build, deactivate):
    user = build.user("engineer")
    first, second = build.token(user, "sensor"), build.token(user, "export")
    anon = app.test_client()
    assert anon.get("/api/me", headers=bearer(first)).status_code == 200

    assert deactivate(as_admin, user).status_code == 200
    r = as_admin.patch(f"/api/users/{user.id}", json={"active": True})
    assert r.status_code == 200 and r.get_json()["active"] is True

    for token in (first, second):
        assert anon.get("/api/me", headers=bearer(token)).status_code == 401
    listed = as_admin.get("/api/tokens").get_json()["items"]
    assert [t["active"] for t in listed] == [False, False]
    assert count(app, AuditEvent, AuditEvent.action == "token.revoked") == 2
    assert count(app, ApiToken, ApiToken.revoked_at.is_(None)) == 0

    fresh = as_admin.post("/api/tokens", json={"user_id": user.id, "name": "new one"})
    assert anon.get("/api/me", headers=bearer(fresh.get_json()["token"])).status_code == 200


def test_deactivating_one_user_leaves_other_users_tokens_alone(app, as_admin, build):
    leaving, staying = build.user("engineer"), build.user("engineer")
    build.token(leaving)
    kept = build.token(staying)
    assert as_admin.post(f"/api/users/{leaving.id}/deactivate").status_code == 200
    assert app.test_client().get("/api/me", headers=bearer(kept)).status_code == 200
