"""The texts a signer agrees to and the hashes that bind a request to exactly what was sent.

Evidence rules (SPEC section 8): the link token and the code are stored only as hashes; the
request binds a hash of exactly what the signer reads; a completed request is never changed.
"""

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from clients.models import Client, PracticeProfile, Software, consent_sought_because
from recommendations.models import DecisionRequest, Recommendation
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
    return settings.RISKREG_BASE_URL.rstrip("/") + reverse("sign:start", args=[token])


def content_hash(recommendations: list[Recommendation], exclusions: str) -> str:
    """SHA-256 over exactly what the signer reads, so any later edit is detectable."""
    body = {
        "disclosure_version": DISCLOSURE_VERSION,
        "intent_version": INTENT_VERSION,
        "exclusions": exclusions,
        "items": [
            {
                "id": str(r.public_id),
                "version": r.content_version,
                "title": r.title,
                "description": r.description,
                "why_it_matters": r.why_it_matters,
                "consequences": r.consequences,
                "likelihood": r.likelihood,
                "impact": r.impact,
                "estimated_cost": str(r.estimated_cost) if r.estimated_cost is not None else None,
            }
            for r in recommendations
        ],
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def consent_content_hash(software: list[Software], practice: PracticeProfile, client: Client) -> str:
    """SHA-256 over every CASL disclosure the signer reads: who seeks consent and how to reach
    them, why, and each program's function, purpose and enhanced disclosures."""
    body = {
        "disclosure_version": DISCLOSURE_VERSION,
        "intent_version": CONSENT_INTENT_VERSION,
        "sought_by": {
            "legal_name": practice.legal_name,
            "mailing_address": practice.mailing_address,
            "email": practice.email,
            "phone": practice.phone,
        },
        "client": client.name,
        "items": [
            {
                "id": str(s.public_id),
                "name": s.name,
                "publisher": s.publisher,
                "function_and_purpose": s.function_and_purpose,
                "sought_because": consent_sought_because(practice_name=practice.legal_name, client_name=client.name),
                "disclosures": s.disclosures(),
            }
            for s in software
        ],
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def intent_text_for(purpose: str) -> str:
    return CONSENT_INTENT_TEXT if purpose == Purpose.SOFTWARE_CONSENT else INTENT_TEXT
