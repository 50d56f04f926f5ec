"""The frozen snapshot of a request: exactly what its signer is shown, fixed when it is sent.

One JSON document per request, canonical (keys sorted, UTF-8, no insignificant spaces), stored
on the request with its SHA-256 (the request's content hash): each item's code, title, texts,
rationale, risk and cost; the agreement version's reference and terms; the practice's legal name
and contacts; the purpose; the e-sign disclosure and intent statement with their versions; for a
consent request each program's CASL disclosures. The signer's pages, the signing service and the
signed PDF read it, not the live rows, and the PDF carries it as an attached file, so anyone can
recompute the hash. A change to a live row it was taken from voids the open request
(recommendations.services.open_requests_void).

The vCIO's covering message is not part of it: it is not what is signed, and erasing a contact
must be able to remove it.
"""

import hashlib
import json
from typing import Any
from uuid import UUID

from clients.models import AgreementVersion, Client, PracticeProfile, ServiceAgreement, Software, consent_sought_because
from recommendations.models import DecisionRequest, Recommendation
from recommendations.signing.content import (
    CONSENT_TEXT,
    DISCLOSURE_VERSION,
    Purpose,
)
from recommendations.signing.purposes import describe

SNAPSHOT_FORMAT = "riskreg-signing-snapshot/1"
LANGUAGE = "en"
Terms = ServiceAgreement | AgreementVersion


def canonical_json(document: dict[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def snapshot_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def practice_identity(practice: PracticeProfile) -> dict[str, str]:
    return {
        "legal_name": practice.legal_name,
        "mailing_address": practice.mailing_address,
        "email": practice.email,
        "phone": practice.phone,
        "website": practice.website,
    }


def _agreement(terms: Terms | None, version: int | None) -> dict[str, Any] | None:
    if terms is None:
        return None
    return {
        "reference": terms.reference,
        "version": version,
        "effective_date": terms.effective_date.isoformat(),
        "renewal_date": terms.renewal_date.isoformat() if terms.renewal_date else None,
        "scope": terms.scope,
        "responsibilities": terms.responsibilities,
        "exclusions": terms.exclusions,
        "refusal_cadence_days": terms.refusal_cadence_days,
    }


def _recommendation(position: int, recommendation: Recommendation) -> dict[str, Any]:
    cost, monthly = recommendation.estimated_cost, recommendation.recurring_monthly_cost
    return {
        "position": position,
        "id": str(recommendation.public_id),
        "content_version": recommendation.content_version,
        "code": recommendation.control.code if recommendation.control_id else "",
        "title": recommendation.title,
        "description": recommendation.description,
        "why_it_matters": recommendation.why_it_matters,
        "rationale": recommendation.rationale,
        "consequences": recommendation.consequences,
        "likelihood": recommendation.likelihood,
        "impact": recommendation.impact,
        "inherent_risk": recommendation.likelihood * recommendation.impact,
        "level": recommendation.level,
        "level_label": recommendation.level_label,
        # "estimated_cost" is the one-time cost (its name from before recurring costs existed).
        "estimated_cost": f"{cost:.2f}" if cost is not None else None,
        "recurring_monthly_cost": f"{monthly:.2f}" if monthly is not None else None,
    }


def _program(position: int, software: Software) -> dict[str, Any]:
    return {
        "position": position,
        "id": str(software.public_id),
        "name": software.name,
        "publisher": software.publisher,
        "function_and_purpose": software.function_and_purpose,
        "disclosures": [{"label": label, "text": text} for label, text in software.disclosures()],
    }


def _common(*, request: UUID, purpose: str, client: Client, practice: PracticeProfile) -> dict[str, Any]:
    description = describe(purpose)
    return {
        "format": SNAPSHOT_FORMAT,
        "request": str(request),
        "purpose": purpose,
        "purpose_label": DecisionRequest.Purpose(purpose).label,
        "language": LANGUAGE,
        "client": {"name": client.name},
        "practice": practice_identity(practice),
        "disclosure": {"version": DISCLOSURE_VERSION, "text": CONSENT_TEXT},
        "intent": {
            "version": description.intent_version,
            "text": description.intent_text,
        },
    }


def decision_snapshot(
    *,
    request: UUID,
    purpose: str,
    client: Client,
    practice: PracticeProfile,
    agreement: Terms | None,
    agreement_version: int | None,
    recommendations: list[Recommendation],
) -> dict[str, Any]:
    """What a decision or re-acknowledgment request shows: its recommendations (with their
    controls loaded) in the order sent, and the agreement version in force."""
    return {
        **_common(request=request, purpose=purpose, client=client, practice=practice),
        "agreement": _agreement(agreement, agreement_version),
        "items": [_recommendation(position, r) for position, r in enumerate(recommendations, start=1)],
    }


def consent_snapshot(
    *, request: UUID, client: Client, practice: PracticeProfile, software: list[Software]
) -> dict[str, Any]:
    """What a software-consent request shows: who asks and why (CASL), and each program."""
    return {
        **_common(request=request, purpose=Purpose.SOFTWARE_CONSENT, client=client, practice=practice),
        "sought_because": consent_sought_because(practice_name=practice.legal_name, client_name=client.name),
        "items": [_program(position, program) for position, program in enumerate(software, start=1)],
    }


def shown_to_signer(request: DecisionRequest) -> dict[str, Any]:
    """The request's snapshot. A request sent before snapshots existed gets one built from the
    live rows as they are now (not stored: its content hash stays the one it was sent with)."""
    if request.snapshot:
        return json.loads(request.snapshot)
    items = list(request.items.select_related("recommendation__control", "software").order_by("position"))
    practice = PracticeProfile.load()
    if describe(request.purpose).subject_field == "software":
        return consent_snapshot(
            request=request.public_id,
            client=request.client,
            practice=practice,
            software=[item.software for item in items],
        )
    agreement = request.client.agreements.order_by("-effective_date", "-pk").first()
    return decision_snapshot(
        request=request.public_id,
        purpose=request.purpose,
        client=request.client,
        practice=practice,
        agreement=agreement,
        agreement_version=agreement.version if agreement else None,
        recommendations=[item.recommendation for item in items],
    )
