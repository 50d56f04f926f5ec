"""Webhook signatures in the Standard Webhooks format (https://www.standardwebhooks.com/):

    webhook-id:        the event id (the same on every retry: receivers drop repeats by it)
    webhook-timestamp: Unix seconds when this attempt was signed (receivers refuse old ones)
    webhook-signature: "v1," + base64(HMAC-SHA256(secret, "<id>.<timestamp>.<body>"))

An endpoint's secret is "whsec_" + base64 of 32 bytes. RiskReg derives those bytes from the
server's SECRET_KEY and a random nonce stored with the endpoint (as it does for consent
withdrawal links), so the database alone never yields a usable secret.
"""

import base64
import hashlib
import hmac

from django.conf import settings

SECRET_PREFIX = "whsec_"
# How old a signed timestamp a receiver should still accept, and the window our verifier uses.
TOLERANCE_SECONDS = 5 * 60


def endpoint_secret(nonce: str) -> str:
    key = hmac.new(settings.SECRET_KEY.encode(), f"webhook-secret:{nonce}".encode(), hashlib.sha256).digest()
    return SECRET_PREFIX + base64.b64encode(key).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()).decode()


def signature_valid(*, secret: str, message_id: str, timestamp: str, body: bytes, header: str, now: float) -> bool:
    """What a receiver checks: a fresh timestamp and one matching v1 signature in the header."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent_at) > TOLERANCE_SECONDS:
        return False
    expected = signature(secret=secret, message_id=message_id, timestamp=sent_at, body=body)
    return any(hmac.compare_digest(expected, candidate) for candidate in header.split())
