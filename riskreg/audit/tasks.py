"""The daily audit-chain digest: the chain head written to a file outside the database,
timestamped when a TSA is configured, and emailed to the practice admins; the watch that
tells them when a day has no digest; and the weekly integrity check of every stored document
against the chain, which emails them on a mismatch.

A copy of the head outside the database is what makes a later rewrite of history
detectable: whoever could rewrite every event and recompute every hash cannot also recall
the emails already delivered, the files already copied or the TSA's signed time.
"""

import datetime
import logging
from typing import Any

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy, ngettext_lazy

from riskreg.audit.chain import verify_chain
from riskreg.audit.digests import digest_take, digest_timestamp, missing_digest_days
from riskreg.audit.documents import verify_documents
from riskreg.mail.models import OutboundEmail
from riskreg.mail.services import email_enqueue
from riskreg.seal import TimestampUnavailable

logger = logging.getLogger(__name__)

# Where the emailed copies of digest files live in the default storage (the outbox attaches from there).
ATTACHMENT_FOLDER = "audit-digests"


def practice_admin_emails() -> list[str]:
    users = get_user_model().objects.filter(role="admin", is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def admins_email_enqueue(
    *, idempotency_key: str, kind: str, subject: str, template: str, context: dict[str, Any]
) -> OutboundEmail | None:
    """Queue one email to the practice admins (once per key), rendered from templates/emails/<template>;
    None when there is no admin to tell."""
    recipients = practice_admin_emails()
    if not recipients:
        return None
    return email_enqueue(
        idempotency_key=idempotency_key, kind=kind, to=recipients, subject=subject, template=template, context=context
    )


def admins_notice_enqueue(
    *, idempotency_key: str, kind: str, subject: str, heading: str, paragraphs: list[str]
) -> OutboundEmail | None:
    """Queue one notice to the practice admins whose paragraphs are given (the generic staff_notice
    template); None when there is no admin to tell."""
    return admins_email_enqueue(
        idempotency_key=idempotency_key,
        kind=kind,
        subject=subject,
        template="staff_notice",
        context={"heading": heading, "paragraphs": paragraphs, "link_url": ""},
    )


def _attachment(name: str, data: bytes, mimetype: str) -> dict[str, str]:
    path = f"{ATTACHMENT_FOLDER}/{name}"
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(data))
    return {"filename": name, "path": path, "mimetype": mimetype}


@transaction.atomic
def audit_digest_enqueue(*, day: datetime.date, timestamp_token: bytes | None = None) -> OutboundEmail | None:
    """Take the day's digest (once) and queue one email of it, with the file and its timestamp
    token attached; a second call that day returns the same row (the idempotency key is the date).
    None when there is no admin to tell (the file is written all the same)."""
    digest = digest_take(day=day)
    recipients = practice_admin_emails()
    if not recipients:
        return None
    attachments = [_attachment(digest.path.name, digest.path.read_bytes(), "application/json")]
    if timestamp_token is not None:
        attachments.append(_attachment(digest.token_path.name, timestamp_token, "application/timestamp-reply"))
    return email_enqueue(
        idempotency_key=f"audit-digest:{day.isoformat()}",
        kind="audit_digest",
        to=recipients,
        subject=format_lazy(
            ngettext_lazy(
                "Audit chain intact on {day}: {count} event",
                "Audit chain intact on {day}: {count} events",
                digest.event_count,
            )
            if digest.chain_intact
            else ngettext_lazy(
                "Audit chain BROKEN on {day}: {count} event",
                "Audit chain BROKEN on {day}: {count} events",
                digest.event_count,
            ),
            day=day.isoformat(),
            count=digest.event_count,
        ),
        template="notices/audit_digest",
        context={
            "day": day.isoformat(),
            "chain_intact": digest.chain_intact,
            "event_count": digest.event_count,
            "head_sequence": digest.head_sequence,
            "head_hash": digest.head_hash,
            "taken_at": digest.taken_at.isoformat(),
            "path": str(digest.path),
            "file_name": digest.path.name,
            "token_file_name": digest.token_path.name,
            "timestamped": bool(timestamp_token),
        },
        attachments=attachments,
    )


@shared_task(
    name="riskreg.audit.tasks.email_audit_digest",
    bind=True,
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    retry_backoff_max=600,
    max_retries=3,
)
def email_audit_digest(self) -> int | None:
    """Daily digest; a duplicated beat tick or a redelivery finds the day's file and row and
    sends nothing new. A TSA that is down delays the email (bounded retries); after the last
    retry the digest goes out without its token rather than not at all."""
    day = timezone.localdate()
    digest = digest_take(day=day)
    try:
        token = digest_timestamp(digest)
    except TimestampUnavailable as error:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=error, countdown=300) from error
        logger.error("Audit digest of %s sent without a timestamp: %s", day, error)
        token = None
    email = audit_digest_enqueue(day=day, timestamp_token=token)
    return email.pk if email else None


@transaction.atomic
def missing_digests_report(*, today: datetime.date) -> OutboundEmail | None:
    """One email to the admins naming every recent day without a digest; None when none is missing."""
    missing = missing_digest_days(today=today)
    if not missing:
        return None
    days = [day.isoformat() for day in missing]
    return admins_email_enqueue(
        idempotency_key=f"audit-digest-missing:{today.isoformat()}",
        kind="audit_digest_missing",
        subject=format_lazy(gettext_lazy("No audit-chain digest for {days}"), days=", ".join(days)),
        template="notices/audit_digest_missing",
        context={"days": days},
    )


@shared_task(
    name="riskreg.audit.tasks.report_missing_digests",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    retry_backoff_max=600,
    max_retries=3,
)
def report_missing_digests() -> int | None:
    email = missing_digests_report(today=timezone.localdate())
    return email.pk if email else None


@transaction.atomic
def integrity_alert_enqueue(*, day: datetime.date) -> OutboundEmail | None:
    """Walk the chain and check every stored document against it; if anything is wrong, queue one
    email to the practice admins naming each problem (once per day: the key is the date). None
    when everything holds, or when there is no admin to tell."""
    chain = verify_chain()
    documents = verify_documents()
    problems = ([] if chain.intact else [f"The audit chain is broken: {chain.problem}"]) + documents.problems
    if not problems:
        return None
    return admins_email_enqueue(
        idempotency_key=f"integrity-check:{day.isoformat()}",
        kind="integrity_alert",
        subject=format_lazy(
            ngettext_lazy(
                "RiskReg integrity check FAILED on {day}: {count} problem",
                "RiskReg integrity check FAILED on {day}: {count} problems",
                len(problems),
            ),
            day=day.isoformat(),
            count=len(problems),
        ),
        template="notices/integrity_alert",
        context={"problems": problems},
    )


@shared_task(
    name="riskreg.audit.tasks.check_documents_weekly",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    retry_backoff_max=600,
    max_retries=3,
)
def check_documents_weekly() -> int | None:
    """The weekly integrity check; a duplicated tick or a redelivery that day sends nothing new."""
    email = integrity_alert_enqueue(day=timezone.localdate())
    return email.pk if email else None
