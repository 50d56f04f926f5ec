"""The outbox. Every email is a row written in the caller's transaction; a task sends it after
commit and a periodic sweep retries what is still unsent. A row is claimed with a conditional
UPDATE before sending, so a redelivered task or an overlapping sweep never sends it twice."""

import hashlib
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType
from riskreg.db import insert_many_unless_taken, insert_unless_taken
from riskreg.mail.models import OutboundEmail
from riskreg.mail.secrets import NotSendable, filled, mint
from riskreg.publish import registered_task, task_publish

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)
# Longer than the send task's hard time limit: a claim this old belongs to a worker that died.
STALE_CLAIM_AFTER = timedelta(minutes=5)
RESERVED_CONTEXT = frozenset({"practice", "subject"})
ATTACHMENT_KEYS = frozenset({"filename", "path", "mimetype"})


def email_enqueue(
    *,
    idempotency_key: str,
    kind: str,
    to: list[str],
    subject: str,
    template: str,
    context: dict[str, Any],
    scope: str = "",
    attachments: list[dict[str, str]] | None = None,
    minters: list[dict[str, Any]] | None = None,
    urgent: bool = False,
    language: str | None = None,
) -> OutboundEmail:
    """Write the outbox row for one email and queue its sending for when the caller commits.

    Call it inside the transaction of the change that causes the email, so both commit or
    neither does. Renders templates/emails/<template>.txt (no escaping) and .html (autoescaped)
    with `context` plus `practice` (the letterhead) and `subject`. A key already used returns
    the existing row unchanged and queues nothing, also when another transaction is writing the
    same key at the same moment. A broker that is down never raises here: the row stays pending
    and the retry sweep sends it, except an `urgent` one (a one-time code a signer waits for on a
    page), which this process then sends itself once the caller commits.

    An email that carries a link or a code gets it from `minters` (riskreg.mail.secrets.minter)
    at send time; `context` then holds the placeholders (secrets.withheld), never the secret.

    `language` (a code from settings.LANGUAGES) is the one the recipient reads: the subject (which
    may be a lazy translation) and both bodies are rendered in it. None (a staff notice) is the
    site's default language, whatever page or job happens to cause the email.
    """
    with translation.override(language or settings.LANGUAGE_CODE):
        # One line; a no-break space (French typography, "Avis : …") is not a line break and stays.
        subject = re.sub(r"[ \t\r\n\f\v]+", " ", str(subject)).strip()[:300]
        _validate(idempotency_key=idempotency_key, kind=kind, to=to, context=context, attachments=attachments or [])
        body_text, body_html = _render(template=template, subject=subject, context=context)
    email = OutboundEmail(
        idempotency_key=idempotency_key,
        kind=kind,
        scope=scope,
        to=list(to),
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachments=list(attachments or []),
        minters=list(minters or []),
    )
    if (batch := _batch.get()) is not None:
        batch.append((email, urgent))
        return email
    if not insert_unless_taken(email):
        return OutboundEmail.objects.get(idempotency_key=idempotency_key)
    transaction.on_commit(partial(_publish, email.pk, send_here_if_unqueued=urgent))
    return email


# The emails of the innermost emails_batched() block, each with its `urgent` flag.
_batch: ContextVar[list[tuple[OutboundEmail, bool]] | None] = ContextVar("outbox_batch", default=None)


@contextmanager
def emails_batched() -> Iterator[None]:
    """Within the block, email_enqueue renders each email and the block writes them all with one
    INSERT when it ends, still inside the caller's transaction: a sweep batch's hundred emails in
    one statement instead of a hundred. email_enqueue returns the row unsaved there, and a key
    already used is skipped when the block ends, so only a caller that does not use the returned
    row may batch. A block inside another leaves the writing to the outer one; a block left by
    an exception writes nothing (its transaction is rolling back)."""
    if _batch.get() is not None:
        yield
        return
    pending: list[tuple[OutboundEmail, bool]] = []
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    # Of two emails with one key, the first is written, as two email_enqueue calls would do.
    urgent = {email.idempotency_key: flag for email, flag in reversed(pending)}
    # In key order (a stable sort): two transactions writing the same keys wait for each other
    # in one order, never each for the other.
    emails = sorted((email for email, _ in pending), key=lambda email: email.idempotency_key)
    for email in insert_many_unless_taken(emails, key="idempotency_key"):
        transaction.on_commit(partial(_publish, email.pk, send_here_if_unqueued=urgent[email.idempotency_key]))


