"""Reads for the risk briefing: everything it shows, from the same rows, selectors and snapshots
as the register's pages (the client's cached score and coverage, the risk page's snapshot
series, the roadmap page's quarters), so the briefing never disagrees with the screen."""

from calendar import monthrange
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from clients.models import Client, PracticeProfile, RiskSnapshot
from clients.selectors import clients_visible_to
from recommendations.documents.pdf import PracticeLetterhead
from recommendations.documents.pdf.briefing import (
    BriefingData,
    BriefingDecision,
    BriefingDue,
    BriefingQuarter,
    BriefingRisk,
)
from recommendations.documents.pdf.text import fmt_date
from recommendations.documents.selectors import practice_logo
from recommendations.models import Briefing, Decision, Recommendation
from recommendations.risk.selectors import snapshot_series
from recommendations.roadmap.quarters import add_months
from recommendations.roadmap.selectors import client_roadmap
from riskreg.formats import money
from riskreg.mail.models import OutboundEmail

Status = Recommendation.Status
# What the client has been shown: a draft is the vCIO's own working note.
CLIENT_FACING_OPEN = (Status.PRESENTED, Status.ACCEPTED, Status.DEFERRED, Status.REFUSED, Status.LAPSED)
TOP_RISKS = 5
DUE_WITHIN_DAYS = 90
QUARTER_AGO_DAYS = 91


def practice_letterhead() -> PracticeLetterhead:
    """The practice as it is today: a briefing is the practice's own report, not a signed record."""
    profile = PracticeProfile.load()
    return PracticeLetterhead(
        legal_name=profile.legal_name,
        mailing_address=profile.mailing_address,
        email=profile.email,
        phone=profile.phone,
        website=profile.website,
        logo_png=practice_logo(),
    )


def briefings_for_client(client: Client) -> QuerySet[Briefing]:
    return Briefing.objects.filter(client=client).select_related("issued_by").order_by("-issued_at")


def three_months_before(day: date) -> date:
    month = add_months(day, -3)
    return month.replace(day=min(day.day, monthrange(month.year, month.month)[1]))


def briefing_period(client: Client, *, today: date) -> tuple[date, date]:
    """From the day after the last briefing's period (or three months back) to today; a briefing
    issued again on the day of the last one covers the same period (it replaces it for the client)."""
    last = (
        Briefing.objects.filter(client=client).order_by("-issued_at").values_list("period_start", "period_end").first()
    )
    if last is None or last[1] > today:
        return three_months_before(today), today
    return (last[1] + timedelta(days=1) if last[1] < today else last[0]), today


def _quarter_ago(client: Client, today: date) -> tuple[int, str, Any] | None:
    """The latest daily snapshot at least a quarter old: (score, band, coverage)."""
    cutoff = today - timedelta(days=QUARTER_AGO_DAYS)
    snapshots = RiskSnapshot.objects.filter(client=client, taken_on__lte=cutoff).order_by("-taken_on")
    return snapshots.values_list("score", "band", "coverage").first()


def _decisions(client: Client, start: date, end: date) -> tuple[BriefingDecision, ...]:
    rows = (
        Decision.objects.filter(
            request__client=client,
            outcome__in=(Decision.Outcome.ACCEPT, Decision.Outcome.REFUSE),
            decided_at__date__gte=start,
            decided_at__date__lte=end,
        )
        .select_related("item__recommendation", "signature")
        .order_by("decided_at", "pk")
    )
    return tuple(
        BriefingDecision(
            decided_on=row.decided_at.date(),
            title=row.item.recommendation.title,
            outcome_label=_("Accepted") if row.outcome == Decision.Outcome.ACCEPT else _("Risk accepted (refused)"),
            signer=row.signature.typed_name,
        )
        for row in rows
    )


def _decide_next(open_items: list[Recommendation], due: tuple[BriefingDue, ...], roadmap: Any) -> tuple[str, ...]:
    """The asks, in the active language (the briefing's: see services.briefing_render)."""
    asks = [
        _("Decide on “%(title)s” (%(level)s risk): accept it, or sign that you carry the risk.")
        % {"title": item.title, "level": item.level_name.lower()}
        for item in open_items
        if item.status in (Status.PRESENTED, Status.DEFERRED)
    ][:TOP_RISKS]
    asks += [
        _("Review your acceptance of the risk of going without “%(title)s” by %(date)s.")
        % {"title": d.title, "date": fmt_date(d.valid_until)}
        for d in due
    ]
    upcoming = next((column for column in roadmap.columns if column.kind == "next" and column.budget.items), None)
    if upcoming is not None:
        asks.append(
            _("Approve the budget for %(quarter)s: %(one_time)s one-time and %(monthly)s a month.")
            % {
                "quarter": upcoming.title,
                "one_time": money(upcoming.budget.one_time_cents),
                "monthly": money(upcoming.budget.recurring_monthly_cents),
            }
        )
    return tuple(asks)


