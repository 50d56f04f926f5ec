"""Writes for the risk briefing: issuing it (frozen file, SHA-256, audit event) and emailing it."""

import hashlib
import uuid
from calendar import monthrange
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clients.locking import lock_client
from clients.models import Client, Contact
from clients.services import locked_copy
from recommendations.briefing.selectors import briefing_data, briefing_period, briefing_reminder_candidates
from recommendations.documents.emails import in_language, lazy_date
from recommendations.documents.pdf.briefing import render_briefing
from recommendations.models import Briefing
from recommendations.roadmap.quarters import add_months
from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType
from riskreg.links import absolute_reverse
from riskreg.mail.models import OutboundEmail
from riskreg.mail.services import email_enqueue

NOTE_MAX_LENGTH = 1500


def prepared_by(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def briefing_language(client: Client) -> str | None:
    """The language the briefing is written in: its client's authorised signatory's (the first
    one), or None for the practice's default."""
    signatory = client.contacts.filter(can_sign=True, is_active=True, erased_at__isnull=True).order_by("pk").first()
    return signatory.language if signatory else None


def briefing_render(*, client: Client, actor: User | None, note: str, document_id: str, today: date) -> bytes:
    language = briefing_language(client)
    # The selector's labels (bands, outcomes, quarters) are worked out in the briefing's language too.
    with in_language(language):
        data = briefing_data(
            client=client, today=today, note=note, document_id=document_id, prepared_by=prepared_by(actor)
        )
        return render_briefing(data, language=language)


def _clean_note(note: str) -> str:
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                "note": gettext("Keep the note to {limit} characters; it has {length}.").format(
                    limit=NOTE_MAX_LENGTH, length=len(note)
                )
            }
        )
    return note


@transaction.atomic
def briefing_issue(*, actor: User | None, client: Client, note: str) -> Briefing:
    """Render the briefing as of now and keep it: the file is written once and never replaced."""
    note = _clean_note(note)
    lock_client(client.pk)
    client.refresh_from_db()
    now = timezone.now()
    today = timezone.localdate(now)
    public_id = uuid.uuid4()
    document_id = f"BRF-{today.year}-{public_id.hex[:10].upper()}"
    pdf = briefing_render(client=client, actor=actor, note=note, document_id=document_id, today=today)
    data_period = briefing_period(client, today=today)
    briefing = Briefing(
        public_id=public_id,
        document_id=document_id,
        client=client,
        period_start=data_period[0],
        period_end=data_period[1],
        note=note,
        sha256=hashlib.sha256(pdf).hexdigest(),
        issued_at=now,
        issued_by=actor,
    )
    briefing.file.save(f"{document_id}.pdf", ContentFile(pdf), save=False)
    briefing.full_clean()
    briefing.save()
    client.briefing_due_on = next_briefing_due(today, client.briefing_cadence_months)
    client.save(update_fields=["briefing_due_on", "updated_at"])
    audit_append(
        actor=actor,
        event_type=EventType.BRIEFING_ISSUED,
        object_type="briefing",
        object_id=str(briefing.public_id),
        scope=client.scope,
        summary=f"Risk briefing {document_id} issued for {client.name}",
        payload={
            "document_id": document_id,
            "sha256": briefing.sha256,
            "period": [str(d) for d in data_period],
            "next_due": client.briefing_due_on.isoformat(),
        },
    )
    return briefing


