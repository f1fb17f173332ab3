"""API payloads of push subscriptions: the browser's `PushSubscription.toJSON()` as it is."""

from __future__ import annotations

import base64
import binascii
import ipaddress
from urllib.parse import urlsplit

from marshmallow import ValidationError, validate

from fieldops.core import fields
from fieldops.core.dumping import Schema
from fieldops.push.models import ENDPOINT_LENGTH

# RFC 8291: an uncompressed P-256 point (0x04, x, y) and a 16-byte authentication secret.
P256_POINT_BYTES = 65
AUTH_SECRET_BYTES = 16


def decoded(text: str) -> bytes:
    """Base64url without padding, as browsers write subscription keys."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValidationError("Must be base64url.") from error


def p256_point(text: str) -> None:
    raw = decoded(text)
    if len(raw) != P256_POINT_BYTES or raw[0] != 4:
        raise ValidationError("Must be an uncompressed P-256 public key (65 bytes).")


def auth_secret(text: str) -> None:
    if len(decoded(text)) != AUTH_SECRET_BYTES:
        raise ValidationError("Must be a 16-byte authentication secret.")


def named_host(url: str) -> None:
    """A push service has a name; an address (127.0.0.1, 10.0.0.5) would have the server post
    into its own network."""
    try:
        ipaddress.ip_address((urlsplit(url).hostname or "").strip("[]"))
    except ValueError:
        return
    raise ValidationError("Must name a push service's host, not an address.")


# Only push services' https endpoints: the server posts to whatever a subscription names.
endpoint_field = fields.String(
    required=True,
    validate=[
        validate.URL(schemes={"https"}, require_tld=True),
        validate.Length(max=ENDPOINT_LENGTH),
        named_host,
    ],
    metadata={"description": "the push service's URL for this browser (https)"},
)


class KeysSchema(Schema):
    p256dh = fields.String(
        required=True, validate=p256_point, metadata={"description": "base64url P-256 key"}
    )
    auth = fields.String(
        required=True, validate=auth_secret, metadata={"description": "base64url, 16 bytes"}
    )


class SubscriptionSchema(Schema):
    """In: the browser's subscription JSON. Out: the subscription as stored, without keys."""

    id = fields.Integer(dump_only=True)
    endpoint = endpoint_field
    keys = fields.Nested(KeysSchema, required=True, load_only=True)
    expirationTime = fields.Integer(  # noqa: N815 (the browser's name)
        allow_none=True,
        load_only=True,
        metadata={"description": "the browser's, milliseconds since 1970; not used"},
    )
    created_at = fields.DateTime(dump_only=True)
    last_used = fields.DateTime(
        dump_only=True, allow_none=True, metadata={"description": "null: nothing sent yet"}
    )


class EndpointSchema(Schema):
    endpoint = endpoint_field