def _validate(
    *, idempotency_key: str, kind: str, to: list[str], context: dict[str, Any], attachments: list[dict[str, str]]
) -> None:
    errors: dict[str, list[str]] = {}
    if not idempotency_key.strip():
        errors["idempotency_key"] = ["An idempotency key is required."]
    if not kind.strip():
        errors["kind"] = ["A kind is required."]
    if not to:
        errors["to"] = ["At least one recipient is required."]
    for address in to:
        try:
            validate_email(address)
        except ValidationError:
            errors.setdefault("to", []).append(f"Not an email address: {address!r}.")
    if any(not isinstance(a, dict) or set(a) != ATTACHMENT_KEYS for a in attachments):
        errors["attachments"] = ['Each attachment needs exactly "filename", "path" and "mimetype".']
    if errors:
        raise ValidationError(errors)
    if RESERVED_CONTEXT & set(context):
        raise ValueError(f"Email context keys {sorted(RESERVED_CONTEXT)} are filled in by the outbox.")


def _render(*, template: str, subject: str, context: dict[str, Any]) -> tuple[str, str]:
    branding = import_string(settings.RISKREG_EMAIL_BRANDING)()
    full_context = {**context, "practice": branding, "subject": subject}
    # The text part goes out as plain text: HTML-escaping it would show "&amp;" to the reader.
    text = get_template(f"emails/{template}.txt").template.render(Context(full_context, autoescape=False))
    html = get_template(f"emails/{template}.html").render(full_context)
    return _tidy_text(text), html.strip()


