"""A contact's personal data, all of it, as JSON (SPEC section 10)."""

import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from clients.locking import lock_client
from clients.models import Contact
from recommendations.models import Decision, DecisionRequest, Signature
from recommendations.privacy.finding import contact_addresses, contact_needles, email_text, emails_to, mentions, scrub
from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType
from riskreg.audit.models import AuditEvent
from riskreg.mail.models import OutboundEmail

EXPORT_FORMAT = "riskreg-contact-export/1"


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


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
            "created_at": iso(contact.created_at),
            "erased_at": iso(contact.erased_at),
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
                "sent_at": iso(r.sent_at),
                "expires_at": iso(r.expires_at),
                "viewed_at": iso(r.viewed_at),
                "code_sent_at": iso(r.code_sent_at),
                "code_verified_at": iso(r.code_verified_at),
                "code_sent_to": r.code_sent_to,
                "completed_at": iso(r.completed_at),
                "closed_at": iso(r.closed_at),
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
                "valid_until": iso(d.valid_until),
                "decided_at": iso(d.decided_at),
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
                "created_at": iso(e.created_at),
                "sent_at": iso(e.sent_at),
            }
            for e in emails_to(contact_addresses(contact))
        ],
        "other_emails_mentioning_contact": [
            {"kind": e.kind, "subject": e.subject, "body_text": e.body_text, "created_at": iso(e.created_at)}
            for e in _emails_mentioning(contact)
        ],
        "activity_as_signatory": [
            {
                "at": iso(event.occurred_at),
                "event": event.event_type,
                "summary": event.summary,
                # Each step's evidence: the address and browser it came from (the session only as a hash).
                **{key: event.payload[key] for key in ("ip", "user_agent") if key in event.payload},
            }
            for event in activity
        ],
    }


def _emails_mentioning(contact: Contact) -> list[OutboundEmail]:
    """Emails to someone else (a staff notice) that name the contact."""
    addresses = contact_addresses(contact)
    to_contact = {row.pk for row in emails_to(addresses)}
    needles = contact_needles(contact, addresses)
    rows = OutboundEmail.objects.filter(mentions(needles), scope=contact.client.scope).order_by("created_at", "pk")
    return [row for row in rows if row.pk not in to_contact and scrub(email_text(row), needles) != email_text(row)]


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
        "code_verified_at": iso(signature.code_verified_at),
        "code_sent_to": signature.code_sent_to,
        "code_message_id": signature.code_message_id,
        "signed_at": iso(signature.signed_at),
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
