"""Decision requests: sending a signing link, the one-time code, and recording the signed decision.

Evidence rules (SPEC section 8): the link token and the code are stored only as hashes; the
request binds a hash of exactly what the signer reads; a completed request is never changed.
"""

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Contact, PracticeProfile, Software, consent_sought_because
from clients.selectors import current_agreement, current_agreements, withdrawal_links_for
from clients.services import software_consent_record, withdrawal_link_issue
from recommendations.models import Decision, DecisionRequest, Recommendation, RequestItem, Signature
from recommendations.services import (
    client_rescore,
    lock_client,
    lock_clients,
    recommendation_move,
    refusal_valid_until,
)
from recommendations.waivers import document_render_publish
from riskreg.audit.chain import audit_append, audit_append_many
from riskreg.mail.services import email_enqueue

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
CODE_VALID_FOR = timedelta(minutes=10)
CODE_RESEND_COOLDOWN = timedelta(seconds=30)
MAX_CODE_SENDS = 5
MAX_CODE_ATTEMPTS = 5

Purpose = DecisionRequest.Purpose
RequestStatus = DecisionRequest.Status


class SigningError(ValidationError):
    pass


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def code_hash(request: DecisionRequest, code: str) -> str:
    # Keyed and bound to the request, so a leaked table row cannot be brute-forced offline
    # with a precomputed list of the million possible codes.
    return hmac.new(settings.SECRET_KEY.encode(), f"{request.public_id}:{code}".encode(), hashlib.sha256).hexdigest()


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


def sendable_statuses(purpose: str) -> list[str]:
    return ["presented"] if purpose == Purpose.DECISION else ["refused", "lapsed"]


def sendable_recommendations(client: Client, purpose: str = Purpose.DECISION) -> QuerySet[Recommendation]:
    return client.recommendations.filter(status__in=sendable_statuses(purpose)).order_by("-inherent_risk", "title")


def sendable_software(client: Client) -> QuerySet[Software]:
    """Programs whose install consent can be asked for: not removed, and consent not already given."""
    return (
        client.software.exclude(install_status=Software.InstallStatus.REMOVED)
        .exclude(consent_status=Software.ConsentStatus.GIVEN)
        .order_by("name")
    )


def _check_signatory(*, client: Client, signatory: Contact) -> None:
    if (
        signatory.client_id != client.pk
        or not signatory.can_sign
        or not signatory.is_active
        or signatory.erased_at is not None
    ):
        raise SigningError("Choose an active authorised signatory of this client.")


def _check_subjects(
    *, sends: list["Send"], allowed: QuerySet, field: str, empty_message: str, foreign_message: str
) -> None:
    """Each send has items, all of its own client and among what may be sent, and none of them
    already waits in an open request: one query however many sends."""
    if any(not send.subjects for send in sends):
        raise SigningError(empty_message)
    if any(subject.client_id != send.client.pk for send in sends for subject in send.subjects):
        raise SigningError(foreign_message)
    subjects = [subject for send in sends for subject in send.subjects]
    waiting = RequestItem.objects.filter(**{field: OuterRef("pk")}, request__status__in=DecisionRequest.OPEN_STATUSES)
    busy_by_pk = dict(
        allowed.order_by()
        .filter(pk__in=[subject.pk for subject in subjects])
        .annotate(busy=Exists(waiting))
        .values_list("pk", "busy")
    )
    if len(busy_by_pk) != len({subject.pk for subject in subjects}):
        raise SigningError(foreign_message)
    if busy := [subject for subject in subjects if busy_by_pk[subject.pk]]:
        names = ", ".join(f"“{subject}”" for subject in busy)
        raise SigningError(f"Already waiting in an open request: {names}. Revoke that request first.")


@dataclass(frozen=True)
class Send:
    """One request to send: `subjects` (recommendations, or programs for a consent request) of
    one client, to one of its signatories."""

    client: Client
    signatory: Contact
    subjects: list[Any]
    message: str = ""
    replaces: DecisionRequest | None = None


