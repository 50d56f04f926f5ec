"""A contact's personal data: export it all (JSON), and erase it (SPEC section 10).

Erasure anonymises the contact everywhere except inside signed records under legal hold: the
signature evidence and the sealed PDF of every request the contact signed for a client that is
still a client, or whose relationship ended less than the practice's retention period ago. Those
stay exactly as signed, so they remain verifiable; `purge_expired_holds` anonymises them once
their hold has passed.

Lives in `recommendations` because signatures and decisions do, and `clients` never imports them.
Audit payloads carry ids, counts and dates only: the chain is permanent.
"""

import hashlib
import html
import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from clients.holds import active_litigation_hold
from clients.locking import lock_client, lock_clients
from clients.models import Client, Contact, LitigationHold, PracticeProfile
from recommendations import signing
from recommendations.models import Decision, DecisionRequest, Signature, WaiverDocument
from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType
from riskreg.audit.models import AuditEvent
from riskreg.mail.models import OutboundEmail

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "riskreg-contact-export/1"
ERASED_NAME = "Erased contact"
ERASED_DOMAIN = "erased.invalid"
REDACTED = "[erased]"
REDACTED_BODY = "[Personal data erased on request.]"


def erased_email(contact: Contact) -> str:
    return f"erased-{contact.public_id.hex[:12]}@{ERASED_DOMAIN}"


# --- legal hold -------------------------------------------------------------------------------


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def hold_until(client: Client, profile: PracticeProfile) -> date | None:
    """The last day the client's signed records are held; None while the relationship has no end
    date (an active client, or a former one whose end date was never recorded)."""
    if client.relationship_ended_on is None:
        return None
    return _add_years(client.relationship_ended_on, profile.retention_years)


def is_held(client: Client, *, today: date, profile: PracticeProfile) -> bool:
    until = hold_until(client, profile)
    return until is None or today < until


@dataclass(frozen=True)
class HeldRecord:
    request: DecisionRequest
    document: WaiverDocument | None
    held_until: date | None


def _signed_requests(contact: Contact) -> list[DecisionRequest]:
    return list(
        DecisionRequest.objects.filter(signatory=contact, signature__isnull=False)
        .select_related("client", "signature", "document")
        .order_by("completed_at")
    )


def contact_holds(contact: Contact, *, today: date | None = None) -> list[HeldRecord]:
    """The contact's signed records that erasure must keep, and until when."""
    profile = PracticeProfile.load()
    today = today or timezone.localdate()
    if not is_held(contact.client, today=today, profile=profile):
        return []
    until = hold_until(contact.client, profile)
    return [
        HeldRecord(request=request, document=getattr(request, "document", None), held_until=until)
        for request in _signed_requests(contact)
        if not _is_anonymised(request.signature)
    ]


# --- export -----------------------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def contact_addresses(contact: Contact) -> set[str]:
    """The contact's email address now and every address they signed with (it may have changed)."""
    signed_with = Signature.objects.filter(request__signatory=contact).values_list("signer_email", flat=True)
    return {address.lower() for address in [contact.email, *signed_with] if not address.endswith(ERASED_DOMAIN)}


def _emails_to(addresses: set[str]) -> list[OutboundEmail]:
    # JSON lists are searched as text (portable across SQLite and PostgreSQL), then matched exactly.
    found = Q(pk__in=[])
    for address in addresses:
        found |= Q(to_text__icontains=address) | Q(cc_text__icontains=address)
    rows = (
        OutboundEmail.objects.annotate(to_text=Cast("to", TextField()), cc_text=Cast("cc", TextField()))
        .filter(found)
        .order_by("created_at", "pk")
    )
    return [row for row in rows if addresses & {a.lower() for a in [*row.to, *row.cc]}]


