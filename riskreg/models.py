from django.db import models


class SealCertificate(models.Model):
    """Every certificate the practice ever sealed documents with (SPEC section 8).

    Verification trusts each of them, so rotating to a new key leaves every earlier document
    verifiable; the register is how an auditor learns which keys spoke for the practice, and when.
    """

    fingerprint = models.CharField(max_length=95, unique=True, help_text="SHA-256 of the certificate (DER).")
    subject = models.CharField(max_length=300)
    issuer = models.CharField(max_length=300)
    serial_number = models.CharField(max_length=80)
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField()
    der = models.BinaryField()
    added_at = models.DateTimeField()
    first_used_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["added_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("valid_from")), name="sealcertificate_validity_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.fingerprint[:23]}…)"