@transaction.atomic
def decision_request_send(
    *,
    actor: Any,
    client: Client,
    signatory: Contact,
    recommendations: list[Recommendation],
    message: str = "",
    purpose: str = Purpose.DECISION,
    replaces: DecisionRequest | None = None,
    actor_label: str | None = None,
) -> tuple[DecisionRequest, str]:
    """Create a request and its email; returns the request and the link token (never stored)."""
    [sent] = decision_requests_send(
        actor=actor,
        actor_label=actor_label,
        purpose=purpose,
        sends=[Send(client, signatory, recommendations, message, replaces)],
    )
    return sent


@transaction.atomic
@PracticeProfile.pinned()
def decision_requests_send(
    *, actor: Any, sends: list[Send], purpose: str = Purpose.DECISION, actor_label: str | None = None
) -> list[tuple[DecisionRequest, str]]:
    """Create requests and their emails, all or none; returns each request with its link token
    (never stored). A fixed number of queries however many requests, plus one per email: the
    re-acknowledgment sweep sends hundreds in one go."""
    # The clients' rows before their recommendations, the order of every write about a client: a
    # signer completing an open request of the same client then queues instead of deadlocking.
    lock_clients(send.client.pk for send in sends)
    locked = (
        Recommendation.objects.select_for_update()
        .order_by("pk")
        .in_bulk([recommendation.pk for send in sends for recommendation in send.subjects])
    )
    for send in sends:
        _check_signatory(client=send.client, signatory=send.signatory)
    # Checked against the locked rows: what is sent is what they hold until this commits.
    _check_subjects(
        sends=sends,
        allowed=Recommendation.objects.filter(status__in=sendable_statuses(purpose)),
        field="recommendation",
        empty_message="Choose at least one recommendation to send.",
        foreign_message="Only this client's recommendations awaiting a decision can be sent.",
    )
    sends = [
        replace(send, subjects=sorted((locked[r.pk] for r in send.subjects), key=lambda r: (-r.inherent_risk, r.title)))
        for send in sends
    ]
    agreements = current_agreements([send.client for send in sends])
    created = _requests_create(
        actor=actor,
        actor_label=actor_label,
        purpose=purpose,
        sends=sends,
        content_hashes=[
            content_hash(send.subjects, agreement.exclusions if (agreement := agreements.get(send.client.pk)) else "")
            for send in sends
        ],
    )
    for send, (request, token) in zip(sends, created, strict=True):
        email_enqueue(
            idempotency_key=f"request:{request.public_id}:link",
            kind="decision_request",
            to=[send.signatory.email],
            subject=f"Your decision is needed: {len(send.subjects)} security recommendation(s) for {send.client.name}",
            template="decision_request",
            context={
                "signatory_name": send.signatory.name,
                "client_name": send.client.name,
                "purpose": request.purpose,
                "message": send.message,
                "items": [{"title": r.title, "level": r.level_label} for r in send.subjects],
                "url": signing_url(token),
                "expires_at": request.expires_at,
            },
            scope=send.client.scope,
        )
    return created


