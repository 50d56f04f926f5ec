"""Reads for the register: each selector owns its query shape, so a page's query count does
not grow with the number of rows."""

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from operator import attrgetter
from types import MappingProxyType
from typing import Any
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from clients.models import Client, Contact, PracticeProfile
from clients.selectors import clients_visible_to
from recommendations.audit_wording import event_label
from recommendations.models import (
    Control,
    Decision,
    DecisionRequest,
    ReackStep,
    Recommendation,
    RequestItem,
    Signature,
    WaiverDocument,
    step_label,
)
from recommendations.risk.scoring import Sensitivity
from recommendations.risk.states import DEFAULT_CONFIG, ScoringConfig, ScoringItem
from riskreg.audit.events import EventType
from riskreg.audit.models import AuditEvent

STATUS_ORDER = ["presented", "refused", "lapsed", "deferred", "accepted", "draft", "implemented", "withdrawn"]


def scoring_items_for_client(client: Client) -> list[ScoringItem]:
    rows = Recommendation.objects.filter(client=client).values_list(
        "public_id", "title", "likelihood", "impact", "status", "target_date", "valid_until", "basis_changed_on"
    )
    return [
        ScoringItem(str(pid), title, lik, imp, status, target, valid, changed is not None)
        for pid, title, lik, imp, status, target, valid, changed in rows
    ]


def sensitivity_of(client: Client) -> Sensitivity:
    return Sensitivity(industry=client.industry, regulated_data=client.regulated_data)


def scoring_config(profile: PracticeProfile | None = None) -> ScoringConfig:
    """The defaults with the practice's band limits and multiplier overrides applied.

    An override for something that is neither an industry nor a kind of regulated data is an
    error, not ignored: the practice profile form rejects it, so one here came in some other way
    and would silently score as if never set.
    """
    profile = profile or PracticeProfile.load()
    industry = dict(DEFAULT_CONFIG.industry_multipliers)
    data = dict(DEFAULT_CONFIG.data_multipliers)
    for key, value in (profile.multiplier_overrides or {}).items():
        if key in industry:
            industry[key] = float(value)
        elif key in data:
            data[key] = float(value)
        else:
            raise ValueError(f"practice multiplier override for unknown industry or data kind {key!r}")
    return ScoringConfig(
        industry_multipliers=MappingProxyType(industry),
        data_multipliers=MappingProxyType(data),
        band_limits=(profile.band_moderate_from, profile.band_high_from, profile.band_critical_from),
    )


def recommendation_for_user(*, user: Any, public_id: UUID) -> Recommendation:
    return get_object_or_404(
        Recommendation.objects.select_related("client", "control", "owner").filter(client__in=clients_visible_to(user)),
        public_id=public_id,
    )


TIMELINE_PAGE_SIZE = 20


def actor_name(label: str, signers: dict[str, str]) -> str:
    """An audit event's actor label in words: never a raw identifier on a page."""
    kind, __, rest = label.partition(":")
    if kind == "signer":
        return _("%(name)s (signatory)") % {"name": signers.get(rest, _("The signatory"))}
    if kind == "user":
        return rest.partition(":")[2] or _("A staff member")
    return {
        "system": _("RiskReg (automatic)") if not rest else _("RiskReg (re-acknowledgment sweep)"),
        "seed": _("Demo data"),
        "link": _("The contact, with their withdrawal link"),
        "command": _("An administrator (command line)"),
    }.get(kind, "RiskReg")


def signer_names(contacts: Iterable[Contact]) -> dict[str, str]:
    return {str(contact.public_id): contact.name for contact in contacts}


def client_events(client: Client) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(scope=client.scope)


def client_timeline(client: Client, *, contacts: Iterable[Contact] = (), page: str | None = None) -> Page:
    """One page of the client's events, newest first, with what the timeline shows: not the payload
    or the hash chain. Each event gets `who` (its actor in words) and a signing `signed_as`, the
    name the signer typed: kept with the signature, which erasure can anonymise, rather than in the
    permanent chain. Three queries (count, page, signatures), however many events."""
    events = (
        client_events(client)
        .select_related("actor")
        .only(
            "occurred_at",
            "summary",
            "actor_label",
            "event_type",
            "object_id",
            "actor__first_name",
            "actor__last_name",
            "actor__username",
        )
        .order_by("-sequence")
    )
    shown = Paginator(events, TIMELINE_PAGE_SIZE).get_page(page)
    shown.object_list = list(shown.object_list)
    signed = [event.object_id for event in shown.object_list if event.event_type == EventType.REQUEST_SIGNED]
    # Never an empty list: Django would skip the query, and the page's query count would depend on
    # whether a signing is among the events shown.
    typed = {
        str(public_id): name
        for public_id, name in Signature.objects.filter(
            request__client=client, request__public_id__in=signed or [UUID(int=0)]
        ).values_list("request__public_id", "typed_name")
    }
    signers = signer_names(contacts)
    for event in shown.object_list:
        event.signed_as = typed.get(event.object_id) if event.event_type == EventType.REQUEST_SIGNED else None
        event.who = str(event.actor) if event.actor else actor_name(event.actor_label, signers)
        event.label = event_label(event.event_type, event.summary)
    return shown


