"""The register of seal certificates: every certificate the practice ever sealed with.

Added when a certificate is created here, registered by hand (`seal_certificates --add`), or
first used to seal; each addition is an audit event. Verification trusts every registered
certificate plus the one configured now, so a rotation never orphans an earlier document.
"""


from asn1crypto import x509 as asn1_x509
from django.db import IntegrityError, transaction
from django.utils import timezone

from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType
from riskreg.models import SealCertificate
from riskreg.seal import certificate_fingerprint


def _describe(name: asn1_x509.Name) -> str:
    return name.human_friendly[:300]


@transaction.atomic
def seal_certificate_register(
    *,
    certificate: asn1_x509.Certificate,
    actor: User | None = None,
    how: str,
) -> SealCertificate:
    """The certificate's register row, created (with its audit event) if it is new."""
    fingerprint = certificate_fingerprint(certificate)
    existing = SealCertificate.objects.filter(fingerprint=fingerprint).first()
    if existing is not None:
        return existing
    row = SealCertificate(
        fingerprint=fingerprint,
        subject=_describe(certificate.subject),
        issuer=_describe(certificate.issuer),
        serial_number=format(certificate.serial_number, "X")[:80],
        valid_from=certificate.not_valid_before,
        valid_until=certificate.not_valid_after,
        der=certificate.dump(),
        added_at=timezone.now(),
    )
    # The unique key is left to the database: a lookup here can miss a row another transaction is adding.
    row.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        # Two documents sealed at once with a certificate new to the register (a fresh install, a
        # rotation): the transaction that registered it first keeps it, and its audit event.
        return SealCertificate.objects.get(fingerprint=fingerprint)
    audit_append(
        actor=actor,
        event_type=EventType.SEAL_CERTIFICATE_ADDED,
        object_type="seal_certificate",
        object_id=fingerprint.replace(":", "")[:64],
        summary=f"Seal certificate registered ({how}): {row.subject}",
        payload={
            "fingerprint": fingerprint,
            "subject": row.subject,
            "issuer": row.issuer,
            "serial_number": row.serial_number,
            "valid_from": row.valid_from.isoformat(),
            "valid_until": row.valid_until.isoformat(),
            "how": how,
        },
    )
    return row


@transaction.atomic
def seal_certificate_record_use(*, certificate: asn1_x509.Certificate) -> SealCertificate:
    """Register the certificate if needed and note that it sealed a document now."""
    row = seal_certificate_register(certificate=certificate, how="first used to seal")
    now = timezone.now()
    SealCertificate.objects.filter(pk=row.pk, first_used_at__isnull=True).update(first_used_at=now)
    SealCertificate.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


def registered_seal_certificates() -> list[asn1_x509.Certificate]:
    return [asn1_x509.Certificate.load(bytes(der)) for der in SealCertificate.objects.values_list("der", flat=True)]


def registered_seal_certificate(fingerprint: str) -> SealCertificate | None:
    return SealCertificate.objects.filter(fingerprint=fingerprint).first()
