"""Reads for documents: the plain data a completed request's document is rendered from, and the
requests still waiting for one."""

import logging
from datetime import date, datetime
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import PracticeProfile
from recommendations.documents.pdf import (
    SNAPSHOT_NAME,
    AgreementTerms,
    DocumentData,
    DocumentItem,
    EnglishChoice,
    PracticeContact,
    PracticeLetterhead,
    SenderEvidence,
    SignatureEvidence,
    TimelineEntry,
)
from recommendations.models import SEAL_LEVEL_TEXT, Decision, DecisionRequest, Signature, WaiverDocument
from recommendations.signing.snapshot import cost_shown, cost_text, shown_to_signer
from riskreg.audit.events import EventType
from riskreg.audit.models import AuditEvent
from riskreg.links import absolute_reverse
from riskreg.seal import Attachment

logger = logging.getLogger(__name__)

DOCUMENT_ID_PREFIX = "RR"
OUTCOMES = {
    Decision.Outcome.ACCEPT: "accepted",
    Decision.Outcome.REFUSE: "refused",
    Decision.Outcome.CONSENT_GIVEN: "given",
    Decision.Outcome.CONSENT_REFUSED: "refused",
}
TIMELINE_LABELS = {
    EventType.REQUEST_SENT: gettext_lazy("Signing request sent to the signatory"),
    EventType.REQUEST_VIEWED: gettext_lazy("Signing link opened by the signatory"),
    EventType.REQUEST_CODE_SENT: gettext_lazy("One-time code requested by the signatory"),
    EventType.REQUEST_CODE_FAILED: gettext_lazy("Wrong one-time code entered"),
    EventType.REQUEST_CODE_VERIFIED: gettext_lazy("One-time code entered correctly"),
    EventType.REQUEST_SIGNED: gettext_lazy("Decision signed and submitted"),
}


def document_id_for(request: DecisionRequest) -> str:
    """Readable and unique: the year it was signed and the request's database id."""
    return f"{DOCUMENT_ID_PREFIX}-{timezone.localtime(request.completed_at).year}-{request.pk:06d}"


def verification_url(document_id: str = "") -> str:
    url = absolute_reverse("verify:page")
    return f"{url}?id={document_id}" if document_id else url


def practice_logo() -> bytes | None:
    """The logo on file for every document's letterhead, or None when there is none."""
    profile = PracticeProfile.load()
    if not profile.logo:
        return None
    try:
        with profile.logo.open("rb") as handle:
            return handle.read()
    except OSError:
        # A lost logo file must not hold up a document; the letterhead text still names the practice.
        logger.warning("Practice logo %s is missing; rendering without it.", profile.logo.name)
        return None


def letterhead(identity: dict[str, str]) -> PracticeLetterhead:
    """The practice as the signer was shown it (the snapshot); the logo is the one on file."""
    return PracticeLetterhead(
        legal_name=identity["legal_name"],
        mailing_address=identity["mailing_address"],
        email=identity["email"],
        phone=identity["phone"],
        website=identity["website"],
        logo_png=practice_logo(),
    )


def _contact(shown: dict[str, str] | None) -> PracticeContact | None:
    if shown is None:
        return None
    return PracticeContact(**shown)


def _agreement(shown: dict[str, Any] | None) -> AgreementTerms | None:
    if shown is None:
        return None
    return AgreementTerms(
        reference=shown["reference"],
        version=shown["version"],
        effective_date=date.fromisoformat(shown["effective_date"]),
        scope=shown["scope"],
        responsibilities=shown["responsibilities"],
        exclusions=shown["exclusions"],
    )