def briefing_data(*, client: Client, today: date, note: str, document_id: str, prepared_by: str) -> BriefingData:
    """Everything the briefing shows, in a fixed handful of queries whatever the client's size."""
    start, end = briefing_period(client, today=today)
    series = snapshot_series(client=client, today=today)
    before = _quarter_ago(client, today)
    items = list(
        Recommendation.objects.filter(client=client, status__in=CLIENT_FACING_OPEN)
        .only("title", "likelihood", "impact", "status", "consequences", "valid_until", "status_changed_at")
        .order_by("-inherent_risk", "title")
    )
    implemented = Recommendation.objects.filter(
        client=client, status=Status.IMPLEMENTED, status_changed_at__date__gte=start, status_changed_at__date__lte=end
    ).count()
    due = tuple(
        BriefingDue(title=item.title, level_label=item.level_name, valid_until=item.valid_until)
        for item in sorted(items, key=lambda item: (item.valid_until or today, item.title))
        if item.status == Status.REFUSED and today <= item.valid_until <= today + timedelta(days=DUE_WITHIN_DAYS)
    )
    roadmap = client_roadmap(client, today=today)
    quarters = [column for column in roadmap.columns if column.kind in ("current", "next")][:4]
    band_labels = dict(Client.Band.choices)
    return BriefingData(
        practice=practice_letterhead(),
        document_id=document_id,
        client_name=client.name,
        prepared_by=prepared_by,
        issued_on=today,
        period_start=start,
        period_end=end,
        note=note,
        score=client.risk_score,
        band_label=client.get_risk_band_display(),
        coverage=f"{client.liability_coverage:.1f}",
        score_before=before[0] if before else None,
        band_before_label=band_labels[before[1]] if before else None,
        coverage_before=f"{before[2]:.1f}" if before else None,
        trend=tuple((taken_on, score) for taken_on, score, _ in series),
        open_items=len(items),
        implemented_this_period=implemented,
        top_risks=tuple(
            BriefingRisk(item.title, item.level_name, str(item.get_status_display()), item.consequences, item.level)
            for item in items
            if item.status != Status.ACCEPTED
        )[:TOP_RISKS],
        decisions=_decisions(client, start, end),
        refusals_due=due,
        roadmap=tuple(
            BriefingQuarter(
                label=column.title,
                months=roadmap.current.months if column.kind == "current" else column.subtitle,
                titles=tuple(item.title for item in column.items if not item.is_refused),
                one_time=column.budget.one_time,
                recurring_monthly=column.budget.recurring_monthly,
                annualised=column.budget.annualised,
            )
            for column in quarters
        ),
        decide_next=_decide_next(items, due, roadmap),
    )


def briefing_for_user(*, user: Any, public_id: Any) -> Briefing:
    return get_object_or_404(
        Briefing.objects.select_related("client", "issued_by").filter(client__in=clients_visible_to(user)),
        public_id=public_id,
    )


def briefing_deliveries(briefing: Briefing) -> QuerySet[OutboundEmail]:
    """The outbox rows that carried this briefing (keyed briefing:<id>:<contact>)."""
    return OutboundEmail.objects.filter(idempotency_key__startswith=f"briefing:{briefing.public_id}:").order_by(
        "created_at"
    )


def _scheduled(clients: QuerySet[Client], *, today: date, within_days: int) -> QuerySet[Client]:
    return clients.filter(
        briefing_due_on__isnull=False,
        briefing_due_on__lte=today + timedelta(days=within_days),
        status__in=(Client.Status.ACTIVE, Client.Status.OFFBOARDING),
    ).order_by("briefing_due_on", "name")


def briefings_due(*, user: Any, today: date, within_days: int = 30) -> QuerySet[Client]:
    """The user's clients whose briefing is due in the next 30 days, or overdue, soonest first."""
    return _scheduled(clients_visible_to(user), today=today, within_days=within_days).select_related("vcio")


def briefing_reminder_candidates(*, today: date, within_days: int) -> QuerySet[Client]:
    """Clients whose briefing falls due from today to `within_days` ahead and whose vCIO has an email."""
    return (
        _scheduled(Client.objects.all(), today=today, within_days=within_days)
        .filter(briefing_due_on__gte=today, vcio__isnull=False, vcio__is_active=True)
        .exclude(vcio__email="")
        .select_related("vcio")
    )


DUE_LIST_SIZE = 10


def briefings_due_context(user: Any, *, today: date) -> dict[str, Any]:
    """What templates/briefing/due_list.html shows: the ten soonest, and whether more are due (one query)."""
    due = list(briefings_due(user=user, today=today)[: DUE_LIST_SIZE + 1])
    return {"briefings_due": due[:DUE_LIST_SIZE], "briefings_due_more": len(due) > DUE_LIST_SIZE, "today": today}
