"""Manager dashboard: the ranked portfolio, the list behind each headline figure, CSV exports
and relationship decisions. A vCIO gets the same pages restricted to their own clients."""

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.forms import RelationshipDecisionForm
from clients.models import Client
from clients.selectors import client_for_user
from clients.services import may_decide_relationship, may_see_client_value, relationship_decision_record
from clients.views import apply_service_errors
from recommendations.briefing.selectors import briefings_due_context
from recommendations.dashboard import selectors as dashboard
from recommendations.dashboard.forms import SORT_CAPTIONS, DashboardQuery, dashboard_query
from recommendations.dashboard.lists import (
    KINDS,
    PORTFOLIO_COLUMNS,
    Kind,
    cells,
    columns_for,
    csv_response,
    local_today,
)
from recommendations.relationship import selectors as relationship_selectors
from riskreg.accounts.requests import AuthenticatedRequest


def _portfolio(request: AuthenticatedRequest, query: DashboardQuery) -> QuerySet[Client]:
    return dashboard.portfolio_clients(user=request.user, filters=query.filters)


def _band_figures(headline: dashboard.Headline, query: DashboardQuery) -> list[dict[str, Any]]:
    """Each band's count and link, and its segment of the share bar (x and width in 0-100)."""
    figures, x = [], 0.0
    for band, label in Client.Band.choices:
        count = headline.by_band[band]
        width = 100 * count / headline.clients if headline.clients else 0
        figures.append(
            {
                "band": band,
                "label": label,
                "count": count,
                "url": query.url("register:dashboard_list", "clients", band=band),
                "x": f"{x:.2f}",
                "width": f"{width:.2f}",
            }
        )
        x += width
    return figures


@login_required
def dashboard_view(request: AuthenticatedRequest) -> HttpResponse:
    query = dashboard_query(request)
    threshold = dashboard.review_threshold()
    clients = _portfolio(request, query)
    headline = dashboard.headline_figures(clients=clients, threshold=threshold)
    table = dashboard.portfolio_table(clients=clients, threshold=threshold, sort=query.sort)
    paginator = Paginator(table, settings.RISKREG_PAGE_SIZE)
    # The table's rows are the headline's clients, already counted.
    paginator.count = headline.clients
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    today = timezone.localdate()
    trends = dashboard.trends_for(client_ids=[client.pk for client in rows])
    sees_value = may_see_client_value(request.user)
    chart = relationship_selectors.risk_value_data(clients=clients, rule=threshold) if sees_value else None
    for client in rows:
        client.trend = trends.get(client.pk)
        client.undocumented_days = (today - client.undocumented_since).days if client.undocumented_since else None
        client.decision_label = dashboard.outcome_label(client.decision_outcome)
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "query": query,
            "form": query.form,
            "headline": headline,
            "bands": _band_figures(headline, query),
            "due": [
                (days, headline.due[days], query.url("register:dashboard_list", "due", days=days))
                for days in dashboard.DUE_WINDOWS
            ],
            "links": {
                "coverage": query.url("register:dashboard_list", "clients", sort="coverage"),
                "uncovered": query.url("register:dashboard_list", "clients", sort="uncovered"),
                "review": query.url("register:dashboard_list", "review"),
                "overdue": query.url("register:dashboard_list", "overdue-reviews"),
                "conditions": query.url("register:dashboard_list", "conditions"),
                "lapsed": query.url("register:dashboard_list", "lapsed"),
                "unsigned": query.url("register:dashboard_list", "unsigned"),
                "no_consent": query.url("register:dashboard_list", "no-consent"),
            },
            "page": page,
            "rows": rows,
            "sort_label": SORT_CAPTIONS[query.sort],
            "page_query": query.url("register:dashboard", sort=query.sort).partition("?")[2],
            "sort_links": {key: query.url("register:dashboard", sort=key) for key in dashboard.SORTS},
            "csv_url": query.url("register:dashboard_csv", sort=query.sort),
            "can_decide": may_decide_relationship(request.user),
            "sees_value": sees_value,
            "chart": chart,
            "review_url": query.url("register:dashboard_list", "review"),
            "unsigned_after_days": dashboard.UNSIGNED_AFTER_DAYS,
            "trend_days": dashboard.TREND_DAYS,
            **briefings_due_context(request.user, today=local_today()),
        },
    )


