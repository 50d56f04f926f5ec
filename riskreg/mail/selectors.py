"""Reads for the outbox pages and the retry sweep."""

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from riskreg.mail.models import OutboundEmail
from riskreg.mail.services import STALE_CLAIM_AFTER

# A new row's own task normally sends it within seconds; the sweep leaves it alone that long.
FIRST_SEND_GRACE = timedelta(minutes=1)
SWEEP_BATCH = 200


def outbox_list(*, status: str = "", search: str = "", scope: str = "") -> QuerySet[OutboundEmail]:
    emails = OutboundEmail.objects.defer("body_text", "body_html")
    if status:
        emails = emails.filter(status=status)
    if search:
        emails = emails.filter(to__icontains=search)
    if scope:
        emails = emails.filter(scope=scope)
    return emails.order_by("-created_at", "-pk")


def email_ids_due(*, now: datetime, limit: int = SWEEP_BATCH) -> list[int]:
    """Rows the sweep should (re)send: pending and due, never tried and past the grace period,
    or claimed by a worker that has not finished in time (it died)."""
    pending = OutboundEmail.Status.PENDING
    due = (
        Q(status=pending, next_attempt_at__lte=now)
        | Q(status=pending, next_attempt_at__isnull=True, created_at__lte=now - FIRST_SEND_GRACE)
        | Q(status=OutboundEmail.Status.SENDING, claimed_at__lt=now - STALE_CLAIM_AFTER)
    )
    return list(OutboundEmail.objects.filter(due).order_by("created_at").values_list("pk", flat=True)[:limit])


def email_for_detail(*, email_id: int, scope: str | None = None) -> OutboundEmail:
    """One row for its detail page; with `scope`, a row of another client answers 404."""
    emails = OutboundEmail.objects.all() if scope is None else OutboundEmail.objects.filter(scope=scope)
    return get_object_or_404(emails, pk=email_id)
