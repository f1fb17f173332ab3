"""Helpers for the throttle tests: clients at given addresses, failed sign-ins."""

from __future__ import annotations

from flask import Flask

from tests.conftest import ApiClient

MESSAGE = "Too many failed sign-in attempts. Wait 15 minutes, then try again."
ACCOUNT_MESSAGE = (
    "Too many failed sign-in attempts for this account. Sign in from a device you have "
    "signed in on before, or wait an hour."
)


def client_at(app: Flask, address: str) -> ApiClient:
    """An API client (a device of its own) whose requests come from `address`."""
    client = ApiClient(app.test_client())
    client.client.environ_base["REMOTE_ADDR"] = address
    return client


def fail_logins(client: ApiClient, email: str, times: int) -> None:
    for _ in range(times):
        assert client.login(email, "wrong password").status_code == 401
