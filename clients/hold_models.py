"""Litigation holds: while one is active the client's records are not erased or purged."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class LitigationHold(models.Model):
    """A hold on everything recorded about a client while a dispute or litigation is pending:
    while it is active, no contact of the client can be erased and the daily purge leaves the
    client's signed records alone. Placed and released by a manager or an admin, with a reason."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="litigation_holds")
    reason = models.TextField()
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField()
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at"]
        constraints = [
            # The erase page and the purge ask "is there an active hold?": one per client at most.
            models.UniqueConstraint(
                fields=["client"], condition=Q(released_at__isnull=True), name="litigationhold_one_active_per_client"
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True, released_by__isnull=True)
                | Q(released_at__isnull=False, released_by__isnull=False),
                name="litigationhold_release_complete",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="litigationhold_reason_given"),
        ]

    def __str__(self) -> str:
        return f"Litigation hold on {self.client} since {self.placed_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.released_at is None