def contact_export_data(contact: Contact) -> dict[str, Any]:
    """Every piece of personal data the product holds about one contact, as plain JSON types."""
    requests = list(
        DecisionRequest.objects.filter(signatory=contact)
        .select_related("signature", "document")
        .prefetch_related("items__recommendation", "items__software")
        .order_by("sent_at")
    )
    signed = [r for r in requests if hasattr(r, "signature")]
    decisions = (
        Decision.objects.filter(request__signatory=contact)
        .select_related("request", "item__recommendation", "item__software")
        .order_by("decided_at", "pk")
    )
    activity = AuditEvent.objects.filter(actor_label=f"signer:{contact.public_id}").order_by("sequence")
    return {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "contact": {
            "id": str(contact.public_id),
            "client": contact.client.name,
            "name": contact.name,
            "title": contact.title,
            "email": contact.email,
            "phone": contact.phone,
            "authorised_signatory": contact.can_sign,
            "active": contact.is_active,
            "created_at": _iso(contact.created_at),
            "erased_at": _iso(contact.erased_at),
        },
        "requests_addressed_to_contact": [
            {
                "id": str(r.public_id),
                "purpose": r.purpose,
                "status": r.status,
                "message": r.message,
                "items": [
                    item.software.name if item.software_id else item.recommendation.title for item in r.items.all()
                ],
                "sent_at": _iso(r.sent_at),
                "expires_at": _iso(r.expires_at),
                "viewed_at": _iso(r.viewed_at),
                "code_sent_at": _iso(r.code_sent_at),
                "code_verified_at": _iso(r.code_verified_at),
                "code_sent_to": r.code_sent_to,
                "completed_at": _iso(r.completed_at),
                "closed_at": _iso(r.closed_at),
                "close_reason": r.close_reason,
            }
            for r in requests
        ],
        "signatures": [_signature_export(r) for r in signed],
        "decisions": [
            {
                "request": str(d.request.public_id),
                "item": d.item.software.name if d.item.software_id else d.item.recommendation.title,
                "outcome": d.outcome,
                "reason": d.reason,
                "valid_until": _iso(d.valid_until),
                "decided_at": _iso(d.decided_at),
            }
            for d in decisions
        ],
        "emails_sent_to_contact": [
            {
                "kind": e.kind,
                "to": e.to,
                "cc": e.cc,
                "subject": e.subject,
                "body_text": e.body_text,
                "status": e.status,
                "created_at": _iso(e.created_at),
                "sent_at": _iso(e.sent_at),
            }
            for e in _emails_to(contact_addresses(contact))
        ],
        "other_emails_mentioning_contact": [
            {"kind": e.kind, "subject": e.subject, "body_text": e.body_text, "created_at": _iso(e.created_at)}
            for e in _emails_mentioning(contact)
        ],
        "activity_as_signatory": [
            {
                "at": _iso(event.occurred_at),
                "event": event.event_type,
                "summary": event.summary,
                # Each step's evidence: the address and browser it came from (the session only as a hash).
                **{key: event.payload[key] for key in ("ip", "user_agent") if key in event.payload},
            }
            for event in activity
        ],
    }


def _mentions(needles: list[str]) -> Q:
    mentions = Q(pk__in=[])
    for needle in needles:
        mentions |= Q(subject__icontains=needle) | Q(body_text__icontains=needle) | Q(body_html__icontains=needle)
        mentions |= Q(last_error__icontains=needle)
    return mentions


def _contact_needles(contact: Contact, addresses: set[str]) -> list[str]:
    typed_names = Signature.objects.filter(request__signatory=contact).values_list("typed_name", flat=True)
    return _needles(contact.name, contact.phone, *addresses, *typed_names)


def _emails_mentioning(contact: Contact) -> list[OutboundEmail]:
    """Emails to someone else (a staff notice) that name the contact."""
    addresses = contact_addresses(contact)
    to_contact = {row.pk for row in _emails_to(addresses)}
    needles = _contact_needles(contact, addresses)
    rows = OutboundEmail.objects.filter(_mentions(needles), scope=contact.client.scope).order_by("created_at", "pk")
    return [row for row in rows if row.pk not in to_contact and _scrub(_email_text(row), needles) != _email_text(row)]


def _email_text(row: OutboundEmail) -> str:
    return "\n".join((row.subject, row.body_text, row.body_html, row.last_error))


def _signature_export(request: DecisionRequest) -> dict[str, Any]:
    signature: Signature = request.signature
    document = getattr(request, "document", None)
    return {
        "request": str(request.public_id),
        "typed_name": signature.typed_name,
        "typed_title": signature.typed_title,
        "email": signature.signer_email,
        "ip_address": signature.ip_address,
        "user_agent": signature.user_agent,
        "timezone": signature.signer_timezone,
        "code_verified_at": _iso(signature.code_verified_at),
        "code_sent_to": signature.code_sent_to,
        "code_message_id": signature.code_message_id,
        "signed_at": _iso(signature.signed_at),
        # The drawn image itself stays in the signed record; its fingerprint identifies it.
        "signature_image_sha256": hashlib.sha256(bytes(signature.signature_png)).hexdigest()
        if signature.signature_png
        else signature.signature_sha256,
        "consent_version": signature.consent_version,
        "intent_version": signature.intent_version,
        "document_id": document.document_id if document else None,
        "document_sha256": document.sha256 if document else None,
    }


