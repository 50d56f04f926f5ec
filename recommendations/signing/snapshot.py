"""The frozen snapshot of a request: exactly what its signer is shown, fixed when it is sent.

One JSON document per request, canonical (keys sorted, UTF-8, no insignificant spaces), stored
on the request with its SHA-256 (the request's content hash): each item's code, title, texts,
rationale, risk and cost, the advisor who recommended it and the day it was first presented (from
the audit chain); the agreement version's reference and terms; the practice's legal name and
contacts; the purpose; the e-sign disclosure with the contact details it refers to, and the intent
statement, with their versions; for a consent request each program's CASL disclosures. The
signer's pages, the signing service and the signed PDF read it, not the live rows, and the PDF
carries it as an attached file, so anyone can recompute the hash. A change to a live row it was
taken from voids the open request (recommendations.services.open_requests_void); the advisor and
the first-presented day are facts about how it was recommended, and a later change of owner does
not void it.

The vCIO's covering message is not part of it: it is not what is signed, and erasing a contact
must be able to remove it.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Min
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import AgreementVersion, Client, PracticeProfile, ServiceAgreement, Software
from recommendations.models import DecisionRequest, Recommendation
from recommendations.signing.content import (
    DISCLOSURE,
    ENGLISH_CHOICE,
    LANGUAGES,
    LegalText,
    Purpose,
    capability_disclosures,
    language_code,
    sought_because,
)
from recommendations.signing.purposes import describe
from riskreg.audit.events import EventType
from riskreg.audit.models import AuditEvent

# Version 2 added each item's advisor and first-presented day and the disclosure's contact
# details; a document whose snapshot is version 1 prints only what version 1 held. Version 3 is
# bilingual: "language" is the one it was sent in and every text the signer reads is in it, and
# "texts" beside each holds it in every language (the signer may switch, and the record proves
# what each language said); "quebec" and "english_choice_statement" ask a signer reading English
# for the express choice of English, and "english_choice" is null in the frozen document: the
# choice is made when signing, recorded on the signature, and shown_to_signer puts it here.
SNAPSHOT_FORMAT = "riskreg-signing-snapshot/3"
TO_BE_QUOTED = gettext_lazy("To be quoted")
Terms = ServiceAgreement | AgreementVersion


def canonical_json(document: dict[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def snapshot_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _contact(practice: PracticeProfile) -> dict[str, str]:
    """Where the signer can write to the practice: what the e-sign disclosure refers them to."""
    return {
        "legal_name": practice.legal_name,
        "mailing_address": practice.mailing_address,
        "email": practice.email,
        "phone": practice.phone,
    }


def practice_identity(practice: PracticeProfile) -> dict[str, str]:
    return {**_contact(practice), "website": practice.website}


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


def first_presented_dates(*, clients: Iterable[Client], recommendations: Iterable[Recommendation]) -> dict[UUID, date]:
    """The day each recommendation was first presented to its client, by public id, in one query:
    the earliest `recommendation.presented` event in the audit chain, which nobody can edit (the
    recommendation's own status date moves with every transition). `clients` are the
    recommendations' clients: their scopes lead the query to the audit table's index."""
    ids = {str(recommendation.public_id) for recommendation in recommendations}
    if not ids:
        return {}
    firsts = (
        AuditEvent.objects.filter(
            scope__in={client.scope for client in clients},
            object_type="recommendation",
            object_id__in=ids,
            event_type=EventType.RECOMMENDATION_PRESENTED,
        )
        .values("object_id")
        .annotate(first=Min("occurred_at"))
    )
    return {UUID(row["object_id"]): timezone.localdate(row["first"]) for row in firsts}


def _recommendation(
    position: int, recommendation: Recommendation, first_presented: date | None, language: str
) -> dict[str, Any]:
    cost, monthly = recommendation.estimated_cost, recommendation.recurring_monthly_cost
    texts = {
        code: {**recommendation.text_in(code), "level_label": _level_name(recommendation, code)} for code in LANGUAGES
    }
    return {
        "position": position,
        "id": str(recommendation.public_id),
        "content_version": recommendation.content_version,
        "code": recommendation.control.code if recommendation.control_id else "",
        **texts[language],
        "texts": texts,
        "rationale": recommendation.rationale,
        "likelihood": recommendation.likelihood,
        "impact": recommendation.impact,
        "inherent_risk": recommendation.likelihood * recommendation.impact,
        "level": recommendation.level,
        # "estimated_cost" is the one-time cost (its name from before recurring costs existed).
        "estimated_cost": f"{cost:.2f}" if cost is not None else None,
        "recurring_monthly_cost": f"{monthly:.2f}" if monthly is not None else None,
        # The recommendation's owner at the practice, by the name staff pages show.
        "advisor": str(recommendation.owner) if recommendation.owner_id else None,
        "first_presented_on": first_presented.isoformat() if first_presented else None,
    }


def _level_name(recommendation: Recommendation, language: str) -> str:
    with translation.override(language):
        return recommendation.level_name


def cost_text(one_time: str | None, monthly: str | None) -> str | None:
    """A recommendation's cost from its snapshot: one-time, recurring monthly, or both; None when neither."""
    if monthly is None:
        return _amount(one_time) if one_time is not None else None
    per_month = _("%(amount)s per month") % {"amount": _amount(monthly)}
    if one_time is None:
        return per_month
    return _("%(amount)s one-time + %(per_month)s") % {"amount": _amount(one_time), "per_month": per_month}


def _amount(value: str) -> str:
    """An amount as the active language writes it: "1,200.00", "1 200,00"."""
    return number_format(Decimal(value), decimal_pos=2, force_grouping=True)


def cost_shown(item: dict[str, Any]) -> str:
    """The cost line the signer is shown for a recommendation in a snapshot."""
    return cost_text(item["estimated_cost"], item.get("recurring_monthly_cost")) or str(TO_BE_QUOTED)


def _program(position: int, software: Software, language: str) -> dict[str, Any]:
    texts = {
        code: {
            "disclosures": [{"label": label, "text": text} for label, text in capability_disclosures(software, code)]
        }
        for code in LANGUAGES
    }
    return {
        "position": position,
        "id": str(software.public_id),
        "name": software.name,
        "publisher": software.publisher,
        "function_and_purpose": software.function_and_purpose,
        **texts[language],
        "texts": texts,
    }


def _legal(text: LegalText, language: str) -> dict[str, Any]:
    return {"version": text.version, "text": text.text_in(language), "texts": text.both()}


def _common(*, request: UUID, purpose: str, client: Client, practice: PracticeProfile, language: str) -> dict[str, Any]:
    description = describe(purpose)
    return {
        "format": SNAPSHOT_FORMAT,
        "request": str(request),
        "purpose": purpose,
        "purpose_label": DecisionRequest.Purpose(purpose).label,
        "language": language,
        "client": {"name": client.name},
        "practice": practice_identity(practice),
        # The disclosure sends the signer to the provider's contact details "below": they are printed under it.
        "disclosure": {**_legal(DISCLOSURE, language), "contact": _contact(practice)},
        "intent": _legal(description.intent, language),
        # Frozen at send, like the rest: a later change of the client's province does not change what is asked.
        "quebec": client.is_quebec,
        "english_choice_statement": _legal(ENGLISH_CHOICE, language) if client.is_quebec else None,
        "english_choice": None,
    }


def in_language(shown: dict[str, Any], language: str) -> dict[str, Any]:
    """The snapshot as read in `language`: each text it holds in that language in place of the one
    it was sent in. A snapshot from before version 3 holds only English and is returned as it is."""
    language = language_code(language)
    if "texts" not in shown.get("intent", {}) or language == shown["language"]:
        return shown
    shown = {**shown, "language": language}
    for key in ("disclosure", "intent", "english_choice_statement"):
        if shown.get(key):
            shown[key] = {**shown[key], "text": shown[key]["texts"][language]}
    if "sought_because_texts" in shown:
        shown["sought_because"] = shown["sought_because_texts"][language]
    shown["items"] = [{**item, **item["texts"][language]} for item in shown["items"]]
    return shown


def decision_snapshot(
    *,
    request: UUID,
    purpose: str,
    client: Client,
    practice: PracticeProfile,
    agreement: Terms | None,
    agreement_version: int | None,
    recommendations: list[Recommendation],
    first_presented: Mapping[UUID, date],
    language: str = "en",
) -> dict[str, Any]:
    """What a decision or re-acknowledgment request shows: its recommendations (with their
    controls and owners loaded) in the order sent, each with the day it was first presented
    (`first_presented_dates`), and the agreement version in force; its texts in `language`."""
    language = language_code(language)
    return {
        **_common(request=request, purpose=purpose, client=client, practice=practice, language=language),
        "agreement": _agreement(agreement, agreement_version),
        "items": [
            _recommendation(position, r, first_presented.get(r.public_id), language)
            for position, r in enumerate(recommendations, start=1)
        ],
    }


def consent_snapshot(
    *, request: UUID, client: Client, practice: PracticeProfile, software: list[Software], language: str = "en"
) -> dict[str, Any]:
    """What a software-consent request shows: who asks and why (CASL), and each program."""
    language = language_code(language)
    because = {
        code: sought_because(practice_name=practice.legal_name, client_name=client.name, language=code)
        for code in LANGUAGES
    }
    return {
        **_common(
            request=request, purpose=Purpose.SOFTWARE_CONSENT, client=client, practice=practice, language=language
        ),
        "sought_because": because[language],
        "sought_because_texts": because,
        "items": [_program(position, program, language) for position, program in enumerate(software, start=1)],
    }


def shown_to_signer(request: DecisionRequest) -> dict[str, Any]:
    """The request's snapshot; once signed, as read in the language it was signed in, with the
    signer's express choice of English when they made one. A request sent before snapshots
    existed gets one built from the live rows as they are now (not stored: its content hash stays
    the one it was sent with)."""
    shown = _frozen(request)
    if request.status == DecisionRequest.Status.COMPLETED and (signature := _signature(request)) is not None:
        shown = {**in_language(shown, signature.language), "english_choice": signature.english_choice}
    return shown


def _signature(request: DecisionRequest) -> Any:
    try:
        return request.signature
    except ObjectDoesNotExist:
        return None


def _frozen(request: DecisionRequest) -> dict[str, Any]:
    if request.snapshot:
        return json.loads(request.snapshot)
    items = list(
        request.items.select_related("recommendation__control", "recommendation__owner", "software").order_by(
            "position"
        )
    )
    practice = PracticeProfile.load()
    if describe(request.purpose).subject_field == "software":
        return consent_snapshot(
            request=request.public_id,
            client=request.client,
            practice=practice,
            software=[item.software for item in items],
            language=request.language,
        )
    agreement = request.client.agreements.order_by("-effective_date", "-pk").first()
    recommendations = [item.recommendation for item in items]
    return decision_snapshot(
        request=request.public_id,
        purpose=request.purpose,
        client=request.client,
        practice=practice,
        agreement=agreement,
        agreement_version=agreement.version if agreement else None,
        recommendations=recommendations,
        first_presented=first_presented_dates(clients=[request.client], recommendations=recommendations),
        language=request.language,
    )
