from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from riskreg.mail.kinds import email_kind_label


class OutboundEmail(models.Model):
    """Every email the product sends is a row first, written in the same transaction as the
    change that causes it; a task sends it after commit and a sweep retries what is stuck."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    idempotency_key = models.CharField(max_length=200, unique=True)
    scope = models.CharField(max_length=80, blank=True)
    kind = models.CharField(max_length=64)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    attachments = models.JSONField(
        default=list, blank=True, help_text='[{"filename": ..., "path": <default-storage name>, "mimetype": ...}]'
    )
    # The secrets this email carries, minted only when it is sent (riskreg/mail/secrets.py): the
    # bodies hold placeholders, never a working link or code.
    minters = models.JSONField(default=list, blank=True, help_text='[{"key": <minter>, "args": {...}}]')
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "failed"]), name="outboundemail_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="outboundemail_sent_has_time"
            ),
        ]
        indexes = [
            # the retry sweep: unsent rows due for another attempt
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_due_idx"),
            # the per-client outbox page
            models.Index(fields=["scope", "-created_at"], name="outbox_scope_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {', '.join(self.to)}"

    @property
    def kind_label(self) -> str:
        return email_kind_label(self.kind)
