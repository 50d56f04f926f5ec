"""Writes for clients, contacts, agreements and the practice profile. Each writes an audit event."""

import datetime
import hashlib
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from clients.locking import lock_client
from clients.models import (
    AGREEMENT_TERMS,
    AgreementVersion,
    Client,
    ConsentWithdrawalToken,
    Contact,
    PracticeProfile,
    RelationshipDecision,
    ServiceAgreement,
    Software,
)
from clients.selectors import withdrawal_url
from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType
from riskreg.evidence import StepOrigin
from riskreg.links import absolute_reverse
from riskreg.mail.secrets import withheld
from riskreg.mail.services import email_enqueue
from riskreg.webhooks.services import webhook_enqueue


def locked_copy(instance: Any) -> Any:
    """A fresh, row-locked copy: a bound ModelForm has already written its data onto the
    instance it was given, so comparing against that would find nothing changed."""
    return type(instance).objects.select_for_update().get(pk=instance.pk)


def apply_changes(instance: Any, data: dict[str, Any]) -> list[str]:
    """Save the fields of `data` that differ; return their names (nothing saved if none)."""
    changed = sorted(name for name, value in data.items() if getattr(instance, name) != value)
    if changed:
        for name in changed:
            setattr(instance, name, data[name])
        instance.full_clean()
        instance.save()
    return changed


@transaction.atomic
def client_create(*, actor: User | None, data: dict[str, Any]) -> Client:
    client = Client(**data)
    client.full_clean()
    client.save()
    audit_append(
        actor=actor,
        event_type=EventType.CLIENT_CREATED,
        object_type="client",
        object_id=str(client.public_id),
        scope=client.scope,
        summary=f"Client {client.name} created",
        payload={"industry": client.industry, "service_tier": client.service_tier},
    )
    return client


@transaction.atomic
def client_update(*, actor: User | None, client: Client, data: dict[str, Any]) -> list[str]:
    """Returns the names of the fields that changed (nothing is written when none did)."""
    client = locked_copy(client)
    changed = apply_changes(client, data)
    if not changed:
        return []
    audit_append(
        actor=actor,
        event_type=EventType.CLIENT_UPDATED,
        object_type="client",
        object_id=str(client.public_id),
        scope=client.scope,
        summary=f"Client {client.name} updated: {', '.join(changed)}",
        payload={"fields": changed},
    )
    if "name" in changed:
        signed_content_changed(actor=actor, client=client, reason="the client's name changed after sending")
    return changed


@transaction.atomic
def contact_create(*, actor: User | None, client: Client, data: dict[str, Any]) -> Contact:
    lock_client(client.pk)
    contact = Contact(client=client, **data)
    contact.full_clean()
    contact.save()
    audit_append(
        actor=actor,
        event_type=EventType.CONTACT_CREATED,
        object_type="contact",
        object_id=str(contact.public_id),
        scope=client.scope,
        summary="Contact added" + (" (signatory)" if contact.can_sign else ""),
        payload={"can_sign": contact.can_sign},
    )
    return contact


@transaction.atomic
def contact_update(*, actor: User | None, contact: Contact, data: dict[str, Any]) -> list[str]:
    lock_client(contact.client_id)
    contact = locked_copy(contact)
    if contact.erased_at is not None:
        raise ValidationError("This contact's personal data was erased; add a new contact instead.")
    changed = apply_changes(contact, data)
    if not changed:
        return []
    # Field names only: the chain is permanent, so it never holds personal data itself.
    audit_append(
        actor=actor,
        event_type=EventType.CONTACT_UPDATED,
        object_type="contact",
        object_id=str(contact.public_id),
        scope=contact.client.scope,
        summary=f"Contact updated: {', '.join(changed)}",
        payload={"fields": changed},
    )
    return changed


def agreement_version_record(*, agreement: ServiceAgreement, actor: User | None) -> AgreementVersion:
    """Write the agreement's current terms as its version `agreement.version` (never changed after)."""
    return AgreementVersion.objects.create(
        agreement=agreement,
        number=agreement.version,
        created_at=timezone.now(),
        created_by=actor if getattr(actor, "pk", None) else None,
        **{term: getattr(agreement, term) for term in AGREEMENT_TERMS},
    )


