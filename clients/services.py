"""Writes for clients, contacts, agreements, the practice profile and relationship decisions (the
software register is in software.py). Each writes an audit event."""

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
from django.utils.translation import gettext as _

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
from riskreg.mail.secrets import withheld


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
        raise ValidationError(_("This contact's personal data was erased; add a new contact instead."))
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
        errors["next_review_on"] = _("Set the next review to a date after today.")
    if outcome == RelationshipDecision.Outcome.CONDITIONS and not conditions:
        errors["conditions"] = _("State the conditions the client must meet.")
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


# --- consent withdrawal links (minted as the email is sent) --------------------------------------


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
