"""Reads for the manager dashboard: headline figures, the ranked portfolio, trends and the
drill-down lists behind each figure.

Every function here issues a fixed number of queries whatever the size of the portfolio, and
the portfolio figures read only the client rows: the counts and dates taken from each client's
recommendations are stored on the client by the rescore (recommendations/risk/stored.py), and the
review, consent and condition flags are semi-joins on the few rows that raise them. (The due
counts, which age with the calendar, are read from the recommendations for the clients not yet
counted again today: one more query, after midnight until the hourly refresh.) The
portfolio is the clients a user may see (a vCIO: their own), minus former clients,
narrowed by the dashboard's filters; every figure and list is computed over that same set,
so a figure and the list behind it always agree.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client, PracticeProfile, RelationshipDecision, RiskSnapshot, Software
from clients.selectors import clients_visible_to
from clients.selectors import software_without_consent as unconsented_software
from recommendations.models import DecisionRequest, Recommendation, RelationshipCondition
from recommendations.risk.review import PRIORITY_ORDER, ReviewRule
from recommendations.risk.stored import DUE_WINDOWS

UNSIGNED_AFTER_DAYS = 7
TREND_DAYS = 90
BANDS = [band for band, _ in Client.Band.choices]

# Sort key -> ORDER BY. Each ends in a unique column so pages never overlap.
SORTS: dict[str, tuple[Any, ...]] = {
    "score": ("-risk_score", "name", "pk"),
    "priority": PRIORITY_ORDER,
    "uncovered": ("-uncovered_exposure", "-risk_score", "name", "pk"),
    "coverage": ("liability_coverage", "-risk_score", "name", "pk"),
    "name": ("name", "pk"),
    "next_due": (F("next_refusal_due").asc(nulls_last=True), "-risk_score", "name", "pk"),
}
SORT_LABELS = {
    "score": _("Highest score"),
    "priority": _("Review priority"),
    "uncovered": _("Most uncovered exposure"),
    "coverage": _("Lowest coverage"),
    "name": _("Name"),
    "next_due": _("Soonest due"),
}


@dataclass(frozen=True)
class PortfolioFilters:
    vcio: Any = None
    industry: str = ""
    band: str = ""
    service_tier: str = ""


@dataclass(frozen=True)
class Headline:
    clients: int
    by_band: dict[str, int]
    coverage_weighted: float | None
    coverage_mean: float | None
    uncovered_total: Decimal
    lapsed: int
    unsigned: int
    due: dict[int, int]
    without_consent: int
    review_needed: int
    review_overdue: int
    conditions_overdue: int
    threshold: ReviewRule


@dataclass(frozen=True)
class Trend:
    """A client's score over the last TREND_DAYS days, ready for an SVG <polyline>.

    The viewBox is 100 × 24: x is the day within the window (so gaps in the snapshots show
    as straight segments), y is the score on a fixed 0–100 scale, so rows compare at a glance.
    """

    points: str
    first: int
    last: int
    days: int

    @property
    def change(self) -> int:
        return self.last - self.first


REVIEW_FIELDS = ("review_threshold_score", "review_threshold_uncovered", "review_basis")


def review_threshold() -> ReviewRule:
    """The practice's review rule in one read; a practice that never saved its profile gets the
    model's defaults rather than a write on a read-only page."""
    stored = PracticeProfile.objects.filter(id=1).values_list(*REVIEW_FIELDS).first()
    if stored is None:
        stored = tuple(PracticeProfile._meta.get_field(name).default for name in REVIEW_FIELDS)
    score, uncovered, basis = stored
    return ReviewRule(score=score, uncovered=Decimal(uncovered), basis=basis)


