"""A contact's personal data: erase it (SPEC section 10); export.py exports it all (JSON), holds.py
says which signed records are under legal hold, finding.py where the data is.

Erasure anonymises the contact everywhere except inside signed records under legal hold: the
signature evidence and the sealed PDF of every request the contact signed for a client that is
still a client, or whose relationship ended less than the practice's retention period ago. Those
stay exactly as signed, so they remain verifiable; `purge_expired_holds` anonymises them once
their hold has passed.

Lives in `recommendations` because signatures and decisions do, and `clients` never imports them.
Audit payloads carry ids, counts and dates only: the chain is permanent.
"""

import logging
from dataclasses import dataclass
from datetime import date

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from clients.holds import active_litigation_hold
from clients.locking import lock_client, lock_clients
from clients.models import Contact, LitigationHold, PracticeProfile
from recommendations import signing
from recommendations.models import Decision, DecisionRequest, Signature, WaiverDocument
from recommendations.privacy.export import iso
from recommendations.privacy.finding import (
    ERASED_DOMAIN,
    REDACTED,
    contact_addresses,
    contact_needles,
    emails_to,
    mentions,
    scrub,
)
from recommendations.privacy.holds import HeldRecord, contact_holds, hold_until, is_anonymised, is_held, signed_requests
from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType
from riskreg.mail.models import OutboundEmail

logger = logging.getLogger(__name__)

ERASED_NAME = "Erased contact"
REDACTED_BODY = "[Personal data erased on request.]"


def erased_email(contact: Contact) -> str:
    return f"erased-{contact.public_id.hex[:12]}@{ERASED_DOMAIN}"


# --- erasure ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErasureResult:
    held: list[HeldRecord]
    anonymised_signatures: int
    redacted_emails: int


def _redact_outbox(*, addresses: set[str], needles: list[str], placeholder: str, scope: str) -> int:
    """Emails to the contact lose their recipients and bodies; any other email about the client
    that mentions the contact (a staff notice) loses the mentions. Unsent emails to the contact
    are never sent."""
    to_contact = {row.pk for row in emails_to(addresses)}
    count = 0
    candidates = Q(pk__in=to_contact) | (mentions(needles) & Q(scope=scope))
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
        row.subject = scrub(row.subject, needles)
        row.body_text = scrub(row.body_text, needles)
        row.body_html = scrub(row.body_html, needles)
        row.last_error = scrub(row.last_error, needles)
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
    needles = contact_needles(contact, addresses)
    # Before the first audit append (a revocation): the outbox rows must be locked before the
    # chain head, as the mail task records a sent email (its row, then the head).
    emails = _redact_outbox(addresses=addresses, needles=needles, placeholder=placeholder, scope=contact.client.scope)
    for request in DecisionRequest.objects.filter(signatory=contact, status__in=DecisionRequest.OPEN_STATUSES):
        signing.decision_request_revoke(actor=actor, request=request, reason="signatory's personal data erased")
    released = [r for r in signed_requests(contact) if r.pk not in held_ids and not is_anonymised(r.signature)]
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
            "held": [{"request": str(r.request.public_id), "until": iso(r.held_until)} for r in held],
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
    candidates = unpurged.select_for_update(of=("self",)).select_related(
        "request__client", "request__signatory", "request__document"
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
            payload={"held_until": iso(hold_until(request.client, profile))},
        )
        purged += 1
    return purged