def _recommendation_item(decision: Decision, shown: dict[str, Any], signed_on: date) -> DocumentItem:
    """A recommendation as its snapshot shows it. One taken before snapshots named the advisor
    (format 1) prints as it always did: no advisor, no first-presented day, no cost line when the
    cost was to be quoted."""
    first_presented = shown.get("first_presented_on")
    if "advisor" in shown:
        cost = cost_shown(shown)
    else:
        cost = cost_text(shown["estimated_cost"], shown.get("recurring_monthly_cost"))
    return DocumentItem(
        code=shown["code"],
        title=shown["title"],
        description=shown["description"],
        why_it_matters=shown["why_it_matters"],
        rationale=shown["rationale"],
        consequences=shown["consequences"],
        risk_level_label=shown["level_label"],
        inherent_score=shown["inherent_risk"],
        outcome=OUTCOMES[decision.outcome],
        reason=decision.reason,
        valid_until=decision.valid_until,
        cadence_days=(decision.valid_until - signed_on).days if decision.valid_until else None,
        estimated_cost=cost,
        advisor=shown.get("advisor") or "",
        first_presented_on=date.fromisoformat(first_presented) if first_presented else None,
    )


NO_CAPABILITIES = gettext_lazy(
    "None of the functions that CASL requires to be disclosed separately: it does not collect personal "
    "information, change settings or data, communicate with other computer systems or allow remote access."
)


def _software_item(
    decision: Decision, shown: dict[str, Any], *, sought_because: str, signer_email: str
) -> DocumentItem:
    """A program as the consent request disclosed it (CASL): function and purpose, why consent is
    sought, each capability's enhanced disclosure and, for a consent given, how to withdraw it.
    The record names where the withdrawal link is rather than print it: a stored document must
    not hold a working link."""
    disclosures = [f"{d['label']}: {d['text']}" for d in shown["disclosures"]] or [str(NO_CAPABILITIES)]
    if decision.outcome == Decision.Outcome.CONSENT_GIVEN:
        disclosures.append(
            _(
                "Withdrawing consent: the Client can withdraw this consent at any time, at no cost, with the "
                "personal withdrawal link emailed to %(email)s with this record, or by writing to the Practice at "
                "the address above."
            )
            % {"email": signer_email}
        )
    return DocumentItem(
        code="",
        title=f"{shown['name']} ({shown['publisher']})",
        description=shown["function_and_purpose"],
        why_it_matters=sought_because,
        consequences="\n\n".join(disclosures),
        risk_level_label="",
        inherent_score=None,
        outcome=OUTCOMES[decision.outcome],
        reason=decision.reason,
    )


def _request_events(request: DecisionRequest) -> list[AuditEvent]:
    # Filtered by scope first: the audit table's index is (scope, sequence).
    return list(
        AuditEvent.objects.filter(
            scope=request.client.scope,
            object_type="decision_request",
            object_id=str(request.public_id),
            event_type__in=TIMELINE_LABELS,
        ).order_by("sequence")
    )


def _timeline(request: DecisionRequest, events: list[AuditEvent]) -> tuple[TimelineEntry, ...]:
    entries = tuple(
        TimelineEntry(
            str(TIMELINE_LABELS[event.event_type]),
            event.occurred_at,
            ip=event.payload.get("ip", ""),
            user_agent=event.payload.get("user_agent", ""),
            session=event.payload.get("session", ""),
        )
        for event in events
    )
    if entries:
        return entries
    # Requests made without the audited services (imports, old data): the request's own timestamps.
    moments = (
        (EventType.REQUEST_SENT, request.sent_at),
        (EventType.REQUEST_VIEWED, request.viewed_at),
        (EventType.REQUEST_CODE_SENT, request.code_sent_at),
        (EventType.REQUEST_CODE_VERIFIED, request.code_verified_at),
        (EventType.REQUEST_SIGNED, request.completed_at),
    )
    return tuple(TimelineEntry(str(TIMELINE_LABELS[key]), moment) for key, moment in moments if moment is not None)


def _sender(request: DecisionRequest, events: list[AuditEvent]) -> SenderEvidence:
    sent = next((event for event in events if event.event_type == EventType.REQUEST_SENT), None)
    staff = request.created_by
    name = (staff.get_full_name() or staff.get_username()) if staff else _("RiskReg, automatically (re-acknowledgment)")
    return SenderEvidence(
        name=name, sent_at=sent.occurred_at if sent else request.sent_at, ip=sent.payload.get("ip", "") if sent else ""
    )