def portfolio_clients(*, user: Any, filters: PortfolioFilters) -> QuerySet[Client]:
    clients = clients_visible_to(user).exclude(status=Client.Status.FORMER)
    if filters.vcio is not None:
        clients = clients.filter(vcio=filters.vcio)
    if filters.industry:
        clients = clients.filter(industry=filters.industry)
    if filters.band:
        clients = clients.filter(risk_band=filters.band)
    if filters.service_tier:
        clients = clients.filter(service_tier=filters.service_tier)
    return clients


def _count_of(queryset: QuerySet) -> Coalesce:
    """COUNT of a per-client subquery (filtered on OuterRef("pk")), 0 when there are none."""
    counted = queryset.order_by().values("client").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _review_conditions(*, today: datetime.date, threshold: ReviewRule) -> tuple[Q, Q]:
    """(review needed, review overdue) as conditions on a client row.

    Review needed: the practice's review rule is reached (score, uncovered exposure, either or
    both at or above their thresholds) and no decision has a next review still in the future.
    Overdue: a decision set a review date that has passed and
    no decision set one for today or later.
    """
    # Uncorrelated: each set of clients is read once from the decisions that have such a date.
    decisions = RelationshipDecision.objects.order_by()
    future_review = Q(pk__in=decisions.filter(next_review_on__gt=today).values("client"))
    review_scheduled = Q(pk__in=decisions.filter(next_review_on__gte=today).values("client"))
    review_missed = Q(pk__in=decisions.filter(next_review_on__lt=today).values("client"))
    return ~future_review & threshold.condition(), review_missed & ~review_scheduled


def _review_flags(*, today: datetime.date, threshold: ReviewRule) -> dict[str, Case]:
    needed, overdue = _review_conditions(today=today, threshold=threshold)
    return {
        name: Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())
        for name, condition in (("review_needed", needed), ("review_overdue", overdue))
    }


def review_state(
    *,
    score: int,
    uncovered: Decimal,
    threshold: ReviewRule,
    review_dates: list[datetime.date | None],
    today: datetime.date,
) -> tuple[bool, bool]:
    """(review needed, review overdue) for one client whose decisions are already loaded: the
    same rule as _review_conditions, for the client page."""
    dates = [day for day in review_dates if day is not None]
    needed = threshold.reached(score=score, uncovered=uncovered) and not any(day > today for day in dates)
    overdue = any(day < today for day in dates) and not any(day >= today for day in dates)
    return needed, overdue


def _without_consent() -> Q:
    return Q(pk__in=software_without_consent_all().order_by().values("client"))


def _overdue_conditions() -> Q:
    # Served by relcondition_status_due_idx's leading status column.
    overdue = RelationshipCondition.objects.filter(
        status=RelationshipCondition.Status.OPEN, overdue_since__isnull=False
    )
    return Q(pk__in=overdue.order_by().values("client"))


def software_without_consent_all() -> QuerySet[Software]:
    """Installed software with neither the client's express consent nor an agreement clause
    (the one definition lives in clients.selectors, shared with the client page)."""
    return unconsented_software()


def unsigned_cutoff() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=UNSIGNED_AFTER_DAYS)