def active_controls() -> QuerySet[Control]:
    return Control.objects.filter(is_active=True).order_by("category", "code")


def request_timeline(decision_request: DecisionRequest) -> list[AuditEvent]:
    """The request's events, oldest first, each with `label`: its wording in the reader's language."""
    events = list(
        AuditEvent.objects.filter(object_type="decision_request", object_id=str(decision_request.public_id))
        .select_related("actor")
        .order_by("sequence")
    )
    for event in events:
        event.label = event_label(event.event_type, event.summary)
    return events


def recent_requests_for_client(client: Client) -> QuerySet[DecisionRequest]:
    """The client's requests, latest first, with what the client page lists of them: not the
    signing flow's hashes, codes and timestamps. The page paginates them."""
    listed = ("public_id", "purpose", "status", "sent_at", "expires_at", "signatory__name")
    document_link = ("document__public_id", "document__document_id", "document__kind", "document__evidence_level")
    return (
        DecisionRequest.objects.filter(client=client)
        .select_related("signatory", "document")
        .only(*listed, *document_link)
        .order_by("-sent_at", "-pk")
    )


# --- Re-acknowledgment --------------------------------------------------------------------------

REACK_TABS = {
    "due": gettext_lazy("Coming due"),
    "awaiting": gettext_lazy("Awaiting answer"),
    "lapsed": pgettext_lazy("refusals", "Lapsed"),
}
REACK_WINDOWS = (30, 60, 90)


def refusing_signatory() -> Subquery:
    """The contact who signed a recommendation's current refusal: Decision -> request -> signatory."""
    # From the item side: both joins follow an index (request item by recommendation, decision by item).
    items = RequestItem.objects.filter(recommendation=OuterRef("pk"), decision__outcome=Decision.Outcome.REFUSE)
    return Subquery(items.order_by("-decision__decided_at", "-decision__pk").values("request__signatory")[:1])


def may_sign(contact: Contact | None) -> bool:
    return contact is not None and contact.can_sign and contact.is_active and contact.erased_at is None


def signatories_for(
    recommendations: list[Recommendation], *, contacts: list[Contact] | None = None
) -> dict[int, Contact | None]:
    """Who is asked to re-acknowledge each refusal (annotated with `signatory_pk`): in at most two
    queries, or none when the caller already holds every contact of the clients concerned. A
    refusal recorded outside the signing flow has no decision naming its signer; it falls to the
    client's first active signatory."""
    if contacts is None:
        by_pk = Contact.objects.in_bulk({r.signatory_pk for r in recommendations if r.signatory_pk})
        unsigned_clients = {r.client_id for r in recommendations if not r.signatory_pk}
        signers = Contact.objects.filter(can_sign=True, is_active=True, erased_at__isnull=True)
        candidates = signers.filter(client_id__in=unsigned_clients) if unsigned_clients else []
    else:
        by_pk = {contact.pk: contact for contact in contacts}
        candidates = [contact for contact in contacts if may_sign(contact)]
    fallback: dict[int, Contact] = {}
    for contact in sorted(candidates, key=lambda c: (c.client_id, c.name, c.pk)):
        fallback.setdefault(contact.client_id, contact)
    return {r.pk: by_pk.get(r.signatory_pk) if r.signatory_pk else fallback.get(r.client_id) for r in recommendations}


def in_open_request() -> Exists:
    return Exists(
        RequestItem.objects.filter(recommendation=OuterRef("pk"), request__status__in=DecisionRequest.OPEN_STATUSES)
    )


@dataclass(frozen=True)
class ReackRow:
    recommendation: Recommendation
    signatory: Contact | None
    today: Any

    @property
    def days(self) -> int:
        """Days until the refusal's valid-until; negative once past it."""
        return (self.recommendation.valid_until - self.today).days

    @property
    def days_overdue(self) -> int:
        return -self.days

    @property
    def signatory_can_sign(self) -> bool:
        return may_sign(self.signatory)

    @property
    def last_step_label(self) -> str:
        return step_label(self.recommendation.last_step) if self.recommendation.last_step else ""


