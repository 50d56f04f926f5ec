"""A client's risk briefing for a period, issued and sent."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Briefing(models.Model):
    """An issued risk briefing: the client-facing PDF of one period, frozen. The file and its
    SHA-256 are written once when it is issued; issuing again makes a new briefing."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document_id = models.CharField(max_length=40, unique=True)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="briefings")
    period_start = models.DateField()
    period_end = models.DateField()
    note = models.TextField(_("Personal note"), blank=True)
    file = models.FileField(upload_to="briefings/%Y/%m/")
    sha256 = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="briefing_period_ordered"),
        ]
        indexes = [
            # the client page lists a client's briefings, newest first; the schedule reads the latest
            models.Index(fields=["client", "-issued_at"], name="briefing_client_issued_idx"),
        ]

    def __str__(self) -> str:
        return self.document_id