def _requests_create(
    *, actor: Any, actor_label: str | None, purpose: str, sends: list[Send], content_hashes: list[str]
) -> list[tuple[DecisionRequest, str]]:
    """The requests, one item per recommendation or program, and their audit events; the caller
    has checked what is sent and writes the emails. Returns each request with its link token."""
    now = timezone.now()
    expires_at = now + timedelta(days=PracticeProfile.load().request_valid_days)
    tokens = [secrets.token_urlsafe(32) for _ in sends]
    requests = [
        DecisionRequest(
            client=send.client,
            signatory=send.signatory,
            purpose=purpose,
            message=send.message,
            token_hash=token_hash(token),
            content_hash=digest,
            disclosure_version=DISCLOSURE_VERSION,
            created_by=actor,
            replaces=send.replaces,
            sent_at=now,
            expires_at=expires_at,
        )
        for send, token, digest in zip(sends, tokens, content_hashes, strict=True)
    ]
    for request in requests:
        # The relations were checked by the caller, the check constraints hold by construction,
        # and the unique public id and token hash are random: the database enforces all of them
        # anyway, and validating them here costs a query each, eight per request.
        request.full_clean(
            exclude=["client", "signatory", "created_by"], validate_unique=False, validate_constraints=False
        )
    DecisionRequest.objects.bulk_create(requests)
    RequestItem.objects.bulk_create(
        _request_item(request, position, subject)
        for request, send in zip(requests, sends, strict=True)
        for position, subject in enumerate(send.subjects, start=1)
    )
    audit_append_many(
        [
            {
                "actor": actor,
                "actor_label": actor_label,
                "event_type": "request.sent",
                "object_type": "decision_request",
                "object_id": str(request.public_id),
                "scope": send.client.scope,
                "summary": f"{request.get_purpose_display()} request sent for {len(send.subjects)} item(s)",
                "payload": {
                    "items": [str(subject.public_id) for subject in send.subjects],
                    "signatory": str(send.signatory.public_id),
                    "content_hash": request.content_hash,
                    "expires_at": request.expires_at.isoformat(),
                    "replaces": str(send.replaces.public_id) if send.replaces else None,
                },
            }
            for request, send in zip(requests, sends, strict=True)
        ]
    )
    return list(zip(requests, tokens, strict=True))


def _request_item(request: DecisionRequest, position: int, subject: Recommendation | Software) -> RequestItem:
    if isinstance(subject, Software):
        return RequestItem(request=request, position=position, software=subject)
    return RequestItem(
        request=request, position=position, recommendation=subject, content_version=subject.content_version
    )


def _check_consent_sendable(send: Send) -> None:
    _check_signatory(client=send.client, signatory=send.signatory)
    practice = PracticeProfile.load()
    if not practice.mailing_address.strip() or not (practice.email or practice.phone):
        raise SigningError(
            "Set the practice's mailing address and an email or phone number in the practice profile first: "
            "CASL requires them in every consent request."
        )
    _check_subjects(
        sends=[send],
        allowed=sendable_software(send.client),
        field="software",
        empty_message="Choose at least one program to ask consent for.",
        foreign_message="Only this client's programs that are not removed and lack consent can be sent.",
    )


@transaction.atomic
def consent_request_send(
    *,
    actor: Any,
    client: Client,
    signatory: Contact,
    software: list[Software],
    message: str = "",
    replaces: DecisionRequest | None = None,
    actor_label: str | None = None,
) -> tuple[DecisionRequest, str]:
    """Ask the signatory for install consent (CASL) to one or more programs through the signing
    flow; returns the request and the link token (never stored)."""
    software = list(Software.objects.select_for_update().filter(pk__in=[s.pk for s in software]).order_by("name"))
    send = Send(client, signatory, software, message, replaces)
    _check_consent_sendable(send)
    practice = PracticeProfile.load()
    [(request, token)] = _requests_create(
        actor=actor,
        actor_label=actor_label,
        purpose=Purpose.SOFTWARE_CONSENT,
        sends=[send],
        content_hashes=[consent_content_hash(software, practice, client)],
    )
    items = []
    for program in software:
        software_consent_record(
            software=program,
            status=Software.ConsentStatus.REQUESTED,
            request_id=str(request.public_id),
            actor=actor,
            actor_label=actor_label,
        )
        items.append(
            {
                "name": program.name,
                "publisher": program.publisher,
                "function_and_purpose": program.function_and_purpose,
                "disclosures": program.disclosures(),
                "withdrawal_url": withdrawal_link_issue(software=program, issued_for=request.public_id),
            }
        )
    email_enqueue(
        idempotency_key=f"request:{request.public_id}:link",
        kind="consent_request",
        to=[signatory.email],
        subject=f"Your consent is needed: installing {len(software)} program(s) on {client.name}'s computers",
        template="consent_request",
        context={
            "signatory_name": signatory.name,
            "client_name": client.name,
            "message": message,
            "sought_because": consent_sought_because(practice_name=practice.legal_name, client_name=client.name),
            "items": items,
            "url": signing_url(token),
            "expires_at": request.expires_at,
        },
        scope=client.scope,
    )
    return request, token