def _kind_or_404(kind: str) -> Kind:
    try:
        return KINDS[kind]
    except KeyError:
        raise Http404("No such dashboard list") from None


def _due_days(request: AuthenticatedRequest) -> int:
    try:
        days = int(request.GET.get("days", dashboard.DUE_WINDOWS[0]))
    except ValueError:
        return dashboard.DUE_WINDOWS[0]
    return min(max(days, 1), 366)


def _list_rows(
    request: AuthenticatedRequest, kind: str, query: DashboardQuery
) -> tuple[Kind, QuerySet, dict[str, Any]]:
    spec = _kind_or_404(kind)
    context = {"days": _due_days(request), "threshold": dashboard.review_threshold(), "sort": query.sort}
    rows = spec.rows(_portfolio(request, query), **context)
    return spec, rows, context


@login_required
def dashboard_list(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    query = dashboard_query(request)
    spec, rows, context = _list_rows(request, kind, query)
    columns = columns_for(request.user, spec.columns, page=True)
    page = Paginator(rows, settings.RISKREG_PAGE_SIZE).get_page(request.GET.get("page"))
    today = local_today()
    extra = {"days": context["days"]} if kind == "due" else {}
    if kind == "clients" and query.sort != "score":
        extra["sort"] = query.sort
    return render(
        request,
        "dashboard/dashboard_list.html",
        {
            "kind": kind,
            "title": spec.title.format(**context),
            "explanation": spec.explanation.format(**context),
            "caption": spec.caption.format(**context),
            "headers": [(column.header, column.numeric) for column in columns],
            "rows": [cells(row, columns, today) for row in page.object_list],
            "page": page,
            "page_query": query.url("register:dashboard_list", kind, **extra).partition("?")[2],
            "csv_url": query.url("register:dashboard_list_csv", kind, **extra),
            "back_url": query.url("register:dashboard"),
            "unfiltered_url": reverse("register:dashboard_list", args=[kind])
            + (f"?days={context['days']}" if kind == "due" else ""),
            "active_filters": query.active,
            "due_links": [
                (days, query.url("register:dashboard_list", "due", days=days), days == context["days"])
                for days in dashboard.DUE_WINDOWS
            ]
            if kind == "due"
            else [],
        },
    )


@login_required
def dashboard_csv(request: AuthenticatedRequest) -> StreamingHttpResponse:
    query = dashboard_query(request)
    table = dashboard.portfolio_table(
        clients=_portfolio(request, query), threshold=dashboard.review_threshold(), sort=query.sort
    )
    return csv_response("riskreg-portfolio", columns_for(request.user, PORTFOLIO_COLUMNS, page=False), table)


@login_required
def dashboard_list_csv(request: AuthenticatedRequest, kind: str) -> StreamingHttpResponse:
    query = dashboard_query(request)
    spec, rows, _ = _list_rows(request, kind, query)
    return csv_response(f"riskreg-{kind}", columns_for(request.user, spec.columns, page=False), rows)


@login_required
def relationship_create(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    # Fetch first: another vCIO's client answers 404, one's own client 403 (not a manager).
    client = client_for_user(user=request.user, public_id=public_id)
    if not may_decide_relationship(request.user):
        raise PermissionDenied
    form = RelationshipDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = relationship_decision_record(actor=request.user, client=client, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Decision recorded for %(name)s: %(outcome)s; next review %(date)s.")
                % {
                    "name": client.name,
                    "outcome": decision.get_outcome_display().lower(),
                    "date": decision.next_review_on.isoformat(),
                },
            )
            if decision.outcome == decision.Outcome.CONDITIONS:
                # Next: each condition as a tracked item, with an owner and a due date.
                return redirect("relationship:decision_conditions", public_id=decision.public_id)
            return redirect("register:client_detail", public_id=client.public_id)
    return render(
        request,
        "dashboard/relationship_form.html",
        {"client": client, "form": form, "overview": dashboard.relationship_overview(client)},
    )
