"""Legal hold: which of a contact's signed records must stay exactly as signed, and until when."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from clients.models import Client, Contact, PracticeProfile
from recommendations.models import DecisionRequest, Signature, WaiverDocument
from recommendations.privacy.finding import ERASED_DOMAIN


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def hold_until(client: Client, profile: PracticeProfile) -> date | None:
    """The last day the client's signed records are held; None while the relationship has no end
    date (an active client, or a former one whose end date was never recorded)."""
    if client.relationship_ended_on is None:
        return None
    return _add_years(client.relationship_ended_on, profile.retention_years)


def is_held(client: Client, *, today: date, profile: PracticeProfile) -> bool:
    until = hold_until(client, profile)
    return until is None or today < until


@dataclass(frozen=True)
class HeldRecord:
    request: DecisionRequest
    document: WaiverDocument | None
    held_until: date | None


def signed_requests(contact: Contact) -> list[DecisionRequest]:
    return list(
        DecisionRequest.objects.filter(signatory=contact, signature__isnull=False)
        .select_related("client", "signature", "document")
        .order_by("completed_at")
    )


def contact_holds(contact: Contact, *, today: date | None = None) -> list[HeldRecord]:
    """The contact's signed records that erasure must keep, and until when."""
    profile = PracticeProfile.load()
    today = today or timezone.localdate()
    if not is_held(contact.client, today=today, profile=profile):
        return []
    until = hold_until(contact.client, profile)
    return [
        HeldRecord(request=request, document=getattr(request, "document", None), held_until=until)
        for request in signed_requests(contact)
        if not is_anonymised(request.signature)
    ]


def is_anonymised(signature: Signature) -> bool:
    return signature.signer_email.endswith(f"@{ERASED_DOMAIN}")
