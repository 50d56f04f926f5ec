"""The offboarding notice letter's frozen snapshot: taken from the register when the letter is
issued, read back to render it. The PDF is rendered (and re-rendered) from the snapshot alone, so
a recommendation edited or a refusal re-signed afterwards never changes what the letter says.

The stated reasons come from the signed refusals (Decision rows, immutable once signed), not from
any editable row.
"""

import json
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from clients.models import Client, Contact, PracticeProfile, RelationshipDecision
from recommendations.documents.pdf.offboarding import (
    BASIS_CHANGED,
    COVERED,
    EXPIRED,
    LAPSED,
    UNSIGNED,
    OffboardingLetterData,
    OpenRefusal,
)
from recommendations.documents.selectors import letterhead, verification_url
from recommendations.models import RISK_LEVEL_LABELS, SEAL_LEVEL_TEXT, Decision, OffboardingLetter, Recommendation
from recommendations.risk.scoring import is_covered
from recommendations.risk.states import ScoringItem
from recommendations.signing.snapshot import canonical_json, practice_identity, snapshot_sha256

LETTER_FORMAT = "riskreg-offboarding-letter/1"
OPEN_REFUSAL_STATUSES = (Recommendation.Status.REFUSED, Recommendation.Status.LAPSED)


def _latest_signed_refusals(recommendations: list[Recommendation]) -> dict[int, Decision]:
    """Each recommendation's latest signed refusal: one query."""
    refusals = (
        Decision.objects.filter(item__recommendation__in=recommendations, outcome=Decision.Outcome.REFUSE)
        .select_related("item", "signature")
        .order_by("decided_at", "pk")
    )
    return {decision.item.recommendation_id: decision for decision in refusals}


def _coverage(recommendation: Recommendation, refusal: Decision | None, today: date) -> str:
    item = ScoringItem(
        str(recommendation.public_id),
        recommendation.title,
        recommendation.likelihood,
        recommendation.impact,
        recommendation.status,
        recommendation.target_date,
        recommendation.valid_until,
        recommendation.basis_changed_on is not None,
    )
    if refusal is None:
        return UNSIGNED
    if is_covered(item, today):
        return COVERED
    if recommendation.basis_changed_on is not None:
        return BASIS_CHANGED
    return LAPSED if recommendation.status == Recommendation.Status.LAPSED else EXPIRED


def _refusal_entry(recommendation: Recommendation, refusal: Decision | None, today: date) -> dict[str, Any]:
    signature = refusal.signature if refusal else None
    return {
        "id": str(recommendation.public_id),
        "code": recommendation.control.code if recommendation.control_id else "",
        "title": recommendation.title,
        "level_label": RISK_LEVEL_LABELS[recommendation.level],
        "inherent_risk": recommendation.likelihood * recommendation.impact,
        "refused_on": timezone.localdate(signature.signed_at).isoformat() if signature else None,
        "signed_by": ", ".join(part for part in (signature.typed_name, signature.typed_title) if part)
        if signature
        else "",
        "stated_reason": refusal.reason if refusal else "",
        "coverage": _coverage(recommendation, refusal, today),
        "valid_until": recommendation.valid_until.isoformat() if recommendation.valid_until else None,
        "basis_changed_on": recommendation.basis_changed_on.isoformat() if recommendation.basis_changed_on else None,
        "basis_changed_reason": recommendation.basis_changed_reason,
    }


def offboarding_snapshot(
    *,
    client: Client,
    decision: RelationshipDecision,
    addressee: Contact,
    document_id: str,
    letter_date: date,
    effective_on: date,
    issued_by: str,
    issued_at: datetime,
) -> str:
    """Everything the letter will say, as canonical JSON: two queries for the refusals."""
    open_refusals = list(
        Recommendation.objects.filter(client=client, status__in=OPEN_REFUSAL_STATUSES)
        .select_related("control")
        .order_by("-inherent_risk", "title", "pk")
    )
    signed = _latest_signed_refusals(open_refusals)
    return canonical_json(
        {
            "format": LETTER_FORMAT,
            "document_id": document_id,
            "practice": practice_identity(PracticeProfile.load()),
            "client": {"id": str(client.public_id), "name": client.name},
            "addressee": {"id": str(addressee.public_id), "name": addressee.name, "title": addressee.title},
            "decision": {
                "id": str(decision.public_id),
                "outcome": decision.outcome,
                "decided_on": decision.decided_on.isoformat(),
            },
            "letter_date": letter_date.isoformat(),
            "effective_on": effective_on.isoformat(),
            "issued_by": issued_by,
            "issued_at": issued_at.isoformat(),
            "refusals": [_refusal_entry(r, signed.get(r.pk), letter_date) for r in open_refusals],
            # The addressee's language, which the letter is printed in.
            "language": addressee.language or settings.LANGUAGE_CODE,
        }
    )


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def letter_data(letter: OffboardingLetter, *, seal_level: str = "") -> OffboardingLetterData:
    """The letter as its snapshot froze it (no other row is read but the practice's logo file)."""
    frozen = json.loads(letter.snapshot)
    if snapshot_sha256(letter.snapshot) != letter.content_hash:
        raise ValueError(f"the snapshot of letter {letter.document_id} does not match its content hash")
    refusals = tuple(
        OpenRefusal(
            code=entry["code"],
            title=entry["title"],
            risk_level_label=entry["level_label"],
            inherent_score=entry["inherent_risk"],
            refused_on=_day(entry["refused_on"]),
            signed_by=entry["signed_by"],
            stated_reason=entry["stated_reason"],
            coverage=entry["coverage"],
            valid_until=_day(entry["valid_until"]),
            basis_changed_on=_day(entry["basis_changed_on"]),
            basis_changed_reason=entry["basis_changed_reason"],
        )
        for entry in frozen["refusals"]
    )
    language = frozen.get("language", "en")
    with translation.override(language):  # the seal's explanation in the letter's language
        seal_statement = str(SEAL_LEVEL_TEXT.get(seal_level, ""))
    return OffboardingLetterData(
        document_id=frozen["document_id"],
        practice=letterhead(frozen["practice"]),
        client_name=frozen["client"]["name"],
        addressee_name=frozen["addressee"]["name"],
        addressee_title=frozen["addressee"]["title"],
        letter_date=date.fromisoformat(frozen["letter_date"]),
        decided_on=date.fromisoformat(frozen["decision"]["decided_on"]),
        effective_on=date.fromisoformat(frozen["effective_on"]),
        issued_by=frozen["issued_by"],
        issued_at=datetime.fromisoformat(frozen["issued_at"]),
        refusals=refusals,
        verification_url=verification_url(frozen["document_id"]),
        content_hash=letter.content_hash,
        snapshot_json=letter.snapshot,
        seal_statement=seal_statement,
        language=language,
    )
