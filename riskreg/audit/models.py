from django.conf import settings
from django.db import models


class ChainHead(models.Model):
    """One row that every append locks and advances, so appends are serialised on any database."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_chainhead_singleton")]

    def __str__(self) -> str:
        return f"audit head #{self.sequence}"


class AuditEvent(models.Model):
    """Append-only, hash-chained record of a legally relevant action (SPEC section 8).

    `scope` is a plain string such as "client:<uuid>" so that this cross-cutting app never
    imports the domain apps, yet a client's timeline is one indexed lookup.
    """

    sequence = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    event_type = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    scope = models.CharField(max_length=80, blank=True)
    summary = models.CharField(max_length=300)
    payload = models.JSONField(default=dict)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [
            # the client timeline: events of one scope, newest first
            models.Index(fields=["scope", "-sequence"], name="audit_scope_seq_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.event_type}"
