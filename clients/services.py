"""Writes for clients, contacts, agreements and the practice profile. Each writes an audit event."""

from typing import Any

from django.db import transaction

from clients.models import Client, Contact, PracticeProfile, ServiceAgreement
from riskreg.audit.chain import audit_append


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
def client_create(*, actor: Any, data: dict[str, Any]) -> Client:
    client = Client(**data)
    client.full_clean()
    client.save()
    audit_append(
        actor=actor,
        event_type="client.created",
        object_type="client",
        object_id=str(client.public_id),
        scope=client.scope,
        summary=f"Client {client.name} created",
        payload={"industry": client.industry, "service_tier": client.service_tier},
    )
    return client


@transaction.atomic
def client_update(*, actor: Any, client: Client, data: dict[str, Any]) -> list[str]:
    """Returns the names of the fields that changed (nothing is written when none did)."""
    client = locked_copy(client)
    changed = apply_changes(client, data)
    if not changed:
        return []
    audit_append(
        actor=actor,
        event_type="client.updated",
        object_type="client",
        object_id=str(client.public_id),
        scope=client.scope,
        summary=f"Client {client.name} updated: {', '.join(changed)}",
        payload={"fields": changed},
    )
    return changed


@transaction.atomic
def contact_create(*, actor: Any, client: Client, data: dict[str, Any]) -> Contact:
    contact = Contact(client=client, **data)
    contact.full_clean()
    contact.save()
    audit_append(
        actor=actor,
        event_type="contact.created",
        object_type="contact",
        object_id=str(contact.public_id),
        scope=client.scope,
        summary="Contact added" + (" (signatory)" if contact.can_sign else ""),
        payload={"can_sign": contact.can_sign},
    )
    return contact


@transaction.atomic
def contact_update(*, actor: Any, contact: Contact, data: dict[str, Any]) -> list[str]:
    contact = locked_copy(contact)
    changed = apply_changes(contact, data)
    if not changed:
        return []
    # Field names only: the chain is permanent, so it never holds personal data itself.
    audit_append(
        actor=actor,
        event_type="contact.updated",
        object_type="contact",
        object_id=str(contact.public_id),
        scope=contact.client.scope,
        summary=f"Contact updated: {', '.join(changed)}",
        payload={"fields": changed},
    )
    return changed


@transaction.atomic
def agreement_create(*, actor: Any, client: Client, data: dict[str, Any]) -> ServiceAgreement:
    agreement = ServiceAgreement(client=client, **data)
    agreement.full_clean()
    agreement.save()
    audit_append(
        actor=actor,
        event_type="agreement.created",
        object_type="agreement",
        object_id=str(agreement.public_id),
        scope=client.scope,
        summary=f"Service agreement {agreement.reference} recorded",
        payload={"reference": agreement.reference, "effective_date": agreement.effective_date.isoformat()},
    )
    return agreement


@transaction.atomic
def agreement_update(*, actor: Any, agreement: ServiceAgreement, data: dict[str, Any]) -> list[str]:
    agreement = locked_copy(agreement)
    changed = apply_changes(agreement, data)
    if not changed:
        return []
    audit_append(
        actor=actor,
        event_type="agreement.updated",
        object_type="agreement",
        object_id=str(agreement.public_id),
        scope=agreement.client.scope,
        summary=f"Service agreement {agreement.reference} updated: {', '.join(changed)}",
        payload={"fields": changed},
    )
    return changed


@transaction.atomic
def practice_profile_update(*, actor: Any, data: dict[str, Any]) -> list[str]:
    changed = apply_changes(locked_copy(PracticeProfile.load()), data)
    if not changed:
        return []
    audit_append(
        actor=actor,
        event_type="practice.updated",
        object_type="practice",
        object_id="1",
        summary=f"Practice profile updated: {', '.join(changed)}",
        payload={"fields": changed},
    )
    return changed