def _close(request: DecisionRequest, *, status: str, reason: str, actor: Any, actor_label: str | None = None) -> None:
    changed = DecisionRequest.objects.filter(pk=request.pk, status__in=DecisionRequest.OPEN_STATUSES).update(
        status=status, closed_at=timezone.now(), close_reason=reason
    )
    if not changed:
        raise SigningError("This request is no longer open.")
    request.refresh_from_db()
    audit_append(
        actor=actor,
        actor_label=actor_label,
        event_type=f"request.{status}",
        object_type="decision_request",
        object_id=str(request.public_id),
        scope=request.client.scope,
        summary=f"Request {request.get_status_display().lower()}: {reason}",
        payload={"reason": reason},
    )


@transaction.atomic
def decision_request_revoke(*, actor: Any, request: DecisionRequest, reason: str = "revoked by staff") -> None:
    _close(request, status=RequestStatus.REVOKED, reason=reason, actor=actor)


@transaction.atomic
def decision_request_resend(*, actor: Any, request: DecisionRequest) -> tuple[DecisionRequest, str]:
    """Issue a new link for the same items and kill the old one (also after voiding or expiry)."""
    if request.is_open:
        _close(request, status=RequestStatus.REVOKED, reason="replaced by a new link", actor=actor)
    elif request.status == RequestStatus.COMPLETED:
        raise SigningError("This request has been signed; there is nothing to re-send.")
    if request.purpose == Purpose.SOFTWARE_CONSENT:
        return consent_request_send(
            actor=actor,
            client=request.client,
            signatory=request.signatory,
            software=[item.software for item in request.items.select_related("software")],
            message=request.message,
            replaces=request,
        )
    recommendations = [item.recommendation for item in request.items.select_related("recommendation")]
    return decision_request_send(
        actor=actor,
        client=request.client,
        signatory=request.signatory,
        recommendations=recommendations,
        message=request.message,
        purpose=request.purpose,
        replaces=request,
    )


def request_for_token(token: str) -> DecisionRequest | None:
    """The open, unexpired request behind a link, or None (and no hint why)."""
    if not token or len(token) > 100:
        return None
    try:
        # get(), not first(): the token hash is unique, and first() would add an ORDER BY.
        request = DecisionRequest.objects.select_related("client", "signatory").get(token_hash=token_hash(token))
    except DecisionRequest.DoesNotExist:
        return None
    if not request.is_open or request.expires_at <= timezone.now():
        return None
    return request


@transaction.atomic
def decision_request_mark_viewed(*, request: DecisionRequest) -> None:
    """Log the first view; later views change nothing."""
    changed = DecisionRequest.objects.filter(pk=request.pk, viewed_at__isnull=True).update(
        viewed_at=timezone.now(), status=RequestStatus.VIEWED
    )
    if changed:
        audit_append(
            actor=None,
            actor_label=f"signer:{request.signatory.public_id}",
            event_type="request.viewed",
            object_type="decision_request",
            object_id=str(request.public_id),
            scope=request.client.scope,
            summary="Signing link opened by the signatory",
        )


@transaction.atomic
def signing_code_send(*, request: DecisionRequest) -> None:
    request = DecisionRequest.objects.select_for_update().select_related("client", "signatory").get(pk=request.pk)
    now = timezone.now()
    if request.code_sends >= MAX_CODE_SENDS:
        raise SigningError("Too many codes have been sent for this request. Please contact your provider.")
    if request.code_sent_at and now - request.code_sent_at < CODE_RESEND_COOLDOWN:
        raise SigningError("A code was sent moments ago. Please check your email, or try again in 30 seconds.")
    code = f"{secrets.randbelow(1_000_000):06d}"
    request.code_hash = code_hash(request, code)
    request.code_sent_at = now
    request.code_expires_at = now + CODE_VALID_FOR
    request.code_sends += 1
    request.save(update_fields=["code_hash", "code_sent_at", "code_expires_at", "code_sends"])
    audit_append(
        actor=None,
        actor_label=f"signer:{request.signatory.public_id}",
        event_type="request.code_sent",
        object_type="decision_request",
        object_id=str(request.public_id),
        scope=request.client.scope,
        summary=f"One-time code sent to the signatory (code {request.code_sends})",
    )
    email_enqueue(
        idempotency_key=f"request:{request.public_id}:code:{request.code_sends}",
        kind="signing_code",
        to=[request.signatory.email],
        subject=f"Your RiskReg signing code: {code}",
        template="signing_code",
        context={"signatory_name": request.signatory.name, "code": code, "client_name": request.client.name},
        scope=request.client.scope,
    )


