"""The offboarding notice letter: issued by a manager after an "offboard" decision, sealed by the
document worker from its frozen snapshot, reviewed, then emailed to the client with the PDF.

Issuing freezes what the letter says (documents/letters.py) and queues its rendering; sending is
a separate, confirmed step, recorded (a sending row, an outbox email, an audit event) each time.
"""

import datetime
import logging
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.locking import lock_client
from clients.models import Contact, RelationshipDecision
from clients.services import may_decide_relationship
from recommendations.documents.letters import offboarding_snapshot
from recommendations.documents.selectors import verification_url
from recommendations.models import OffboardingLetter, OffboardingLetterSending, WaiverDocument
from recommendations.relationship.selectors import latest_decision
from recommendations.signing.snapshot import snapshot_sha256
from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType
from riskreg.mail.services import email_enqueue
from riskreg.publish import registered_task, task_publish

logger = logging.getLogger(__name__)

DOCUMENT_ID_PREFIX = "OFF"
# The notice period the issuing form suggests; the manager sets the actual end of service.
OFFBOARDING_NOTICE_DAYS = 30


def staff_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def is_current_contact(contact: Contact | None, *, client_id: int) -> bool:
    """A contact the letter can go to: the client's, active, not erased, with an email address."""
    return bool(
        contact is not None
        and contact.client_id == client_id
        and contact.is_active
        and contact.erased_at is None
        and contact.email
    )


def notice_problem(decision: RelationshipDecision) -> str:
    """Why no notice letter can be issued for this decision ("" when one can)."""
    if decision.outcome != RelationshipDecision.Outcome.OFFBOARD:
        return _("Only an “offboard” decision is given notice by letter. Record an offboard decision first.")
    latest = latest_decision(decision.client)
    if latest is not None and latest.pk != decision.pk:
        return _("A later decision replaced this one (%(outcome)s on %(date)s): no notice is issued for it.") % {
            "outcome": latest.get_outcome_display().lower(),
            "date": latest.decided_on.isoformat(),
        }
    return ""


@transaction.atomic
def offboarding_letter_issue(
    *,
    actor: User | None,
    decision: RelationshipDecision,
    addressee: Contact | None,
    effective_on: datetime.date | None,
) -> OffboardingLetter:
    """Issue the notice letter of an offboard decision: what it says is frozen now, dated today,
    and its sealed PDF is rendered by the document worker. Issuing again makes a new letter."""
    if not may_decide_relationship(actor):
        raise PermissionDenied("Only a manager or practice admin issues an offboarding notice.")
    client = decision.client
    lock_client(client.pk)
    problem = notice_problem(decision)
    if problem:
        raise ValidationError(problem)
    today = timezone.localdate()
    errors = {}
    if not is_current_contact(addressee, client_id=client.pk):
        errors["addressee"] = _("Address the letter to one of the client's current contacts with an email address.")
    if effective_on is None or effective_on <= today:
        errors["effective_on"] = _("Set the day service ends to a date after today.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    public_id = uuid.uuid4()
    document_id = f"{DOCUMENT_ID_PREFIX}-{today.year}-{public_id.hex[:10].upper()}"
    snapshot = offboarding_snapshot(
        client=client,
        decision=decision,
        addressee=addressee,
        document_id=document_id,
        letter_date=today,
        effective_on=effective_on,
        issued_by=staff_name(actor),
        issued_at=now,
    )
    letter = OffboardingLetter(
        public_id=public_id,
        document_id=document_id,
        client=client,
        decision=decision,
        addressee=addressee,
        letter_date=today,
        effective_on=effective_on,
        snapshot=snapshot,
        content_hash=snapshot_sha256(snapshot),
        issued_by=actor,
        issued_at=now,
    )
    letter.full_clean()
    letter.save()
    # The addressee is named by id only: the permanent chain must not hold what erasure removes.
    audit_append(
        actor=actor,
        event_type=EventType.OFFBOARDING_LETTER_ISSUED,
        object_type="offboarding_letter",
        object_id=str(letter.public_id),
        scope=client.scope,
        summary=f"Offboarding notice {document_id} issued: service ends {effective_on.isoformat()}",
        payload={
            "document_id": document_id,
            "decision": str(decision.public_id),
            "addressee": str(addressee.public_id),
            "letter_date": today.isoformat(),
            "effective_on": effective_on.isoformat(),
            "content_hash": letter.content_hash,
        },
    )
    letter_id = letter.pk
    transaction.on_commit(lambda: letter_render_publish(letter_id=letter_id))
    return letter


def letter_render_publish(*, letter_id: int) -> None:
    """Queue the sealing of an issued letter; call it on commit (the document sweep catches a lost publish)."""
    task_publish(
        registered_task("recommendations.tasks.render_offboarding_letter"),
        letter_id,
        logger=logger,
        on_failure=f"Offboarding letter {letter_id} not queued; the document sweep will render it.",
    )


@transaction.atomic
def offboarding_letter_send(*, actor: User | None, letter: OffboardingLetter) -> OffboardingLetterSending:
    """Email the letter's sealed PDF to its addressee and record the sending. A re-send is
    recorded again (a new row, email and audit event)."""
    if not may_decide_relationship(actor):
        raise PermissionDenied("Only a manager or practice admin sends an offboarding notice.")
    lock_client(letter.client_id)
    document = WaiverDocument.objects.filter(letter=letter).first()
    if document is None or not document.file:
        raise ValidationError(_("The letter is still being sealed. Send it once its PDF is ready."))
    contact = Contact.objects.filter(pk=letter.addressee_id).first()
    if not is_current_contact(contact, client_id=letter.client_id):
        raise ValidationError(
            _(
                "The letter's addressee is no longer a current contact with an email address. "
                "Issue a new letter to another contact."
            )
        )
    client = letter.client
    sending = OffboardingLetterSending(letter=letter, recipient=contact, sent_by=actor, sent_at=timezone.now())
    sending.email = email_enqueue(
        idempotency_key=f"offboarding-letter:{letter.public_id}:{sending.public_id}",
        kind="offboarding_letter",
        to=[contact.email],
        subject=format_lazy(gettext_lazy("Notice of end of service: {client}"), client=client.name),
        template="offboarding_letter",
        context={
            "contact_name": contact.name,
            "client_name": client.name,
            "document_id": letter.document_id,
            "letter_date": letter.letter_date,
            "effective_on": letter.effective_on,
            "sha256": document.sha256,
            "verification_url": verification_url(letter.document_id),
            "sender": staff_name(actor),
        },
        scope=client.scope,
        attachments=[
            {"filename": f"{letter.document_id}.pdf", "path": document.file.name, "mimetype": "application/pdf"}
        ],
        language=contact.language,
    )
    sending.full_clean()
    sending.save()
    audit_append(
        actor=actor,
        event_type=EventType.OFFBOARDING_LETTER_SENT,
        object_type="offboarding_letter",
        object_id=str(letter.public_id),
        scope=client.scope,
        summary=f"Offboarding notice {letter.document_id} emailed to the client's contact",
        payload={
            "document_id": letter.document_id,
            "sending": str(sending.public_id),
            "contact": str(contact.public_id),
            "sha256": document.sha256,
        },
    )
    return sending