@transaction.atomic
def agreement_create(*, actor: User | None, client: Client, data: dict[str, Any]) -> ServiceAgreement:
    lock_client(client.pk)
    agreement = ServiceAgreement(client=client, **data)
    agreement.full_clean()
    agreement.save()
    agreement_version_record(agreement=agreement, actor=actor)
    audit_append(
        actor=actor,
        event_type=EventType.AGREEMENT_CREATED,
        object_type="agreement",
        object_id=str(agreement.public_id),
        scope=client.scope,
        summary=f"Service agreement {agreement.reference} recorded",
        payload={
            "reference": agreement.reference,
            "effective_date": agreement.effective_date.isoformat(),
            "version": agreement.version,
        },
    )
    # A request sent with another agreement in force no longer shows the terms now in force.
    signed_content_changed(
        actor=actor,
        client=client,
        quoting_agreement=True,
        reason=f"service agreement {agreement.reference} came into force",
    )
    return agreement


@transaction.atomic
def agreement_update(*, actor: User | None, agreement: ServiceAgreement, data: dict[str, Any]) -> list[str]:
    """Every edit makes a new version of the agreement; the versions before it stay as they were,
    and open requests that quoted the agreement are voided (their signer must read the new terms)."""
    lock_client(agreement.client_id)
    agreement = locked_copy(agreement)
    if any(getattr(agreement, name) != value for name, value in data.items()):
        data = {**data, "version": agreement.version + 1}
    changed = [name for name in apply_changes(agreement, data) if name != "version"]
    if not changed:
        return []
    agreement_version_record(agreement=agreement, actor=actor)
    audit_append(
        actor=actor,
        event_type=EventType.AGREEMENT_UPDATED,
        object_type="agreement",
        object_id=str(agreement.public_id),
        scope=agreement.client.scope,
        summary=f"Service agreement {agreement.reference} updated to version {agreement.version}: {', '.join(changed)}",
        payload={"fields": changed, "version": agreement.version},
    )
    signed_content_changed(
        actor=actor,
        client=agreement.client,
        quoting_agreement=True,
        reason=f"service agreement {agreement.reference} was edited (now version {agreement.version})",
    )
    if "exclusions" in changed:
        # Signed refusals quoted the old exclusions (settings.RISKREG_SIGNED_BASIS_CHANGED; the
        # recommendations side owns refusals).
        import_string(settings.RISKREG_SIGNED_BASIS_CHANGED)(actor=actor, agreement=agreement)
    return changed


def signed_content_changed(
    *,
    actor: User | None,
    reason: str,
    client: Client | None = None,
    software: Software | None = None,
    quoting_agreement: bool = False,
) -> int:
    """A row that open signing requests show their signer changed: those requests are voided,
    in this transaction (settings.RISKREG_SIGNED_CONTENT_CHANGED; the signing side owns requests).
    `client` alone: all of its requests; with `quoting_agreement`: those that quote its agreement;
    `software`: those that ask consent for it; none: every open request (the practice's identity)."""
    return import_string(settings.RISKREG_SIGNED_CONTENT_CHANGED)(
        actor=actor, reason=reason, client=client, software=software, quoting_agreement=quoting_agreement
    )


# What every signing request shows its signer about the practice (and CASL requires of a consent request).
PRACTICE_IDENTITY = ("legal_name", "mailing_address", "email", "phone", "website")


@transaction.atomic
def practice_profile_update(*, actor: User | None, data: dict[str, Any]) -> list[str]:
    changed = apply_changes(locked_copy(PracticeProfile.load()), data)
    if not changed:
        return []
    audit_append(
        actor=actor,
        event_type=EventType.PRACTICE_UPDATED,
        object_type="practice",
        object_id="1",
        summary=f"Practice profile updated: {', '.join(changed)}",
        payload={"fields": changed},
    )
    if set(changed) & set(PRACTICE_IDENTITY):
        signed_content_changed(actor=actor, reason="the practice's name or contact details changed after sending")
    return changed


def may_decide_relationship(user: Any) -> bool:
    """Keeping or letting go of a client is a manager's call (SPEC section 1), not a vCIO's."""
    return bool(user.is_superuser or user.role in {"manager", "admin"})


def may_see_client_value(user: Any) -> bool:
    """What a client pays is commercial: managers weigh it against risk, vCIOs do not see it."""
    return may_decide_relationship(user)