def signing_code_verify(*, request: DecisionRequest, code: str) -> None:
    """Raise SigningError for a wrong, expired or exhausted code. A wrong attempt is counted
    (and may lock the request) even though the caller sees an error."""
    with transaction.atomic():
        request = DecisionRequest.objects.select_for_update().select_related("client", "signatory").get(pk=request.pk)
        if request.status == RequestStatus.LOCKED:
            raise SigningError("This request is locked after too many wrong codes. Your provider has been told.")
        if not request.code_hash or request.code_expires_at is None or request.code_expires_at <= timezone.now():
            raise SigningError("This code has expired. Request a new code.")
        if hmac.compare_digest(request.code_hash, code_hash(request, code.strip())):
            request.code_verified_at = timezone.now()
            request.code_hash = ""
            request.save(update_fields=["code_verified_at", "code_hash"])
            audit_append(
                actor=None,
                actor_label=f"signer:{request.signatory.public_id}",
                event_type="request.code_verified",
                object_type="decision_request",
                object_id=str(request.public_id),
                scope=request.client.scope,
                summary="Signatory confirmed the one-time code",
            )
            return
        request.code_attempts += 1
        request.save(update_fields=["code_attempts"])
        locked = request.code_attempts >= MAX_CODE_ATTEMPTS
        if locked:
            _lock(request)
    # Raised after the block commits: the failed attempt (and a lock) must be kept.
    if locked:
        raise SigningError("Too many wrong codes. This request is now locked and your provider has been told.")
    raise SigningError(f"That code is not right. {MAX_CODE_ATTEMPTS - request.code_attempts} attempt(s) left.")


def _lock(request: DecisionRequest) -> None:
    _close(
        request, status=RequestStatus.LOCKED, reason="too many wrong one-time codes", actor=None, actor_label="system"
    )
    vcio = request.client.vcio
    if vcio and vcio.email:
        email_enqueue(
            idempotency_key=f"request:{request.public_id}:locked",
            kind="request_locked",
            to=[vcio.email],
            subject=f"Signing request locked for {request.client.name}",
            template="staff_notice",
            context={
                "heading": "A signing request was locked",
                "paragraphs": [
                    f"The signing request for {request.client.name} received {MAX_CODE_ATTEMPTS} wrong one-time "
                    "codes and has been locked. If the signatory needs to sign, send a new link.",
                ],
                "link_url": settings.RISKREG_BASE_URL.rstrip("/")
                + reverse("signing:request_detail", args=[request.public_id]),
                "link_label": "Open the request",
            },
            scope=request.client.scope,
        )


@dataclass(frozen=True)
class ItemChoice:
    item_id: int
    outcome: str  # ACCEPT or REFUSE for a recommendation; CONSENT_GIVEN or CONSENT_REFUSED for a program
    reason: str


RECOMMENDATION_OUTCOMES = {Decision.Outcome.ACCEPT, Decision.Outcome.REFUSE}
CONSENT_OUTCOMES = {Decision.Outcome.CONSENT_GIVEN, Decision.Outcome.CONSENT_REFUSED}


def _item_title(item: RequestItem) -> str:
    return item.software.name if item.software_id else item.recommendation.title