@transaction.atomic
def contact_export(*, actor: User | None, contact: Contact) -> dict[str, Any]:
    """The export, with an audit event saying who took it (no personal data in the event)."""
    lock_client(contact.client_id)
    data = contact_export_data(contact)
    audit_append(
        actor=actor,
        event_type=EventType.CONTACT_EXPORTED,
        object_type="contact",
        object_id=str(contact.public_id),
        scope=contact.client.scope,
        summary="Personal data of a contact exported",
        payload={
            "requests": len(data["requests_addressed_to_contact"]),
            "signatures": len(data["signatures"]),
            "decisions": len(data["decisions"]),
            "emails": len(data["emails_sent_to_contact"]),
        },
    )
    return data


# --- erasure ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErasureResult:
    held: list[HeldRecord]
    anonymised_signatures: int
    redacted_emails: int


def _is_anonymised(signature: Signature) -> bool:
    return signature.signer_email.endswith(f"@{ERASED_DOMAIN}")


def _scrub(text: str, needles: list[str]) -> str:
    # Whole words only: erasing "Ann" must not turn "Annual" into "[erased]ual".
    for needle in needles:
        text = re.sub(rf"(?<!\w){re.escape(needle)}(?!\w)", REDACTED, text, flags=re.IGNORECASE)
    return text


def _needles(*values: str) -> list[str]:
    """Each value as stored in plain text and as escaped in HTML, longest first."""
    found = {form for value in values if value.strip() for form in (value, html.escape(value))}
    return sorted(found, key=len, reverse=True)


def _redact_outbox(*, addresses: set[str], needles: list[str], placeholder: str, scope: str) -> int:
    """Emails to the contact lose their recipients and bodies; any other email about the client
    that mentions the contact (a staff notice) loses the mentions. Unsent emails to the contact
    are never sent."""
    to_contact = {row.pk for row in _emails_to(addresses)}
    count = 0
    candidates = Q(pk__in=to_contact) | (_mentions(needles) & Q(scope=scope))
    for row in OutboundEmail.objects.filter(candidates).select_for_update():
        before = (row.subject, row.body_text, row.body_html, row.last_error)
        if row.pk in to_contact:
            row.to = [placeholder if a.lower() in addresses else a for a in row.to]
            row.cc = [placeholder if a.lower() in addresses else a for a in row.cc]
            row.body_text = REDACTED_BODY
            row.body_html = ""
            if row.status == OutboundEmail.Status.PENDING:
                row.status = OutboundEmail.Status.FAILED
                row.next_attempt_at = None
        row.subject = _scrub(row.subject, needles)
        row.body_text = _scrub(row.body_text, needles)
        row.body_html = _scrub(row.body_html, needles)
        row.last_error = _scrub(row.last_error, needles)
        if row.pk in to_contact and row.status == OutboundEmail.Status.FAILED and not row.last_error:
            row.last_error = "Not sent: the recipient's personal data was erased."
        if row.pk not in to_contact and (row.subject, row.body_text, row.body_html, row.last_error) == before:
            continue  # a mere substring ("Ann" in "Annual"), not a mention
        row.save(
            update_fields=["to", "cc", "subject", "body_text", "body_html", "status", "next_attempt_at", "last_error"]
        )
        count += 1
    return count


def _anonymise_signed_record(request: DecisionRequest, *, placeholder: str) -> None:
    """After its hold: the signature evidence and decision reasons are anonymised and the PDF,
    which cannot be edited without breaking its seal, is deleted. The document's SHA-256 stays,
    so the register can still say such a document was issued."""
    Signature.objects.filter(pk=request.signature.pk).update(
        typed_name=ERASED_NAME,
        typed_title="",
        signer_email=placeholder,
        code_sent_to=placeholder if request.signature.code_sent_to else "",
        signature_png=b"",
        ip_address="0.0.0.0",
        user_agent="",
        signer_timezone="UTC",
    )
    Decision.objects.filter(request=request).exclude(reason="").update(reason=REDACTED)
    document = getattr(request, "document", None)
    if document is not None and document.file:
        name = document.file.name
        WaiverDocument.objects.filter(pk=document.pk).update(file="")
        transaction.on_commit(lambda: default_storage.delete(name))


