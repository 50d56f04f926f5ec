"""Writes for the software register and install consent (CASL): programs, their install status,
consent given and withdrawn. Each writes an audit event."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.locking import lock_client
from clients.models import (
    Client,
    PracticeProfile,
    ServiceAgreement,
    Software,
)
from clients.services import apply_changes, locked_copy, signed_content_changed
from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType
from riskreg.evidence import StepOrigin
from riskreg.links import absolute_reverse
from riskreg.mail.services import email_enqueue
from riskreg.webhooks.services import webhook_enqueue

CAPABILITY_FIELDS = (
    "collects_personal_information",
    "changes_settings_or_data",
    "communicates_with_other_systems",
    "allows_remote_access",
)
# What a consent request discloses about a program (CASL).
SOFTWARE_DISCLOSED = ("name", "publisher", "function_and_purpose", *CAPABILITY_FIELDS)
WITHDRAWAL_CHANNELS = {
    "email": "Email",
    "phone": "Telephone",
    "letter": "Letter",
    "in_person": "In person",
    "other": "Other",
}


def _check_consent_agreement(client: Client, agreement: ServiceAgreement | None) -> None:
    if agreement is None:
        return
    if agreement.client_id != client.pk or not agreement.has_software_consent_clause or not agreement.signed_file:
        raise ValidationError(
            {
                "consent_by_agreement": _(
                    "Only an agreement of this client that carries a software-install consent "
                    "clause and has its signed copy uploaded can stand as consent."
                )
            }
        )


def _software_payload(software: Software) -> dict[str, Any]:
    return {
        "install_status": software.install_status,
        "consent_status": software.consent_status,
        "consent_by_agreement": str(software.consent_by_agreement.public_id) if software.consent_by_agreement else None,
        "capabilities": [name for name in CAPABILITY_FIELDS if getattr(software, name)],
    }


@transaction.atomic
def software_create(*, actor: User | None, client: Client, data: dict[str, Any]) -> Software:
    lock_client(client.pk)
    _check_consent_agreement(client, data.get("consent_by_agreement"))
    software = Software(client=client, **data)
    if software.consent_by_agreement is not None:
        software.consent_changed_at = timezone.now()
    software.full_clean()
    software.save()
    # The summary is stored evidence: always in English, whatever language is active.
    with translation.override(None):
        audit_append(
            actor=actor,
            event_type=EventType.SOFTWARE_CREATED,
            object_type="software",
            object_id=str(software.public_id),
            scope=client.scope,
            summary=(
                f"Software added to the register: {software.name} ({software.get_install_status_display().lower()})"
            ),
            payload=_software_payload(software),
        )
    return software


@transaction.atomic
def software_update(*, actor: User | None, software: Software, data: dict[str, Any]) -> list[str]:
    """Edit the description or the agreement evidence; install and consent states have their own services."""
    if {"install_status", "consent_status", "consent_changed_at"} & set(data):
        raise ValueError("install and consent states change only through their own services")
    lock_client(software.client_id)
    software = locked_copy(software)
    _check_consent_agreement(software.client, data.get("consent_by_agreement", software.consent_by_agreement))
    if "consent_by_agreement" in data and data["consent_by_agreement"] != software.consent_by_agreement:
        data = {**data, "consent_changed_at": timezone.now()}
    changed = [name for name in apply_changes(software, data) if name != "consent_changed_at"]
    if not changed:
        return []
    audit_append(
        actor=actor,
        event_type=EventType.SOFTWARE_UPDATED,
        object_type="software",
        object_id=str(software.public_id),
        scope=software.client.scope,
        summary=f"Software {software.name} updated: {', '.join(changed)}",
        payload={"fields": changed, **_software_payload(software)},
    )
    if set(changed) & set(SOFTWARE_DISCLOSED):
        signed_content_changed(
            actor=actor, software=software, reason=f"the description of {software.name} changed after sending"
        )
    return changed


def _set_install_status(*, actor: User | None, software: Software, status: str, allowed_from: set[str]) -> Software:
    lock_client(software.client_id)
    changed = Software.objects.filter(pk=software.pk, install_status__in=allowed_from).update(install_status=status)
    if not changed:
        raise ValidationError(
            _("%(name)s is already %(status)s.")
            % {"name": software.name, "status": software.get_install_status_display().lower()}
        )
    software.refresh_from_db()
    # The summary is stored evidence: always in English, whatever language is active.
    with translation.override(None):
        audit_append(
            actor=actor,
            event_type=f"software.{status}",
            object_type="software",
            object_id=str(software.public_id),
            scope=software.client.scope,
            summary=f"Software {software.name} marked {software.get_install_status_display().lower()}",
            payload=_software_payload(software),
        )
    return software


@transaction.atomic
def software_mark_installed(*, actor: User | None, software: Software) -> Software:
    """Recorded even without consent: the register states what is on the client's computers, and the
    flag on the client page and the dashboard then shows the missing consent."""
    return _set_install_status(
        actor=actor,
        software=software,
        status=Software.InstallStatus.INSTALLED,
        allowed_from={Software.InstallStatus.PLANNED, Software.InstallStatus.REMOVED},
    )


@transaction.atomic
def software_mark_removed(*, actor: User | None, software: Software) -> Software:
    return _set_install_status(
        actor=actor,
        software=software,
        status=Software.InstallStatus.REMOVED,
        allowed_from={Software.InstallStatus.PLANNED, Software.InstallStatus.INSTALLED},
    )


@transaction.atomic
def software_consent_record(
    *, software: Software, status: str, request_id: str, actor: User | None = None, actor_label: str | None = None
) -> Software:
    """Record the outcome of a consent request (requested, given or refused) for one program."""
    if status not in {Software.ConsentStatus.REQUESTED, Software.ConsentStatus.GIVEN, Software.ConsentStatus.REFUSED}:
        raise ValueError(f"a consent request cannot set consent status {status!r}")
    lock_client(software.client_id)
    software = locked_copy(software)
    software.consent_status = status
    software.consent_changed_at = timezone.now()
    software.save(update_fields=["consent_status", "consent_changed_at"])
    # The summary is stored evidence: always in English, whatever language is active.
    with translation.override(None):
        audit_append(
            actor=actor,
            actor_label=actor_label,
            event_type=f"software.consent_{status}",
            object_type="software",
            object_id=str(software.public_id),
            scope=software.client.scope,
            summary=f"Install consent {software.get_consent_status_display().lower()}: {software.name}",
            payload={"request": request_id, **_software_payload(software)},
        )
    return software


def may_withdraw(software: Software) -> bool:
    return software.consent_status == Software.ConsentStatus.GIVEN or software.consent_by_agreement_id is not None


@transaction.atomic
def software_consent_withdraw(
    *,
    software: Software,
    actor: User | None = None,
    actor_label: str | None = None,
    received_by: str = "link",
    origin: StepOrigin | None = None,
) -> Software:
    """Withdraw consent to one program, whether it was given by signature or by an agreement clause.

    Every withdrawal link of the program stops working, and the vCIO is told to uninstall it.
    `origin`: where a withdrawal through the link came from (address, browser, session hash)."""
    lock_client(software.client_id)
    software = Software.objects.select_for_update(of=("self",)).select_related("client__vcio").get(pk=software.pk)
    if not may_withdraw(software):
        raise ValidationError(_("There is no current consent to %(name)s to withdraw.") % {"name": software.name})
    if received_by != "link" and received_by not in WITHDRAWAL_CHANNELS:
        raise ValidationError({"received_by": _("Choose how the withdrawal was received.")})
    agreement = software.consent_by_agreement
    now = timezone.now()
    software.consent_status = Software.ConsentStatus.WITHDRAWN
    software.consent_by_agreement = None
    software.consent_changed_at = now
    software.save(update_fields=["consent_status", "consent_by_agreement", "consent_changed_at"])
    software.withdrawal_tokens.filter(used_at__isnull=True).update(used_at=now)
    # The summary is stored evidence: always in English, whatever language is active.
    with translation.override(None):
        how = (
            "through the personal withdrawal link"
            if received_by == "link"
            else f"({str(WITHDRAWAL_CHANNELS[received_by]).lower()})"
        )
        audit_append(
            actor=actor,
            actor_label=actor_label,
            event_type=EventType.SOFTWARE_CONSENT_WITHDRAWN,
            object_type="software",
            object_id=str(software.public_id),
            scope=software.client.scope,
            summary=f"Install consent withdrawn {how}: {software.name}",
            payload={
                "received_by": received_by,
                "agreement_released": str(agreement.public_id) if agreement else None,
                **_software_payload(software),
                **(origin.payload() if origin else {}),
            },
        )
    webhook_enqueue(
        event_type=EventType.CONSENT_WITHDRAWN,
        data={
            "software": str(software.public_id),
            "name": software.name,
            "publisher": software.publisher,
            "client": {"id": str(software.client.public_id), "name": software.client.name},
            "install_status": software.install_status,
            "received_by": received_by,
            "withdrawn_at": now.isoformat(),
        },
        scope=software.client.scope,
    )
    _alert_uninstall(software, now)
    return software


def _alert_uninstall(software: Software, withdrawn_at: Any) -> None:
    client = software.client
    vcio = client.vcio
    to = vcio.email if vcio and vcio.email else PracticeProfile.load().email
    if not to:
        return
    installed = software.install_status == Software.InstallStatus.INSTALLED
    email_enqueue(
        idempotency_key=f"software:{software.public_id}:withdrawn:{withdrawn_at.isoformat()}",
        kind="consent_withdrawn",
        to=[to],
        subject=format_lazy(
            gettext_lazy("Consent withdrawn: uninstall {program} at {client}")
            if installed
            else gettext_lazy("Consent withdrawn: do not install {program} at {client}"),
            program=software.name,
            client=client.name,
        ),
        template="notices/consent_withdrawn",
        context={
            "client_name": client.name,
            "software_name": software.name,
            "publisher": software.publisher,
            "withdrawn_at": withdrawn_at,
            "installed": installed,
            "link_url": absolute_reverse("register:client_detail", client.public_id),
        },
        scope=client.scope,
    )
