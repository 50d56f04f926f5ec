"""The texts a signer agrees to, and the hashes of the link token and the one-time code."""

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from recommendations.models import DecisionRequest
from riskreg.links import absolute_reverse
from riskreg.mail.secrets import withheld

DISCLOSURE_VERSION = "2026-11"
CONSENT_TEXT = (
    "I agree to sign this record electronically and to receive it electronically. I understand that: "
    "I may ask for a paper copy of this record at no charge by writing to the contact details of the managed "
    "service provider below; I may withdraw my consent to sign electronically at any time before I submit, by "
    "closing this page and telling the provider, who will then arrange a paper signature; after I sign I will "
    "receive a copy of the signed record by email and can download it from the confirmation page; and my "
    "electronic signature has the same effect as a handwritten one."
)
INTENT_VERSION = "2026-11"
INTENT_TEXT = (
    "I have read the recommendations above. I accept those I marked Accept. I refuse those I marked Refuse and "
    "accept the risks described, and I understand that the provider is not responsible for losses that a refused "
    "control would have prevented, within the limits of our service agreement."
)
CONSENT_INTENT_VERSION = "consent-2026-11"
CONSENT_INTENT_TEXT = (
    "I have read, for each computer program above, what it does and why, what it can do on our computers, and "
    "how to withdraw consent. On behalf of the client, I give consent to install the programs I marked Give "
    "consent, and refuse consent for those I marked Refuse. I understand that consent can be withdrawn at any "
    "time, at no cost."
)

Purpose = DecisionRequest.Purpose
RequestStatus = DecisionRequest.Status


class SigningError(ValidationError):
    pass


# Where the link and the code go in the stored emails; the worker puts the real ones in the message it sends.
SIGNING_LINK = withheld("personal signing link")
SIGNING_CODE = withheld("one-time code")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def code_hash(request_public_id: Any, code: str) -> str:
    # Keyed and bound to the request, so a leaked table row cannot be brute-forced offline
    # with a precomputed list of the million possible codes.
    return hmac.new(settings.SECRET_KEY.encode(), f"{request_public_id}:{code}".encode(), hashlib.sha256).hexdigest()


def signing_url(token: str) -> str:
    return absolute_reverse("sign:start", token)

