"""Fuzz the API against its own OpenAPI document, signed in as an admin and as an engineer.

Run by `make fuzz` (not by `make test`: it takes minutes). schemathesis generates valid and
invalid requests for every documented operation (settings in fuzz/schemathesis.toml) and
fails on a server error (5xx) or an answer that does not match the document.
"""

from __future__ import annotations

import pytest
import schemathesis

from fuzz.harness import ROLES, fuzz_app, fuzz_settings, session_ids, sign_in, user_id
from fuzz.tally import BATCHES, TALLY

APP = fuzz_app()
SCHEMA = schemathesis.openapi.from_wsgi(
    "/api/openapi.json", APP, config=fuzz_settings(APP)
).exclude(
    # Signing out would end the session the rest of the run uses.
    path=["/api/auth/logout", "/api/auth/logout-all"]
)
SESSIONS = {role: sign_in(APP, email) for role, email in ROLES.items()}
# The accounts the run signs in with: an admin editing them (a new password, deactivation)
# would end the sessions, so those requests are not sent.
OWN_ACCOUNTS = {str(user_id(APP, email)) for email in ROLES.values()}
# Nor is ending one of the run's own sessions (DELETE /api/auth/sessions/{id}).
OWN_SESSIONS = {str(session_id) for session_id in session_ids(APP)}


def ends_a_session(case: schemathesis.Case) -> bool:
    path = case.operation.path
    params = case.path_parameters or {}
    if path.startswith("/api/users/{user_id}"):
        return case.method != "GET" and str(params.get("user_id")) in OWN_ACCOUNTS
    return (
        path == "/api/auth/sessions/{session_id}" and str(params.get("session_id")) in OWN_SESSIONS
    )


@pytest.mark.parametrize("role", list(ROLES))
@SCHEMA.parametrize()
def test_api(case: schemathesis.Case, role: str) -> None:
    if ends_a_session(case):
        return
    session = SESSIONS[role]
    response = case.call_and_validate(headers=session.headers, cookies=session.cookies)
    is_json = response.headers.get("content-type", [""])[0].startswith("application/json")
    answer = response.json() if is_json else None
    operation = f"{case.operation.method.upper()} {case.operation.path}"
    TALLY.count(role, operation, case.method.upper(), case.body, response.status_code, answer)


def test_batch_bodies_were_generated() -> None:
    """The sync and signal batches were fuzzed with real rows, and some were accepted."""
    for operation in BATCHES:
        assert TALLY.batches[(operation, "bodies with rows")] > 0, operation
        assert TALLY.batches[(operation, "answered 200")] > 0, operation