def _check_still_current(request: DecisionRequest, items: list[RequestItem]) -> None:
    """The signer may only sign the exact content they were sent."""
    if request.purpose == Purpose.SOFTWARE_CONSENT:
        software = [item.software for item in items]
        if consent_content_hash(software, PracticeProfile.load(), request.client) != request.content_hash:
            raise SigningError(
                "The description of a program changed after this request was sent. Your provider will send a new link."
            )
        return
    if any(
        item.recommendation.content_version != item.content_version or item.recommendation.status in {"withdrawn"}
        for item in items
    ):
        raise SigningError("A recommendation changed after this request was sent. Your provider will send a new link.")


@dataclass(frozen=True)
class SignerEvidence:
    typed_name: str
    typed_title: str
    signature_png: bytes
    ip_address: str
    user_agent: str
    signer_timezone: str


@transaction.atomic
@PracticeProfile.pinned()
def decision_request_complete(
    *, request: DecisionRequest, choices: list[ItemChoice], evidence: SignerEvidence
) -> DecisionRequest:
    """Record the signed decisions with all evidence, in one transaction, or change nothing."""
    lock_client(request.client_id)
    request = (
        DecisionRequest.objects.select_for_update(of=("self",))
        .select_related("client", "client__vcio", "signatory")
        .get(pk=request.pk)
    )
    now = timezone.now()
    if not request.is_open or request.expires_at <= now:
        raise SigningError("This request can no longer be signed.")
    if request.code_verified_at is None:
        raise SigningError("Confirm the one-time code first.")
    items = {item.pk: item for item in request.items.select_related("recommendation__client", "software")}
    if {choice.item_id for choice in choices} != set(items) or len(choices) != len(items):
        raise SigningError("Decide every item in this request.")
    if any(
        choice.outcome not in (CONSENT_OUTCOMES if items[choice.item_id].software_id else RECOMMENDATION_OUTCOMES)
        for choice in choices
    ):
        raise SigningError("This form does not match your request. Reload the page and try again.")
    _check_still_current(request, sorted(items.values(), key=lambda item: item.position))
    if not evidence.typed_name.strip():
        raise SigningError("Type your full name.")
    choices = sorted(choices, key=lambda c: items[c.item_id].position)
    for choice in choices:
        if choice.outcome == Decision.Outcome.REFUSE and not choice.reason.strip():
            raise SigningError(f"Give a reason for refusing “{items[choice.item_id].recommendation.title}”.")
    signature = Signature.objects.create(
        request=request,
        typed_name=evidence.typed_name.strip(),
        typed_title=evidence.typed_title.strip(),
        signer_email=request.signatory.email,
        signature_png=evidence.signature_png,
        signature_sha256=hashlib.sha256(evidence.signature_png).hexdigest(),
        consent_text=CONSENT_TEXT,
        consent_version=DISCLOSURE_VERSION,
        intent_text=intent_text_for(request.purpose),
        intent_version=CONSENT_INTENT_VERSION if request.purpose == Purpose.SOFTWARE_CONSENT else INTENT_VERSION,
        ip_address=evidence.ip_address,
        user_agent=evidence.user_agent[:1000],
        signer_timezone=evidence.signer_timezone[:64] or "UTC",
        code_verified_at=request.code_verified_at,
        signed_at=now,
    )
    signer_label = f"signer:{request.signatory.public_id}"
    refusals = [choice for choice in choices if choice.outcome == Decision.Outcome.REFUSE]
    agreement = current_agreement(request.client) if refusals else None
    valid_until = {
        choice.item_id: refusal_valid_until(
            level=items[choice.item_id].recommendation.level, agreement=agreement, signed_on=timezone.localdate()
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
            "event_type": "request.signed",
            "object_type": "decision_request",
            "object_id": str(request.public_id),
            "scope": request.client.scope,
            "summary": _signed_summary(request, choices),
            "payload": {
                "content_hash": request.content_hash,
                "signature_sha256": signature.signature_sha256,
                "consent_version": DISCLOSURE_VERSION,
                "intent_version": signature.intent_version,
                "code_verified_at": request.code_verified_at.isoformat(),
            },
        }
    )
    audit_append_many(audit_events)
    # Once, after every item has moved.
    client_rescore(client=request.client)
    _send_confirmations(request, decisions)
    # After commit, so the task reads the signed rows; a publish lost to a broker outage is picked
    # up by the render-missing-documents sweep.
    transaction.on_commit(partial(document_render_publish, request_id=request.pk))
    return request