def headline_figures(*, clients: QuerySet[Client], threshold: ReviewRule) -> Headline:
    """Two queries: one over the client rows, one over their open requests; a third counts the
    refusals due of clients whose stored due counts are from another day (normally none: the
    hourly refresh counts them again on a new day).

    Portfolio coverage is the mean of the clients' liability coverage *weighted by risk score*:
    a client with no open exposure (score 0) has nothing to cover, and a gap at a critical
    client matters more to the MSP than the same gap at a low-risk one. Exposure-weighting
    would be more exact but needs every client's items; the score is cached on the client.
    The unweighted mean is returned too, and the page names which one it shows.
    """
    today = timezone.localdate()
    # Conditions go straight into the aggregate filters: aggregating over Case annotations
    # built on Exists lets Django drop them from the inner query.
    needed, overdue = _review_conditions(today=today, threshold=threshold)
    # A client with nothing presented yet has no band and no coverage: it would read as a
    # perfectly covered client, so the coverage averages leave it out.
    scored = Q(is_assessed=True)
    counted_today = Q(refusals_due_on=today)
    totals = clients.aggregate(
        clients=Count("pk"),
        assessed=Count("pk", filter=scored),
        **{f"band_{band}": Count("pk", filter=Q(risk_band=band)) for band in BANDS},
        weighted=Sum(
            Cast("liability_coverage", FloatField()) * F("risk_score"), output_field=FloatField(), filter=scored
        ),
        weight=Sum("risk_score", filter=scored),
        coverage_sum=Sum(Cast("liability_coverage", FloatField()), filter=scored),
        uncovered_total=Sum("uncovered_exposure"),
        lapsed=Sum("lapsed_refusals"),
        review_needed=Count("pk", filter=needed),
        review_overdue=Count("pk", filter=overdue),
        without_consent=Count("pk", filter=_without_consent()),
        conditions_overdue=Count("pk", filter=_overdue_conditions()),
        counted_another_day=Count("pk", filter=~counted_today),
        **{f"due_{days}": Sum(f"refusals_due_{days}", filter=counted_today) for days in DUE_WINDOWS},
    )
    due = {days: totals[f"due_{days}"] or 0 for days in DUE_WINDOWS}
    if totals["counted_another_day"]:
        for days, count in _refusals_due(clients.exclude(counted_today), today=today).items():
            due[days] += count
    unsigned = unsigned_requests_all(clients=clients).count()
    count = totals["clients"]
    if not totals["assessed"]:
        weighted = mean = None
    else:
        mean = totals["coverage_sum"] / totals["assessed"]
        weighted = totals["weighted"] / totals["weight"] if totals["weight"] else 100.0
    return Headline(
        clients=count,
        by_band={band: totals[f"band_{band}"] for band in BANDS},
        coverage_weighted=weighted,
        coverage_mean=mean,
        uncovered_total=totals["uncovered_total"] or Decimal(0),
        lapsed=totals["lapsed"] or 0,
        unsigned=unsigned,
        due=due,
        without_consent=totals["without_consent"],
        review_needed=totals["review_needed"],
        review_overdue=totals["review_overdue"],
        conditions_overdue=totals["conditions_overdue"],
        threshold=threshold,
    )


def _refusals_due(clients: QuerySet[Client], *, today: datetime.date) -> dict[int, int]:
    """The refusals of ``clients`` due within each window, counted from the recommendations.

    Served from the (status, valid_until, client) index alone, never the table: it counts the
    indexed client column, not the id (PostgreSQL would fetch every row for the id), and reads
    only the refusals inside the widest window."""
    horizon = today + datetime.timedelta(days=max(DUE_WINDOWS))
    counts = Recommendation.objects.filter(
        client__in=clients.values("pk"), status=Recommendation.Status.REFUSED, valid_until__lte=horizon
    ).aggregate(
        **{
            f"due_{days}": Count("client", filter=Q(valid_until__lte=today + datetime.timedelta(days=days)))
            for days in DUE_WINDOWS
        },
    )
    return {days: counts[f"due_{days}"] for days in DUE_WINDOWS}


def portfolio_table(*, clients: QuerySet[Client], threshold: ReviewRule, sort: str = "score") -> QuerySet[Client]:
    """The ranked portfolio: one row per client with every column the table shows.

    The liability columns: ``unsigned_items`` counts recommendations presented or deferred with
    no signed decision; ``undocumented_since`` is the earliest valid-until among refusals whose
    signature has run out (expired or lapsed): the day the oldest undocumented refusal lost cover.
    """
    today = timezone.localdate()
    latest_decision = RelationshipDecision.objects.filter(client=OuterRef("pk")).order_by("-decided_on", "-created_at")
    return (
        clients.select_related("vcio")
        .annotate(
            assessed=F("is_assessed"),
            lapsed=F("lapsed_refusals"),
            next_due=F("next_refusal_due"),
            undocumented_since=_undocumented_since(today),
            unsigned=_count_of(unsigned_requests_all().filter(client=OuterRef("pk"))),
            decision_outcome=Subquery(latest_decision.values("outcome")[:1]),
            decision_on=Subquery(latest_decision.values("decided_on")[:1]),
            decision_next_review=Subquery(latest_decision.values("next_review_on")[:1]),
            **_review_flags(today=today, threshold=threshold),
        )
        .order_by(*SORTS.get(sort, SORTS["score"]))
    )


