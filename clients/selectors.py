"""Reads for clients. A vCIO sees only the clients assigned to them; anyone else gets a 404."""

import hashlib
from typing import Any
from uuid import UUID

from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from clients.models import (
    AgreementVersion,
    Client,
    ConsentWithdrawalToken,
    Contact,
    PracticeProfile,
    ServiceAgreement,
    Software,
)
from riskreg.links import absolute_reverse

# The one definition of "installed without current consent" (CASL), used by the client page and
# the dashboard alike: installed, the client has not given express consent, and no agreement that
# carries a consent clause *and* has its signed copy on file names it.
CONSENT_MISSING = ~Q(consent_status=Software.ConsentStatus.GIVEN) & (
    Q(consent_by_agreement__isnull=True)
    | Q(consent_by_agreement__has_software_consent_clause=False)
    | Q(consent_by_agreement__signed_file="")
)
SOFTWARE_WITHOUT_CONSENT = Q(install_status=Software.InstallStatus.INSTALLED) & CONSENT_MISSING


def consent_in_force(software: Software) -> bool:
    """The same rule as CONSENT_MISSING, for one program already loaded with its agreement."""
    agreement = software.consent_by_agreement
    return software.consent_status == Software.ConsentStatus.GIVEN or (
        agreement is not None and agreement.has_software_consent_clause and bool(agreement.signed_file)
    )


# A client is assessed once one of its recommendations has been put to it (open or decided); drafts
# and withdrawn items never were. Until then its cached score (0, Low, 100 % coverage) says nothing,
# so pages show "Not assessed" and portfolio averages leave it out.
NOT_ASSESSED = "not_assessed"
UNASSESSED_STATUSES = ("draft", "withdrawn")


def assessed() -> Exists:
    """True for a client with at least one open or decided recommendation (an annotation; the
    recommendation model is reached through the relation, clients never import recommendations)."""
    recommendation = Client._meta.get_field("recommendations").related_model
    return Exists(recommendation.objects.filter(client=OuterRef("pk")).exclude(status__in=UNASSESSED_STATUSES))


def clients_visible_to(user: Any) -> QuerySet[Client]:
    clients = Client.objects.all()
    if not user.sees_all_clients:
        clients = clients.filter(vcio=user)
    return clients


def client_for_user(*, user: Any, public_id: UUID) -> Client:
    return get_object_or_404(clients_visible_to(user).select_related("vcio"), public_id=public_id)


def client_list(
    *, user: Any, search: str = "", status: str = "", industry: str = "", band: str = ""
) -> QuerySet[Client]:
    clients = clients_visible_to(user).select_related("vcio")
    if search:
        clients = clients.filter(Q(name__icontains=search) | Q(contacts__name__icontains=search)).distinct()
    if status:
        clients = clients.filter(status=status)
    if industry:
        clients = clients.filter(industry=industry)
    clients = clients.annotate(assessed=assessed())
    if band == NOT_ASSESSED:
        clients = clients.filter(assessed=False)
    elif band:
        clients = clients.filter(risk_band=band, assessed=True)
    return clients.order_by("-risk_score", "name")


def contact_for_user(*, user: Any, public_id: UUID) -> Contact:
    return get_object_or_404(
        Contact.objects.select_related("client").filter(client__in=clients_visible_to(user)), public_id=public_id
    )


def agreement_for_user(*, user: Any, public_id: UUID) -> ServiceAgreement:
    return get_object_or_404(
        ServiceAgreement.objects.select_related("client").filter(client__in=clients_visible_to(user)),
        public_id=public_id,
    )


def agreement_versions_for_user(*, user: Any, public_id: UUID) -> tuple[ServiceAgreement, list[AgreementVersion]]:
    """An agreement of a client the user may see, with every version of it, newest first (two queries)."""
    agreement = get_object_or_404(
        ServiceAgreement.objects.select_related("client").filter(client__in=clients_visible_to(user)),
        public_id=public_id,
    )
    return agreement, list(agreement.versions.select_related("created_by").order_by("-number"))


def current_agreement(client: Client) -> ServiceAgreement | None:
    return current_agreements([client]).get(client.pk)


def agreement_versions_in_force(agreements: list[ServiceAgreement]) -> dict[int, AgreementVersion]:
    """Agreement pk -> the version of its terms now in force, for those that have one; one query."""
    versions = AgreementVersion.objects.filter(agreement__in=agreements, number=F("agreement__version"))
    return {version.agreement_id: version for version in versions}


def current_agreements(clients: list[Client]) -> dict[int, ServiceAgreement]:
    """Each client's agreement in force (the latest effective one), for those that have one; one query."""
    agreements: dict[int, ServiceAgreement] = {}
    latest_first = ServiceAgreement.objects.filter(client__in=clients).order_by("client_id", "-effective_date", "-pk")
    for agreement in latest_first:
        agreements.setdefault(agreement.client_id, agreement)
    return agreements


def email_branding() -> dict[str, str]:
    """The letterhead on every email (settings.RISKREG_EMAIL_BRANDING): CASL wants the sender's
    name, mailing address and one other way to reach them."""
    profile = PracticeProfile.load()
    return {
        "legal_name": profile.legal_name,
        "mailing_address": profile.mailing_address,
        "email": profile.email,
        "phone": profile.phone,
        "website": profile.website,
    }


def software_without_consent() -> QuerySet[Software]:
    return Software.objects.filter(SOFTWARE_WITHOUT_CONSENT)


def clients_with_unconsented_software() -> QuerySet[Client]:
    return Client.objects.filter(Exists(software_without_consent().filter(client=OuterRef("pk"))))


def software_for_client(client: Client) -> list[Software]:
    """The client's software register, each row flagged `without_consent` (one query)."""
    return list(
        client.software.select_related("consent_by_agreement")
        .annotate(
            without_consent=ExpressionWrapper(SOFTWARE_WITHOUT_CONSENT, output_field=BooleanField()),
            consent_missing=ExpressionWrapper(CONSENT_MISSING, output_field=BooleanField()),
        )
        .order_by("name")
    )


def software_for_user(*, user: Any, public_id: UUID) -> Software:
    return get_object_or_404(
        Software.objects.select_related("client", "client__vcio", "consent_by_agreement").filter(
            client__in=clients_visible_to(user)
        ),
        public_id=public_id,
    )


def consent_agreements(client: Client) -> QuerySet[ServiceAgreement]:
    """The client's agreements that can stand as consent: a consent clause and the signed copy on file."""
    return client.agreements.filter(has_software_consent_clause=True).exclude(signed_file="")


def withdrawal_token_row(token: str) -> ConsentWithdrawalToken | None:
    """The withdrawal link behind a token, or None for anything unknown (no hint why)."""
    if not token or len(token) > 100:
        return None
    return (
        ConsentWithdrawalToken.objects.select_related("software", "software__client")
        .filter(token_hash=hashlib.sha256(token.encode()).hexdigest())
        .first()
    )


def withdrawal_url(token: str) -> str:
    return absolute_reverse("clients:withdraw", token)