def _signed_summary(request: DecisionRequest, choices: list[ItemChoice]) -> str:
    def count(outcome: str) -> int:
        return sum(choice.outcome == outcome for choice in choices)

    if request.purpose == Purpose.SOFTWARE_CONSENT:
        given, refused = count(Decision.Outcome.CONSENT_GIVEN), count(Decision.Outcome.CONSENT_REFUSED)
        return f"Signed by the signatory: install consent given for {given}, refused for {refused}"
    return f"Signed by the signatory: {count('accept')} accepted, {count('refuse')} refused"


def _send_consent_confirmations(request: DecisionRequest, decisions: list[Decision]) -> None:
    links = withdrawal_links_for(request.public_id)
    rows = [
        {
            "name": d.item.software.name,
            "publisher": d.item.software.publisher,
            "given": d.outcome == Decision.Outcome.CONSENT_GIVEN,
            "outcome": d.get_outcome_display(),
            "reason": d.reason,
            "withdrawal_url": links.get(d.item.software_id, ""),
        }
        for d in decisions
    ]
    given = sum(row["given"] for row in rows)
    _email_signer_and_vcio(
        request,
        template="consent_confirmation",
        signer=("consent_confirmation", f"Your install consent for {request.client.name} is recorded", rows),
        # Staff never get the client's withdrawal links: a withdrawal is the client's act.
        staff=(
            "consent_recorded",
            f"{request.client.name} signed install consent: {given} given, {len(rows) - given} refused",
            [{**row, "withdrawal_url": ""} for row in rows],
        ),
    )


def _send_confirmations(request: DecisionRequest, decisions: list[Decision]) -> None:
    """The signer's copy and the vCIO's notice; `decisions` as just recorded, in item order."""
    if request.purpose == Purpose.SOFTWARE_CONSENT:
        _send_consent_confirmations(request, decisions)
        return
    rows = [
        {
            "title": d.item.recommendation.title,
            "outcome": d.get_outcome_display(),
            "reason": d.reason,
            "valid_until": d.valid_until,
        }
        for d in decisions
    ]
    refused = sum(d.outcome == Decision.Outcome.REFUSE for d in decisions)
    _email_signer_and_vcio(
        request,
        template="decision_confirmation",
        signer=(
            "decision_confirmation",
            f"Your decision on security recommendations for {request.client.name} is recorded",
            rows,
        ),
        staff=("decision_recorded", f"{request.client.name} signed: {refused} refusal(s)", rows),
    )


def _email_signer_and_vcio(
    request: DecisionRequest,
    *,
    template: str,
    signer: tuple[str, str, list[dict]],
    staff: tuple[str, str, list[dict]],
) -> None:
    """The signer's copy and the vCIO's notice of one completed request; each is (kind, subject, rows)."""
    base = {"client_name": request.client.name, "signed_at": request.completed_at}
    kind, subject, rows = signer
    email_enqueue(
        idempotency_key=f"request:{request.public_id}:confirmation:signer",
        kind=kind,
        to=[request.signatory.email],
        subject=subject,
        template=template,
        context={**base, "decisions": rows, "recipient_name": request.signatory.name, "for_staff": False},
        scope=request.client.scope,
    )
    vcio = request.client.vcio
    if not (vcio and vcio.email):
        return
    kind, subject, rows = staff
    email_enqueue(
        idempotency_key=f"request:{request.public_id}:confirmation:vcio",
        kind=kind,
        to=[vcio.email],
        subject=subject,
        template=template,
        context={
            **base,
            "decisions": rows,
            "recipient_name": vcio.get_full_name() or vcio.get_username(),
            "for_staff": True,
            "link_url": settings.RISKREG_BASE_URL.rstrip("/")
            + reverse("register:client_detail", args=[request.client.public_id]),
        },
        scope=request.client.scope,
    )