def _undocumented_since(today: datetime.date) -> Case:
    """The earlier of the stored first lapsed valid-until and next refusal due, each only once
    past: the earliest valid-until before today among the refused and lapsed items."""
    lapsed_past = Q(first_lapsed_valid_until__lt=today)
    refusal_past = Q(next_refusal_due__lt=today)
    return Case(
        When(
            lapsed_past & (~refusal_past | Q(next_refusal_due__gte=F("first_lapsed_valid_until"))),
            then=F("first_lapsed_valid_until"),
        ),
        When(refusal_past, then=F("next_refusal_due")),
        default=None,
        output_field=DateField(),
    )


def outcome_label(outcome: str | None) -> str:
    return RelationshipDecision.Outcome(outcome).label if outcome else ""


def trends_for(*, client_ids: list[int]) -> dict[int, Trend]:
    """One query: the last TREND_DAYS days of snapshots of the given clients (one page's worth)."""
    start = timezone.localdate() - datetime.timedelta(days=TREND_DAYS)
    rows = (
        RiskSnapshot.objects.filter(client_id__in=client_ids, taken_on__gte=start)
        .order_by("client_id", "taken_on")
        .values_list("client_id", "taken_on", "score")
    )
    series: dict[int, list[tuple[datetime.date, int]]] = {}
    for client_id, taken_on, score in rows:
        series.setdefault(client_id, []).append((taken_on, score))
    return {client_id: trend_of(points, start=start) for client_id, points in series.items() if len(points) > 1}


def trend_of(points: list[tuple[datetime.date, int]], *, start: datetime.date) -> Trend:
    coordinates = " ".join(
        f"{(taken_on - start).days * 100 / TREND_DAYS:.1f},{2 + (100 - score) * 20 / 100:.1f}"
        for taken_on, score in points
    )
    return Trend(points=coordinates, first=points[0][1], last=points[-1][1], days=(points[-1][0] - points[0][0]).days)


def unsigned_requests_all(*, clients: QuerySet[Client] | None = None) -> QuerySet[DecisionRequest]:
    requests = DecisionRequest.objects.filter(status__in=DecisionRequest.OPEN_STATUSES, sent_at__lt=unsigned_cutoff())
    if clients is not None:
        # Correlated: the few open requests each look their client up, where `client IN (...)`
        # would first read every client of the portfolio.
        requests = requests.filter(Exists(clients.filter(pk=OuterRef("client_id"))))
    return requests


@dataclass(frozen=True)
class RelationshipOverview:
    decisions: list[RelationshipDecision]
    threshold: ReviewRule
    review_needed: bool
    review_overdue: bool


def relationship_overview(client: Client) -> RelationshipOverview:
    """The client's relationship decisions, newest first, and whether a review is due (two queries)."""
    decisions = list(
        RelationshipDecision.objects.filter(client=client)
        .select_related("manager")
        .order_by("-decided_on", "-created_at")
    )
    threshold = review_threshold()
    needed, overdue = review_state(
        score=client.risk_score,
        uncovered=client.uncovered_exposure,
        threshold=threshold,
        review_dates=[decision.next_review_on for decision in decisions],
        today=timezone.localdate(),
    )
    return RelationshipOverview(decisions=decisions, threshold=threshold, review_needed=needed, review_overdue=overdue)