def _with_progress(recommendations: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    steps = ReackStep.objects.filter(recommendation=OuterRef("pk"), cycle=OuterRef("valid_until")).order_by(
        "-done_at", "-pk"
    )
    # A link past its expiry is not shown as a request in progress, even before the sweep marks it.
    open_items = RequestItem.objects.filter(DecisionRequest.live("request__"), recommendation=OuterRef("pk")).order_by(
        "-request__sent_at"
    )
    return recommendations.annotate(
        signatory_pk=refusing_signatory(),
        last_step=Subquery(steps.values("step")[:1]),
        last_step_at=Subquery(steps.values("done_at")[:1]),
        open_request=Subquery(open_items.values("request__public_id")[:1]),
        open_request_sent_at=Subquery(open_items.values("request__sent_at")[:1]),
    )


def reack_rows(
    recommendations: list[Recommendation], *, today: Any, contacts: list[Contact] | None = None
) -> list[ReackRow]:
    signatories = signatories_for(recommendations, contacts=contacts)
    return [ReackRow(recommendation=r, signatory=signatories[r.pk], today=today) for r in recommendations]


def _reack_conditions(*, today: Any, window: int) -> dict[str, Q]:
    """Each tab as a condition on a recommendation annotated with `busy` (in an open request)."""
    refused = Q(status=Recommendation.Status.REFUSED)
    return {
        "due": refused & Q(valid_until__gt=today, valid_until__lte=today + timedelta(days=window), busy=False),
        "awaiting": refused & (Q(valid_until__lte=today) | Q(busy=True)),
        "lapsed": Q(status=Recommendation.Status.LAPSED),
    }


def reack_list(*, clients: QuerySet[Client], tab: str, window: int, today: Any) -> QuerySet[Recommendation]:
    """One tab of the re-acknowledgment page, soonest valid-until first (one query a page)."""
    condition = _reack_conditions(today=today, window=window)[tab]
    recommendations = Recommendation.objects.filter(client__in=clients.values("pk")).annotate(busy=in_open_request())
    return (
        _with_progress(recommendations.filter(condition))
        .select_related("client")
        .order_by("valid_until", "client__name", "title", "pk")
    )


def reack_counts(*, clients: QuerySet[Client], window: int, today: Any) -> dict[str, int]:
    """The number of rows in every tab, in one query."""
    conditions = _reack_conditions(today=today, window=window)
    return (
        Recommendation.objects.filter(client__in=clients.values("pk"), status__in=["refused", "lapsed"])
        .annotate(busy=in_open_request())
        .aggregate(**{tab: Count("pk", filter=condition) for tab, condition in conditions.items()})
    )


@dataclass(frozen=True)
class ClientRecommendations:
    groups: "OrderedDict[str, list[Recommendation]]"
    reack_rows: list[ReackRow]


def client_recommendations(client: Client, *, contacts: list[Contact]) -> ClientRecommendations:
    """The client page's two lists from one query: every recommendation grouped by status, riskiest
    first, and the refusals and lapsed items with their re-acknowledgment progress, soonest
    valid-until first. Signatories come from the client's `contacts`, which the page loads anyway."""
    shown = (
        "public_id",
        "title",
        "likelihood",
        "impact",
        "inherent_risk",
        "target_date",
        "status",
        "valid_until",
        "basis_changed_on",
        "basis_changed_reason",
    )
    recommendations = list(
        _with_progress(client.recommendations.only("client", *shown))
        .annotate(control_code=F("control__code"))
        .order_by("title", "pk")
    )
    # Both lists re-sort the database's title order stably, so titles keep the database's collation.
    groups: OrderedDict[str, list[Recommendation]] = OrderedDict((status, []) for status in STATUS_ORDER)
    for recommendation in sorted(recommendations, key=lambda r: -r.inherent_risk):
        groups[recommendation.status].append(recommendation)
    refusals = [r for r in recommendations if r.status in ("refused", "lapsed")]
    return ClientRecommendations(
        groups=OrderedDict((status, items) for status, items in groups.items() if items),
        reack_rows=reack_rows(
            sorted(refusals, key=attrgetter("valid_until")), today=timezone.localdate(), contacts=contacts
        ),
    )


def reack_sendable(client: Client) -> QuerySet[Recommendation]:
    """Refused and lapsed items of a client that staff may send for re-acknowledgment now."""
    return (
        client.recommendations.filter(status__in=["refused", "lapsed"])
        .exclude(in_open_request())
        .order_by("valid_until", "-inherent_risk", "title")
    )


@dataclass(frozen=True)
class RecommendationOverview:
    recommendation: Recommendation
    history: list[AuditEvent]
    # Each request the item went into, newest first, with its decision and sealed document.
    request_items: list[RequestItem]
    # The sealed record of the refusal now in force, if the item stands refused or lapsed.
    waiver: WaiverDocument | None


def recommendation_overview(*, user: Any, public_id: UUID) -> RecommendationOverview:
    """Everything the recommendation page shows, in four queries: the item, its own audit events,
    the requests and decisions that touched it, and the client's signers (for names)."""
    recommendation = recommendation_for_user(user=user, public_id=public_id)
    signers = signer_names(recommendation.client.contacts.only("public_id", "name"))
    history = list(
        AuditEvent.objects.filter(object_type="recommendation", object_id=str(recommendation.public_id))
        .select_related("actor")
        .order_by("sequence")
    )
    for event in history:
        event.who = str(event.actor) if event.actor else actor_name(event.actor_label, signers)
        event.label = event_label(event.event_type, event.summary)
    request_items = list(
        RequestItem.objects.filter(recommendation=recommendation)
        .select_related("request", "request__signatory", "request__document", "decision")
        .order_by("-request__sent_at", "-pk")
    )
    waiver = None
    if recommendation.status in ("refused", "lapsed"):
        waiver = next(
            (
                item.request.document
                for item in request_items
                if getattr(item, "decision", None) is not None
                and item.decision.outcome == "refuse"
                and hasattr(item.request, "document")
            ),
            None,
        )
    return RecommendationOverview(recommendation, history, request_items, waiver)