def _tidy_text(text: str) -> str:
    # "-- " keeps its trailing space: it is the signature separator mail clients recognise.
    lines = [line if line == "-- " else line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def _publish(email_id: int, *, send_here_if_unqueued: bool = False) -> None:
    # The row is committed, so the retry sweep covers a publish that fails.
    queued = task_publish(
        registered_task("riskreg.mail.tasks.send_outbound_email"),
        email_id,
        logger=logger,
        on_failure=f"Outbox email {email_id} not queued; the retry sweep will send it.",
    )
    if queued or not send_here_if_unqueued:
        return
    # The signer is waiting for it on a page, and the retry sweep needs the broker too. The
    # claim keeps it to one send if the sweep also reaches it later.
    try:
        email_send(email_id=email_id)
    except Exception:
        logger.warning("Outbox email %s could not be sent from this process either.", email_id, exc_info=True)


@dataclass(frozen=True)
class SendOutcome:
    status: str  # sent, retry, failed, or skipped (another worker holds it, or it is not due)
    retry_in: timedelta | None = None


def email_send(*, email_id: int, connection: Any = None) -> SendOutcome:
    """Send one outbox row if this caller wins its claim; safe to call any number of times.

    Not atomic on purpose: the claim must be committed before talking to the SMTP server so
    other workers see it, and no database transaction is held open during the SMTP exchange.
    The row's secrets are minted after the claim and live only in the message sent; a retry
    mints new ones. `connection` is a Django email backend to use instead of the configured one.
    """
    claimed_at = timezone.now()
    if not _claim(email_id=email_id, now=claimed_at):
        return SendOutcome("skipped")
    email = OutboundEmail.objects.get(pk=email_id)
    message_id = email_message_id(email)
    try:
        with transaction.atomic():
            secrets = mint(email)
        message = _build_message(email, message_id=message_id, secrets=secrets)
        message.connection = connection
        message.send()
    except NotSendable as reason:
        return _record_failure(email=email, claimed_at=claimed_at, error=reason, give_up=True)
    except Exception as error:
        # SMTP refusals, network errors, a missing attachment: all recorded and retried with backoff.
        return _record_failure(email=email, claimed_at=claimed_at, error=error)
    _record_sent(email=email, claimed_at=claimed_at, message_id=message_id)
    return SendOutcome(OutboundEmail.Status.SENT)


def _claim(*, email_id: int, now: datetime) -> bool:
    due = Q(status=OutboundEmail.Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    stale = Q(status=OutboundEmail.Status.SENDING, claimed_at__lt=now - STALE_CLAIM_AFTER)
    claimed = OutboundEmail.objects.filter(due | stale, pk=email_id).update(
        status=OutboundEmail.Status.SENDING, claimed_at=now
    )
    return claimed == 1


def _still_claimed(*, email_id: int, claimed_at: datetime) -> QuerySet[OutboundEmail]:
    return OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.SENDING, claimed_at=claimed_at)


def email_message_id(email: OutboundEmail) -> str:
    """The same Message-ID on every attempt, so a mail client drops the copy if a worker died
    after the server accepted the message and the stale claim was sent again."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or str(DNS_NAME)
    digest = hashlib.sha256(email.idempotency_key.encode()).hexdigest()[:16]
    return f"<{email.created_at:%Y%m%d%H%M%S}.{email.pk}.{digest}@{domain}>"


def _build_message(email: OutboundEmail, *, message_id: str, secrets: dict[str, str]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=filled(email.body_text, secrets),
        to=email.to,
        cc=email.cc,
        # RFC 3834: tells out-of-office responders not to answer a machine.
        headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated"},
    )
    if email.body_html:
        message.attach_alternative(filled(email.body_html, secrets, is_html=True), "text/html")
    for attachment in email.attachments:
        with default_storage.open(attachment["path"], "rb") as handle:
            message.attach(attachment["filename"], handle.read(), attachment["mimetype"])
    return message


@transaction.atomic
def _record_sent(*, email: OutboundEmail, claimed_at: datetime, message_id: str) -> None:
    now = timezone.now()
    updated = _still_claimed(email_id=email.pk, claimed_at=claimed_at).update(
        status=OutboundEmail.Status.SENT,
        sent_at=now,
        message_id=message_id,
        attempts=email.attempts + 1,
        next_attempt_at=None,
        claimed_at=None,
    )
    if not updated:
        logger.warning("Outbox email %s was sent but its claim had been taken over.", email.pk)
        return
    audit_append(
        actor=None,
        actor_label="system",
        event_type=EventType.EMAIL_SENT,
        object_type="outbound_email",
        object_id=str(email.pk),
        scope=email.scope,
        summary=f"Email sent: {email.kind.replace('_', ' ')}",
        payload={"kind": email.kind, "attempts": email.attempts + 1, "message_id": message_id},
    )


def email_backoff(attempts: int) -> timedelta:
    """Wait before attempt number `attempts + 1`: 1, 2, 4, 8 ... minutes, never more than an hour."""
    return min(BACKOFF_FIRST * 2 ** (attempts - 1), BACKOFF_MAX)


@transaction.atomic
def _record_failure(
    *, email: OutboundEmail, claimed_at: datetime, error: Exception, give_up: bool = False
) -> SendOutcome:
    attempts = email.attempts + 1
    gave_up = give_up or attempts >= MAX_ATTEMPTS
    retry_in = None if gave_up else email_backoff(attempts)
    updated = _still_claimed(email_id=email.pk, claimed_at=claimed_at).update(
        status=OutboundEmail.Status.FAILED if gave_up else OutboundEmail.Status.PENDING,
        attempts=attempts,
        last_error=(f"Not sent: {error}" if give_up else f"{type(error).__name__}: {error}")[:2000],
        next_attempt_at=None if gave_up else timezone.now() + retry_in,
        claimed_at=None,
    )
    if give_up:
        logger.info("Outbox email %s not sent: %s", email.pk, error)
    else:
        logger.warning("Outbox email %s attempt %s failed: %s", email.pk, attempts, error)
    if not updated:
        return SendOutcome("skipped")
    if not gave_up:
        return SendOutcome("retry", retry_in=retry_in)
    audit_append(
        actor=None,
        actor_label="system",
        event_type=EventType.EMAIL_FAILED,
        object_type="outbound_email",
        object_id=str(email.pk),
        scope=email.scope,
        summary=f"Email not sent: {error}"
        if give_up
        else f"Email not delivered after {attempts} attempts: {email.kind.replace('_', ' ')}",
        payload={"kind": email.kind, "attempts": attempts, "error": type(error).__name__},
    )
    return SendOutcome(OutboundEmail.Status.FAILED)