@transaction.atomic
def contact_erase(*, actor: User | None, contact: Contact) -> ErasureResult:
    """Anonymise a contact everywhere except inside their signed records under legal hold."""
    lock_client(contact.client_id)
    contact = Contact.objects.select_for_update(of=("self",)).select_related("client").get(pk=contact.pk)
    if contact.erased_at is not None:
        raise signing.SigningError("This contact has already been erased.")
    hold = active_litigation_hold(contact.client)
    if hold is not None:
        raise signing.SigningError(
            f"{contact.client.name} is under a litigation hold since {hold.placed_at:%Y-%m-%d}: nothing about "
            "this client can be erased until a manager releases the hold."
        )
    held = contact_holds(contact)
    held_ids = {record.request.pk for record in held}
    placeholder = erased_email(contact)
    addresses = contact_addresses(contact)
    needles = _contact_needles(contact, addresses)
    # Before the first audit append (a revocation): the outbox rows must be locked before the
    # chain head, as the mail task records a sent email (its row, then the head).
    emails = _redact_outbox(addresses=addresses, needles=needles, placeholder=placeholder, scope=contact.client.scope)
    for request in DecisionRequest.objects.filter(signatory=contact, status__in=DecisionRequest.OPEN_STATUSES):
        signing.decision_request_revoke(actor=actor, request=request, reason="signatory's personal data erased")
    released = [r for r in _signed_requests(contact) if r.pk not in held_ids and not _is_anonymised(r.signature)]
    for request in released:
        _anonymise_signed_record(request, placeholder=placeholder)
    # The message may name people; where a code was sent is kept only inside the signed record.
    DecisionRequest.objects.filter(signatory=contact).update(message="", code_sent_to="")
    contact.name = ERASED_NAME
    contact.email = placeholder
    contact.phone = ""
    contact.title = ""
    contact.can_sign = False
    contact.is_active = False
    contact.erased_at = timezone.now()
    contact.save(update_fields=["name", "email", "phone", "title", "can_sign", "is_active", "erased_at"])
    audit_append(
        actor=actor,
        event_type=EventType.CONTACT_ERASED,
        object_type="contact",
        object_id=str(contact.public_id),
        scope=contact.client.scope,
        summary=f"Contact's personal data erased; {len(held)} signed record(s) kept under legal hold",
        payload={
            "held": [{"request": str(r.request.public_id), "until": _iso(r.held_until)} for r in held],
            "anonymised_signed_records": [str(r.public_id) for r in released],
            "emails_redacted": emails,
        },
    )
    return ErasureResult(held=held, anonymised_signatures=len(released), redacted_emails=emails)


@transaction.atomic
def purge_expired_holds(*, today: date | None = None) -> int:
    """Anonymise the signed records of erased contacts whose hold has passed; returns how many.

    Safe to run any number of times: an anonymised record is recognised and skipped."""
    today = today or timezone.localdate()
    profile = PracticeProfile.load()
    unpurged = (
        Signature.objects.filter(
            request__signatory__erased_at__isnull=False, request__client__relationship_ended_on__isnull=False
        )
        .exclude(signer_email__endswith=f"@{ERASED_DOMAIN}")
        # A litigation hold keeps every record of the client as it is until it is released.
        .exclude(Exists(LitigationHold.objects.filter(client=OuterRef("request__client"), released_at__isnull=True)))
    )
    lock_clients(unpurged.values_list("request__client_id", flat=True))
    candidates = (
        unpurged.select_for_update(of=("self",))
        .select_related("request__client", "request__signatory", "request__document")
    )
    purged = 0
    for signature in candidates:
        request = signature.request
        if is_held(request.client, today=today, profile=profile):
            continue
        _anonymise_signed_record(request, placeholder=request.signatory.email)
        audit_append(
            actor=None,
            actor_label="system",
            event_type=EventType.PRIVACY_HOLD_RELEASED,
            object_type="decision_request",
            object_id=str(request.public_id),
            scope=request.client.scope,
            summary="Legal hold passed: an erased contact's signed record anonymised and its PDF deleted",
            payload={"held_until": _iso(hold_until(request.client, profile))},
        )
        purged += 1
    return purged
