"""Recording a signed decision with all its evidence."""

import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any
from zoneinfo import available_timezones

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.locking import lock_client
from clients.models import PracticeProfile, Software
from clients.software import software_consent_record
from recommendations import webhook_events
from recommendations.models import Decision, DecisionRequest, RequestItem, Signature
from recommendations.services import (
    client_rescore,
    recommendation_move,
    refusal_valid_until,
)
from recommendations.signing.content import (
    ENGLISH_CHOICES,
    RequestStatus,
    SigningError,
    english_choice_required,
    language_code,
)
from recommendations.signing.purposes import describe
from recommendations.signing.signature_image import clean_signature_png
from recommendations.signing.snapshot import in_language, shown_to_signer
from riskreg.audit.chain import audit_append_many
from riskreg.audit.events import EventType
from riskreg.evidence import USER_AGENT_MAX
from riskreg.names import same_name, validate_plain_name
from riskreg.publish import registered_task, task_publish

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ItemChoice:
    item_id: int
    outcome: str  # ACCEPT or REFUSE for a recommendation; CONSENT_GIVEN or CONSENT_REFUSED for a program
    reason: str


def _check_signable(request: DecisionRequest, now: Any) -> None:
    """Open and unexpired. Every edit of what a request shows voids it in the same transaction,
    under the client's lock this signing holds, so an open request still shows its frozen text."""
    if request.status == RequestStatus.VOIDED:
        raise SigningError(
            _(
                "What you were asked to sign changed after this request was sent (%(reason)s). "
                "%(practice)s will send you a new link."
            )
            % {"reason": request.close_reason, "practice": PracticeProfile.load().legal_name},
            code="voided",
        )
    if not request.is_open or request.expires_at <= now:
        raise SigningError(_("This request can no longer be signed."))


def _check_still_current(items: list[RequestItem]) -> None:
    """A second line behind voiding: the recommendations are still the versions that were sent."""
    if any(
        item.recommendation_id
        and (item.recommendation.content_version != item.content_version or item.recommendation.status == "withdrawn")
        for item in items
    ):
        raise SigningError(
            _("A recommendation changed after this request was sent. Your provider will send a new link.")
        )


@dataclass(frozen=True)
class SignerEvidence:
    typed_name: str
    typed_title: str
    signature_png: bytes
    ip_address: str
    user_agent: str
    signer_timezone: str
    session_hash: str = ""
    # How the signature image was made: drawn by hand, or the typed name adopted (Signature.Method).
    method: str = "drawn"
    # The language the signer read the request in (blank: the one it was sent in), and whether they
    # ticked the express choice of English (needed from a Quebec client's signer reading English).
    language: str = ""
    english_choice: bool = False


TIMEZONE_NOT_REPORTED = "not reported"


@lru_cache(maxsize=1)
def _iana_zones() -> frozenset[str]:
    # Read from the zone database once per process: it lists the files on every call.
    return frozenset(available_timezones())


def reported_timezone(name: str) -> str:
    """The zone the signer's browser reported, if it is a real IANA zone name; otherwise "not
    reported" (the browser's word is evidence, and a made-up zone is no evidence at all)."""
    name = name.strip()
    return name if name in _iana_zones() else TIMEZONE_NOT_REPORTED


def _checked_identity(evidence: SignerEvidence, request: DecisionRequest) -> tuple[str, str]:
    """The typed name and title, refused unless they are plain text and the name is the signatory's."""
    typed_name, typed_title = evidence.typed_name.strip(), evidence.typed_title.strip()
    if not typed_name:
        raise SigningError(_("Type your full name."), code="typed_name")
    validate_plain_name(typed_name)
    validate_plain_name(typed_title)
    signatory = request.signatory
    if not same_name(typed_name, signatory.name):
        practice = PracticeProfile.load().legal_name
        raise SigningError(
            _(
                "The name you typed does not match the person this request is addressed to, %(name)s. "
                "Only %(name)s can sign it. If that is you under another name, or the request should go to "
                "someone else, ask %(practice)s to correct the contact or address the request to the right person."
            )
            % {"name": signatory.name, "practice": practice},
            code="name_mismatch",
        )
    return typed_name, typed_title