def document_kind_for(decisions: list[Decision]) -> str:
    outcomes = {decision.outcome for decision in decisions}
    if outcomes & {Decision.Outcome.CONSENT_GIVEN, Decision.Outcome.CONSENT_REFUSED}:
        return WaiverDocument.Kind.CONSENT
    if Decision.Outcome.REFUSE in outcomes:
        return WaiverDocument.Kind.WAIVER
    return WaiverDocument.Kind.CONFIRMATION


def _english_choice(shown: dict[str, Any]) -> EnglishChoice | None:
    choice = shown.get("english_choice")
    if not choice:
        return None
    return EnglishChoice(
        version=str(choice["version"]),
        text=choice["text"],
        chosen_at=datetime.fromisoformat(choice["chosen_at"]),
    )


def document_data_for_request(request: DecisionRequest, *, seal_level: str = "") -> DocumentData:
    """Everything the PDF of a completed request says: what the signer was shown from the
    request's frozen snapshot, what they decided and how from the signed records and the audit
    chain, worded in the language the signer read. The query count does not grow with the number
    of items. `seal_level` is the seal it will get, for the appendix."""
    shown = shown_to_signer(request)
    language = shown.get("language", "en")
    with translation.override(language):
        return _document_data(request, shown, language=language, seal_level=seal_level)


def _document_data(request: DecisionRequest, shown: dict[str, Any], *, language: str, seal_level: str) -> DocumentData:
    signature: Signature = request.signature
    decisions = list(request.decisions.select_related("item").order_by("item__position"))
    shown_items = {entry["position"]: entry for entry in shown["items"]}
    signed_on = timezone.localdate(signature.signed_at)
    kind = document_kind_for(decisions)
    items = tuple(
        _software_item(
            d,
            shown_items[d.item.position],
            sought_because=shown["sought_because"],
            signer_email=signature.signer_email,
        )
        if d.item.software_id
        else _recommendation_item(d, shown_items[d.item.position], signed_on)
        for d in decisions
    )
    events = _request_events(request)
    document_id = document_id_for(request)
    return DocumentData(
        document_id=document_id,
        kind=kind,
        client_name=shown["client"]["name"],
        practice=letterhead(shown["practice"]),
        agreement=_agreement(shown.get("agreement")),
        items=items,
        signature=SignatureEvidence(
            typed_name=signature.typed_name,
            title=signature.typed_title,
            email=signature.signer_email,
            signed_at=signature.signed_at,
            signer_timezone=signature.signer_timezone,
            ip_address=signature.ip_address,
            user_agent=signature.user_agent,
            # PostgreSQL hands a BinaryField back as a memoryview.
            signature_png=bytes(signature.signature_png),
            code_verified_at=signature.code_verified_at,
            method=signature.get_method_display(),
        ),
        timeline=_timeline(request, events),
        content_hash=request.content_hash,
        consent_version=signature.consent_version,
        consent_text=signature.consent_text,
        disclosure_contact=_contact(shown["disclosure"].get("contact")),
        intent_text=signature.intent_text,
        intent_version=signature.intent_version,
        verification_url=verification_url(document_id),
        request_id=str(request.public_id),
        sender=_sender(request, events),
        signature_sha256=signature.signature_sha256,
        code_sent_to=signature.code_sent_to,
        code_message_id=signature.code_message_id,
        snapshot_json=request.snapshot or None,
        seal_statement=str(SEAL_LEVEL_TEXT.get(seal_level, "")),
        language=language,
        english_choice=_english_choice(shown),
    )


def document_attachments(data: DocumentData) -> list[Attachment]:
    """What a document carries inside it: the frozen snapshot its content hash is the SHA-256 of."""
    if data.snapshot_json is None:
        return []
    return [
        Attachment(
            name=SNAPSHOT_NAME,
            data=data.snapshot_json.encode(),
            mime_type="application/json",
            description="Everything the signatory was shown, frozen when the request was sent; its SHA-256 is the "
            "content hash printed in the evidence appendix.",
        )
    ]