@transaction.atomic
def relationship_decision_record(
    *, actor: User | None, client: Client, outcome: str, conditions: str, next_review_on: datetime.date | None
) -> RelationshipDecision:
    """Record a manager's decision to continue, continue with conditions, or offboard a client.

    Offboarding also moves an active client to "offboarding" through client_update, so the
    status change has its own audit event.
    """
    if not may_decide_relationship(actor):
        raise PermissionDenied("Only a manager or practice admin records relationship decisions.")
    lock_client(client.pk)
    today = timezone.localdate()
    conditions = conditions.strip()
    errors = {}
    if next_review_on is None or next_review_on <= today:
        errors["next_review_on"] = "Set the next review to a date after today."
    if outcome == RelationshipDecision.Outcome.CONDITIONS and not conditions:
        errors["conditions"] = "State the conditions the client must meet."
    if errors:
        raise ValidationError(errors)
    decision = RelationshipDecision(
        client=client,
        manager=actor,
        decided_on=today,
        outcome=outcome,
        conditions=conditions,
        next_review_on=next_review_on,
        score_at_decision=client.risk_score,
    )
    decision.full_clean()
    decision.save()
    # The conditions are free text and may name people, so the permanent chain holds only
    # whether there were any.
    audit_append(
        actor=actor,
        event_type=EventType.RELATIONSHIP_DECIDED,
        object_type="relationship_decision",
        object_id=str(decision.public_id),
        scope=client.scope,
        summary=f"Relationship decision: {decision.get_outcome_display()}; next review {next_review_on.isoformat()}",
        payload={
            "outcome": decision.outcome,
            "next_review_on": next_review_on.isoformat(),
            "score_at_decision": decision.score_at_decision,
            "has_conditions": bool(conditions),
        },
    )
    if decision.outcome == RelationshipDecision.Outcome.OFFBOARD and client.status == Client.Status.ACTIVE:
        client_update(actor=actor, client=client, data={"status": Client.Status.OFFBOARDING})
    return decision


# --- software register and install consent (CASL) -------------------------------------------

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
                "consent_by_agreement": "Only an agreement of this client that carries a software-install consent "
                "clause and has its signed copy uploaded can stand as consent."
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
    audit_append(
        actor=actor,
        event_type=EventType.SOFTWARE_CREATED,
        object_type="software",
        object_id=str(software.public_id),
        scope=client.scope,
        summary=f"Software added to the register: {software.name} ({software.get_install_status_display().lower()})",
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
        raise ValidationError(f"{software.name} is already {software.get_install_status_display().lower()}.")
    software.refresh_from_db()
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


def withdrawal_link_placeholder(position: int) -> str:
    """Where the withdrawal link of the email's `position`-th program goes (riskreg.mail.secrets)."""
    return withheld(f"personal withdrawal link {position}")


def withdrawal_links_mint(*, email: Any, issued_for: str, software: list[str], slot: str) -> dict[str, str]:
    """The withdrawal links of an email, made as it is sent: for each program (public ids, in
    the order of the placeholders) a new token whose hash replaces the one this request's email
    carried before, so a re-sent email's link works and the earlier one does not."""
    programs = Software.objects.in_bulk([uuid.UUID(public_id) for public_id in software], field_name="public_id")
    links = {}
    for position, public_id in enumerate(software, start=1):
        token = secrets.token_urlsafe(32)
        ConsentWithdrawalToken.objects.update_or_create(
            software=programs[uuid.UUID(public_id)],
            issued_for=issued_for,
            slot=slot,
            defaults={"token_hash": hashlib.sha256(token.encode()).hexdigest()},
        )
        links[withdrawal_link_placeholder(position)] = withdrawal_url(token)
    return links


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
        raise ValidationError(f"There is no current consent to {software.name} to withdraw.")
    if received_by != "link" and received_by not in WITHDRAWAL_CHANNELS:
        raise ValidationError({"received_by": "Choose how the withdrawal was received."})
    agreement = software.consent_by_agreement
    now = timezone.now()
    software.consent_status = Software.ConsentStatus.WITHDRAWN
    software.consent_by_agreement = None
    software.consent_changed_at = now
    software.save(update_fields=["consent_status", "consent_by_agreement", "consent_changed_at"])
    software.withdrawal_tokens.filter(used_at__isnull=True).update(used_at=now)
    how = (
        "through the personal withdrawal link"
        if received_by == "link"
        else f"({WITHDRAWAL_CHANNELS[received_by].lower()})"
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
    action = (
        f"It is installed: uninstall it from {client.name}'s computers and mark it removed in the register."
        if installed
        else f"It is not installed: do not install it at {client.name}."
    )
    email_enqueue(
        idempotency_key=f"software:{software.public_id}:withdrawn:{withdrawn_at.isoformat()}",
        kind="consent_withdrawn",
        to=[to],
        subject=f"Consent withdrawn: {'uninstall' if installed else 'do not install'} {software.name} at {client.name}",
        template="staff_notice",
        context={
            "heading": f"{client.name} withdrew its consent to {software.name}",
            "paragraphs": [
                f"Consent to install {software.name} ({software.publisher}) was withdrawn on "
                f"{timezone.localtime(withdrawn_at):%Y-%m-%d %H:%M %Z}. {action}",
                "Until it is removed, the client page and the dashboard flag it as installed without consent.",
            ],
            "link_url": absolute_reverse("register:client_detail", client.public_id),
            "link_label": "Open the client",
        },
        scope=client.scope,
    )