@transaction.atomic
@PracticeProfile.pinned()
def decision_request_complete(
    *, request: DecisionRequest, choices: list[ItemChoice], evidence: SignerEvidence
) -> DecisionRequest:
    """Record the signed decisions with all evidence, in one transaction, or change nothing."""
    # Checked before any lock is taken: decoding and re-encoding the drawing is the slow part.
    if evidence.method not in Signature.Method.values:
        raise SigningError(_("This form does not match your request. Reload the page and try again."))
    signature_png = clean_signature_png(evidence.signature_png)
    lock_client(request.client_id)
    request = (
        DecisionRequest.objects.select_for_update(of=("self",))
        .select_related("client", "client__vcio", "signatory")
        .get(pk=request.pk)
    )
    now = timezone.now()
    _check_signable(request, now)
    if request.code_verified_at is None:
        raise SigningError(_("Confirm the one-time code first."))
    purpose = describe(request.purpose)
    items = {item.pk: item for item in request.items.select_related(purpose.subject_field)}
    for item in items.values():
        if item.recommendation_id:
            # Sent only with the request's own client's recommendations: share its locked row
            # rather than join the client again for each item.
            item.recommendation.client = request.client
    if {choice.item_id for choice in choices} != set(items) or len(choices) != len(items):
        raise SigningError(_("Decide every item in this request."))
    if any(choice.outcome not in purpose.outcomes for choice in choices):
        raise SigningError(_("This form does not match your request. Reload the page and try again."))
    _check_still_current(list(items.values()))
    typed_name, typed_title = _checked_identity(evidence, request)
    language = language_code(evidence.language or request.language)
    shown = in_language(shown_to_signer(request), language)
    english_choice = _english_choice(shown, evidence, now)
    shown_items = {item["position"]: item for item in shown["items"]}
    choices = sorted(choices, key=lambda c: items[c.item_id].position)
    for choice in choices:
        if choice.outcome == Decision.Outcome.REFUSE and not choice.reason.strip():
            title = shown_items[items[choice.item_id].position]["title"]
            raise SigningError(_("Give a reason for refusing “%(title)s”.") % {"title": title})
    signature = Signature.objects.create(
        request=request,
        typed_name=typed_name,
        typed_title=typed_title,
        signer_email=request.signatory.email,
        signature_png=signature_png,
        signature_sha256=hashlib.sha256(signature_png).hexdigest(),
        method=evidence.method,
        # The texts as the signer read them, in their language, from the snapshot.
        consent_text=shown["disclosure"]["text"],
        consent_version=shown["disclosure"]["version"],
        intent_text=shown["intent"]["text"],
        intent_version=shown["intent"]["version"],
        language=language,
        english_choice=english_choice,
        ip_address=evidence.ip_address,
        user_agent=evidence.user_agent[:USER_AGENT_MAX],
        signer_timezone=reported_timezone(evidence.signer_timezone),
        code_verified_at=request.code_verified_at,
        code_sent_to=request.code_sent_to,
        code_message_id=request.code_message_id,
        signed_at=now,
    )
    signer_label = f"signer:{request.signatory.public_id}"
    refusals = [choice for choice in choices if choice.outcome == Decision.Outcome.REFUSE]
    # The cadence of the agreement version the signer was shown, not of one edited since.
    cadence = (shown.get("agreement") or {}).get("refusal_cadence_days")
    valid_until = {
        choice.item_id: refusal_valid_until(
            level=shown_items[items[choice.item_id].position]["level"],
            agreement_cadence_days=cadence,
            signed_on=timezone.localdate(),
        )
        for choice in refusals
    }
    decisions = Decision.objects.bulk_create(
        Decision(
            request=request,
            item=items[choice.item_id],
            signature=signature,
            outcome=choice.outcome,
            reason=choice.reason.strip(),
            valid_until=valid_until.get(choice.item_id),
            decided_at=now,
        )
        for choice in choices
    )
    # Read after the client's row was locked, as every write about a client does: the
    # recommendations are current and stay so until this commits.
    audit_events = []
    for choice in choices:
        item = items[choice.item_id]
        if item.software_id:
            software_consent_record(
                software=item.software,
                status=Software.ConsentStatus.GIVEN
                if choice.outcome == Decision.Outcome.CONSENT_GIVEN
                else Software.ConsentStatus.REFUSED,
                request_id=str(request.public_id),
                actor_label=signer_label,
            )
            continue
        until = valid_until.get(choice.item_id)
        audit_events.append(
            recommendation_move(
                item.recommendation,
                "refuse" if choice.outcome == Decision.Outcome.REFUSE else "accept",
                valid_until=until,
                payload={"request": str(request.public_id), "valid_until": until.isoformat() if until else None},
                actor=None,
                actor_label=signer_label,
                now=now,
            )
        )
    request.status = RequestStatus.COMPLETED
    request.completed_at = now
    request.save(update_fields=["status", "completed_at"])
    audit_events.append(
        {
            "actor_label": signer_label,
            "event_type": EventType.REQUEST_SIGNED,
            "object_type": "decision_request",
            "object_id": str(request.public_id),
            "scope": request.client.scope,
            "summary": _signed_summary(request, choices),
            "payload": {
                "content_hash": request.content_hash,
                "signature_sha256": signature.signature_sha256,
                "signature_method": signature.method,
                "consent_version": signature.consent_version,
                "intent_version": signature.intent_version,
                "language": language,
                "english_choice": english_choice,
                "code_verified_at": request.code_verified_at.isoformat(),
                "ip": signature.ip_address,
                "user_agent": signature.user_agent,
                "session": evidence.session_hash,
            },
        }
    )
    webhook_events.request_signed(request, decisions, items)
    # Once, after every item has moved.
    client_rescore(client=request.client)
    # Last: the chain head's row lock serialises every write of the practice, so it is held only
    # for the events and the commit, not for the rescore and the webhooks (issue 26).
    audit_append_many(audit_events)
    # After commit, so the task reads the signed rows; a publish lost to a broker outage is picked
    # up by the render-missing-documents sweep. The signer's and the vCIO's emails go out with the
    # sealed document (waivers._record_and_send), not from here.
    transaction.on_commit(partial(document_render_publish, request_id=request.pk))
    return request


