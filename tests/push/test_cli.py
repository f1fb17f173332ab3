"""`flask fieldops vapid-keys`: a key pair the browsers and pywebpush both take."""

from __future__ import annotations

from py_vapid import Vapid
from pywebpush import webpush

from tests.push.conftest import Browser, b64url, unb64url


def test_vapid_keys_prints_a_pair_that_signs_what_is_pushed(app, push_service):
    result = app.test_cli_runner().invoke(args=["fieldops", "vapid-keys"])
    assert result.exit_code == 0, result.output
    config = dict(line.split("=", 1) for line in result.stdout.splitlines())
    assert set(config) == {"VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY"}
    public = unb64url(config["VAPID_PUBLIC_KEY"])
    assert len(public) == 65 and public[0] == 4  # an uncompressed P-256 point
    assert "secret" in result.stderr

    browser = Browser.at(push_service)
    webpush(
        {
            "endpoint": browser.endpoint,
            "keys": {"p256dh": browser.p256dh, "auth": b64url(browser.auth)},
        },
        "hello",
        vapid_private_key=config["VAPID_PRIVATE_KEY"],
        vapid_claims={"sub": "mailto:it-support@example.com"},
    )
    [delivery] = push_service.received
    assert browser.read_text(delivery) == "hello"
    authorization = delivery.headers["authorization"]
    assert authorization.endswith(f"k={config['VAPID_PUBLIC_KEY']}")
    assert Vapid.verify(authorization)  # signed by the private key of that public key