@transaction.atomic
def briefing_send(*, actor: User | None, briefing: Briefing, contacts: list[Contact]) -> list[Contact]:
    """Email the issued PDF to each contact through the outbox, with one audit event; returns the
    contacts newly sent it. A contact already sent this briefing is not sent it twice."""
    client = briefing.client
    if not contacts:
        raise ValidationError({"contacts": gettext("Choose at least one contact to send the briefing to.")})
    if any(contact.client_id != client.pk or not contact.is_active or contact.erased_at for contact in contacts):
        raise ValidationError({"contacts": gettext("Send the briefing only to the client's current contacts.")})
    lock_client(client.pk)
    keys = {contact.pk: f"briefing:{briefing.public_id}:{contact.public_id}" for contact in contacts}
    sent_before = set(
        OutboundEmail.objects.filter(idempotency_key__in=keys.values()).values_list("idempotency_key", flat=True)
    )
    fresh = [contact for contact in contacts if keys[contact.pk] not in sent_before]
    for contact in fresh:
        email_enqueue(
            idempotency_key=keys[contact.pk],
            kind="briefing",
            to=[contact.email],
            subject=format_lazy(_("Risk briefing for {client}"), client=client.name),
            template="briefing",
            context={
                "contact_name": contact.name,
                "client_name": client.name,
                "document_id": briefing.document_id,
                "period_start": briefing.period_start,
                "period_end": briefing.period_end,
                "sender": prepared_by(actor),
            },
            scope=client.scope,
            attachments=[
                {"filename": f"{briefing.document_id}.pdf", "path": briefing.file.name, "mimetype": "application/pdf"}
            ],
            language=contact.language,
        )
    if fresh:
        audit_append(
            actor=actor,
            event_type=EventType.BRIEFING_SENT,
            object_type="briefing",
            object_id=str(briefing.public_id),
            scope=client.scope,
            summary=f"Risk briefing {briefing.document_id} emailed to {', '.join(c.name for c in fresh)}",
            payload={"contacts": [str(contact.public_id) for contact in fresh], "sha256": briefing.sha256},
        )
    return fresh


def next_briefing_due(issued_on: date, cadence_months: int) -> date:
    month = add_months(issued_on, cadence_months)
    return month.replace(day=min(issued_on.day, monthrange(month.year, month.month)[1]))


@transaction.atomic
def client_briefing_schedule_set(
    *, actor: User | None, client: Client, cadence_months: int, due_on: date | None
) -> bool:
    """Set how often the client meets for a briefing and when the next one is due (None: no
    schedule). False, writing nothing, when both are unchanged."""
    lock_client(client.pk)
    client = locked_copy(client)
    if (client.briefing_cadence_months, client.briefing_due_on) == (cadence_months, due_on):
        return False
    client.briefing_cadence_months, client.briefing_due_on = cadence_months, due_on
    client.full_clean()
    client.save(update_fields=["briefing_cadence_months", "briefing_due_on", "updated_at"])
    audit_append(
        actor=actor,
        event_type=EventType.CLIENT_BRIEFING_SCHEDULE_SET,
        object_type="client",
        object_id=str(client.public_id),
        scope=client.scope,
        summary=f"Briefings for {client.name}: {client.get_briefing_cadence_months_display().lower()}, "
        f"next due {due_on.isoformat() if due_on else 'not scheduled'}",
        payload={"cadence_months": cadence_months, "due_on": due_on.isoformat() if due_on else None},
    )
    return True


# Days before a briefing is due that its vCIO is reminded, each once per due date.
REMINDER_DAYS = (14, 3)


def briefing_reminders_send(*, today: date) -> int:
    """Remind each vCIO of the briefings due within 14 and 3 days; returns how many were sent.

    Each reminder is keyed by client, due date and rung in the outbox, so a repeated or
    concurrent sweep sends it once; a sweep that missed a day sends the nearest rung only."""
    due = {}
    for client in briefing_reminder_candidates(today=today, within_days=max(REMINDER_DAYS)):
        days_left = (client.briefing_due_on - today).days
        rung = min(days for days in REMINDER_DAYS if days >= days_left)
        due[f"briefing-reminder:{client.public_id}:{client.briefing_due_on.isoformat()}:{rung}"] = (client, days_left)
    sent_before = set(OutboundEmail.objects.filter(idempotency_key__in=due).values_list("idempotency_key", flat=True))
    for key, (client, days_left) in due.items():
        if key not in sent_before:
            _reminder_enqueue(key=key, client=client, days_left=days_left)
    return len(set(due) - sent_before)


@transaction.atomic
def _reminder_enqueue(*, key: str, client: Client, days_left: int) -> None:
    email_enqueue(
        idempotency_key=key,
        kind="briefing_reminder",
        to=[client.vcio.email],
        subject=format_lazy(
            _("Risk briefing for {client} due {day}"),
            client=client.name,
            day=lazy_date(client.briefing_due_on, "j F"),
        ),
        template="briefing_reminder",
        context={
            "vcio_name": client.vcio.get_full_name() or client.vcio.get_username(),
            "client_name": client.name,
            "due_on": client.briefing_due_on,
            "days_left": days_left,
            "link_url": absolute_reverse("briefing:prepare", client.public_id),
        },
        scope=client.scope,
    )
