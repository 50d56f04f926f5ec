"""The daily audit-chain digest: the chain head's hash, emailed to the practice admins; and the
weekly integrity check of every stored document against the chain, which emails them on a mismatch.

A copy of the head outside the database is what makes a later rewrite of history
detectable: whoever could rewrite every event and recompute every hash cannot also recall
the emails already delivered.
"""

import datetime

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.utils import timezone

from riskreg.audit.chain import verify_chain
from riskreg.audit.documents import verify_documents
from riskreg.mail.models import OutboundEmail
from riskreg.mail.services import email_enqueue


def practice_admin_emails() -> list[str]:
    users = get_user_model().objects.filter(role="admin", is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


@transaction.atomic
def audit_digest_enqueue(*, day: datetime.date) -> OutboundEmail | None:
    """Verify the chain and queue one digest email for `day`; a second call that day returns
    the same row (the idempotency key is the date). None when there is no admin to tell."""
    recipients = practice_admin_emails()
    if not recipients:
        return None
    report = verify_chain()
    verdict = "intact" if report.intact else f"BROKEN: {report.problem}"
    return email_enqueue(
        idempotency_key=f"audit-digest:{day.isoformat()}",
        kind="audit_digest",
        to=recipients,
        subject=f"Audit chain {'intact' if report.intact else 'BROKEN'} on {day.isoformat()}: "
        f"{report.events_checked} events",
        template="staff_notice",
        context={
            "heading": f"Audit chain digest for {day.isoformat()}",
            "paragraphs": [
                f"Verification: {verdict}.",
                f"Events checked: {report.events_checked}.",
                f"Head hash: {report.head_hash}",
                "Keep this email. If the record is ever questioned, a chain whose event "
                f"#{report.events_checked} no longer has this hash was changed after {day.isoformat()}.",
            ],
            "link_url": "",
        },
    )


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=60, retry_backoff_max=600, max_retries=3)
def email_audit_digest() -> int | None:
    """Daily digest; a duplicated beat tick or a redelivery finds the day's row and sends nothing new."""
    email = audit_digest_enqueue(day=timezone.localdate())
    return email.pk if email else None


@transaction.atomic
def integrity_alert_enqueue(*, day: datetime.date) -> OutboundEmail | None:
    """Walk the chain and check every stored document against it; if anything is wrong, queue one
    email to the practice admins naming each problem (once per day: the key is the date). None
    when everything holds, or when there is no admin to tell."""
    chain = verify_chain()
    documents = verify_documents()
    problems = ([] if chain.intact else [f"The audit chain is broken: {chain.problem}"]) + documents.problems
    recipients = practice_admin_emails()
    if not problems or not recipients:
        return None
    return email_enqueue(
        idempotency_key=f"integrity-check:{day.isoformat()}",
        kind="integrity_alert",
        to=recipients,
        subject=f"RiskReg integrity check FAILED on {day.isoformat()}: {len(problems)} problem(s)",
        template="staff_notice",
        context={
            "heading": "Signed documents or the audit chain no longer match",
            "paragraphs": [
                "The weekly check compared every stored document with the audit chain's record of its sealing, "
                f"and walked the chain. It found {len(problems)} problem(s):",
                *problems,
                "Each one means a record was changed outside the application. Keep this email, restore the "
                "affected documents from a backup and find out who had access. Run "
                "`python manage.py verify_audit_chain` to check again.",
            ],
            "link_url": "",
        },
    )


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=60, retry_backoff_max=600, max_retries=3)
def check_documents_weekly() -> int | None:
    """The weekly integrity check; a duplicated tick or a redelivery that day sends nothing new."""
    email = integrity_alert_enqueue(day=timezone.localdate())
    return email.pk if email else None