def _english_choice(shown: dict[str, Any], evidence: SignerEvidence, now: Any) -> dict[str, str] | None:
    """The signer's express choice of English, as evidence, when the request needs it (a Quebec
    client read in English); refused when it is needed and was not made."""
    if not english_choice_required(quebec=shown.get("quebec", False), language=shown["language"]):
        return None
    if not evidence.english_choice:
        raise SigningError(
            _(
                "This client is in Quebec: to sign in English, tick the box to confirm that you expressly choose "
                "English. Otherwise, switch this page to French and sign the French version."
            ),
            code="english_choice",
        )
    statement = shown["english_choice_statement"]
    return {
        "version": statement["version"],
        "text": ENGLISH_CHOICES[statement["version"]].text_in("en"),
        "chosen_at": now.isoformat(),
    }


def _signed_summary(request: DecisionRequest, choices: list[ItemChoice]) -> str:
    purpose = describe(request.purpose)
    counts = {outcome: sum(choice.outcome == outcome for choice in choices) for outcome in purpose.outcomes}
    return purpose.signed_summary.format(**counts)


def document_render_publish(*, request_id: int) -> None:
    """Queue the rendering of a completed request's document; call it on commit. By the task's pinned
    name: the documents package reads what signing records, so signing does not import it."""
    task_publish(
        registered_task("recommendations.tasks.render_request_document"),
        request_id,
        logger=logger,
        on_failure=f"Document for request {request_id} not queued; the document sweep will render it.",
    )
