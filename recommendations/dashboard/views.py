"""Manager dashboard: the ranked portfolio, the list behind each headline figure, CSV exports
and relationship decisions. A vCIO gets the same pages restricted to their own clients."""

import csv
import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from clients.forms import RelationshipDecisionForm
from clients.models import Client
from clients.selectors import client_for_user
from clients.services import may_decide_relationship, relationship_decision_record
from clients.views import apply_service_errors
from recommendations.dashboard import selectors as dashboard
from recommendations.models import RISK_LEVEL_LABELS
from recommendations.selectors import relationship_overview
from riskreg.accounts.models import User

FILTER_FIELDS = ("vcio", "industry", "band", "tier")
SORT_CAPTIONS = {
    "score": "risk score, highest first",
    "coverage": "liability coverage, lowest first",
    "name": "name",
    "next_due": "next refusal due date, soonest first",
}


class DashboardFilterForm(forms.Form):
    vcio = forms.ModelChoiceField(
        label="vCIO", queryset=User.objects.none(), to_field_name="username", required=False, empty_label="Any vCIO"
    )
    industry = forms.ChoiceField(choices=[("", "Any industry"), *Client.Industry.choices], required=False)
    band = forms.ChoiceField(label="Risk band", choices=[("", "Any band"), *Client.Band.choices], required=False)
    tier = forms.ChoiceField(
        label="Service tier", choices=[("", "Any tier"), *Client.ServiceTier.choices], required=False
    )
    sort = forms.ChoiceField(label="Sort by", choices=list(dashboard.SORT_LABELS.items()), required=False)

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
        if user.sees_all_clients:
            self.fields["vcio"].queryset = (
                User.objects.filter(clients__isnull=False).distinct().order_by("first_name", "last_name", "username")
            )
        else:
            del self.fields["vcio"]


@dataclass(frozen=True)
class DashboardQuery:
    """The dashboard's URL state, parsed once: filters for the selectors, strings for links."""

    form: DashboardFilterForm
    filters: dashboard.PortfolioFilters
    params: dict[str, str]
    sort: str

    def url(self, name: str, *args: Any, **overrides: Any) -> str:
        params = {**self.params, **overrides}
        query = urlencode({key: value for key, value in params.items() if value not in ("", None)})
        return reverse(name, args=args) + (f"?{query}" if query else "")

    @property
    def active(self) -> list[tuple[str, str]]:
        """(label, shown value) of each filter in use, for the summary on the list pages."""
        return [
            (self.form.fields[name].label or name.title(), self._display(name))
            for name in FILTER_FIELDS
            if self.params.get(name)
        ]

    def _display(self, name: str) -> str:
        value = self.form.cleaned_data.get(name)
        if name == "vcio":
            return str(value)
        return dict(self.form.fields[name].choices).get(value, value)


def _parse(request: HttpRequest) -> DashboardQuery:
    form = DashboardFilterForm(request.GET, user=request.user)
    form.is_valid()
    data = form.cleaned_data
    filters = dashboard.PortfolioFilters(
        vcio=data.get("vcio"),
        industry=data.get("industry", ""),
        band=data.get("band", ""),
        service_tier=data.get("tier", ""),
    )
    params = {
        "vcio": data["vcio"].username if data.get("vcio") else "",
        "industry": filters.industry,
        "band": filters.band,
        "tier": filters.service_tier,
    }
    return DashboardQuery(form=form, filters=filters, params=params, sort=data.get("sort") or "score")


def _portfolio(request: HttpRequest, query: DashboardQuery) -> QuerySet[Client]:
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
def dashboard_view(request: HttpRequest) -> HttpResponse:
    query = _parse(request)
    threshold = dashboard.review_threshold()
    clients = _portfolio(request, query)
    headline = dashboard.headline_figures(clients=clients, threshold=threshold)
    table = dashboard.portfolio_table(clients=clients, threshold=threshold, sort=query.sort)
    page = Paginator(table, settings.RISKREG_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    trends = dashboard.trends_for(client_ids=[client.pk for client in rows])
    for client in rows:
        client.trend = trends.get(client.pk)
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
                "review": query.url("register:dashboard_list", "review"),
                "overdue": query.url("register:dashboard_list", "overdue-reviews"),
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
            "unsigned_after_days": dashboard.UNSIGNED_AFTER_DAYS,
            "trend_days": dashboard.TREND_DAYS,
        },
    )


# Columns: one definition per list serves both the HTML table and the CSV export.


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any] | None
    link: Callable[[Any], str] | None = None
    badge: Callable[[Any], str] | None = None
    numeric: bool = False
    # A link for managers on the page (e.g. "Record decision"), left out of the CSV.
    action: bool = False
    # Whole days since / until the row's date, counted from one `today` per page or export.
    days_since: Callable[[Any], datetime.date | None] | None = None
    days_until: Callable[[Any], datetime.date | None] | None = None

    def of(self, row: Any, today: datetime.date) -> Any:
        if self.days_since is not None:
            day = self.days_since(row)
            return None if day is None else (today - day).days
        if self.days_until is not None:
            day = self.days_until(row)
            return None if day is None else (day - today).days
        return self.value(row)


@dataclass(frozen=True)
class Cell:
    text: str
    href: str = ""
    badge: str = ""
    numeric: bool = False


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _cells(row: Any, columns: list[Column], today: datetime.date) -> list[Cell]:
    return [
        Cell(
            text=_text(column.of(row, today)),
            href=column.link(row) if column.link else "",
            badge=column.badge(row) if column.badge else "",
            numeric=column.numeric,
        )
        for column in columns
    ]


def _client_url(row: Any) -> str:
    client = row if isinstance(row, Client) else row.client
    return reverse("register:client_detail", args=[client.public_id])


def _client_column() -> Column:
    return Column("Client", lambda row: (row if isinstance(row, Client) else row.client).name, link=_client_url)


def _record_decision_column() -> Column:
    return Column(
        "Action",
        lambda c: "Record decision",
        link=lambda c: reverse("register:relationship_create", args=[c.public_id]),
        action=True,
    )


def _decision_text(client: Client) -> str:
    if not client.decision_outcome:
        return ""
    return f"{dashboard.outcome_label(client.decision_outcome)} ({client.decision_on.isoformat()})"


CLIENT_SUMMARY = [
    _client_column(),
    Column("Score", lambda c: c.risk_score, numeric=True),
    Column("Band", lambda c: c.get_risk_band_display(), badge=lambda c: f"badge-band-{c.risk_band}"),
    Column("Coverage %", lambda c: c.liability_coverage, numeric=True),
]
REFUSAL_COLUMNS = [
    _client_column(),
    Column("Recommendation", lambda r: r.title),
    Column("Risk level", lambda r: RISK_LEVEL_LABELS[r.level], badge=lambda r: f"badge-level-{r.level}"),
    Column("Signer", lambda r: r.signer or ""),
    Column("Valid until", lambda r: r.valid_until),
]


@dataclass(frozen=True)
class Kind:
    title: str
    explanation: str
    caption: str
    columns: list[Column]
    rows: Callable[..., QuerySet]


def _today() -> datetime.date:
    return timezone.localdate()


KINDS: dict[str, Kind] = {
    "lapsed": Kind(
        title="Lapsed refusals",
        explanation="Refusals whose valid-until and grace period have passed without re-acknowledgment: "
        "the MSP is no longer covered by a current signature.",
        caption="Lapsed refusals, longest overdue first",
        columns=[
            *REFUSAL_COLUMNS,
            Column("Days overdue", None, days_since=lambda r: r.valid_until, numeric=True),
        ],
        rows=lambda clients, **_: dashboard.lapsed_refusals(clients=clients),
    ),
    "due": Kind(
        title="Refusals due within {days} days",
        explanation="Signed refusals whose valid-until falls within the window. A negative number of days "
        "means the refusal is past its valid-until and in the grace period before it lapses.",
        caption="Refusals due within {days} days, soonest first",
        columns=[
            *REFUSAL_COLUMNS,
            Column("Days left", None, days_until=lambda r: r.valid_until, numeric=True),
        ],
        rows=lambda clients, days, **_: dashboard.refusals_due(clients=clients, days=days),
    ),
    "unsigned": Kind(
        title=f"Requests unsigned for more than {dashboard.UNSIGNED_AFTER_DAYS} days",
        explanation="Decision requests sent to a signatory that are still open (sent or viewed).",
        caption="Open decision requests, oldest first",
        columns=[
            _client_column(),
            Column("Signatory", lambda d: d.signatory.name),
            Column("Purpose", lambda d: d.get_purpose_display()),
            Column("Status", lambda d: d.get_status_display()),
            Column("Sent", lambda d: d.sent_at),
            Column("Days waiting", None, days_since=lambda d: timezone.localdate(d.sent_at), numeric=True),
            Column("Items", lambda d: d.item_count, numeric=True),
        ],
        rows=lambda clients, **_: dashboard.unsigned_requests(clients=clients),
    ),
    "review": Kind(
        title="Clients needing a relationship review",
        explanation="Clients scoring at or above the practice's review threshold ({threshold}) with no "
        "relationship review scheduled after today.",
        caption="Clients needing review, highest score first",
        columns=[
            *CLIENT_SUMMARY,
            Column("vCIO", lambda c: c.vcio or ""),
            Column("Last decision", _decision_text),
            _record_decision_column(),
        ],
        rows=lambda clients, threshold, **_: dashboard.clients_needing_review(clients=clients, threshold=threshold),
    ),
    "overdue-reviews": Kind(
        title="Overdue relationship reviews",
        explanation="Clients whose last relationship decision set a review date that has passed.",
        caption="Overdue reviews, longest overdue first",
        columns=[
            *CLIENT_SUMMARY,
            Column("Last decision", _decision_text),
            Column("Review was due", lambda c: c.decision_next_review),
            Column("Days overdue", None, days_since=lambda c: c.decision_next_review, numeric=True),
            _record_decision_column(),
        ],
        rows=lambda clients, threshold, **_: dashboard.clients_review_overdue(clients=clients, threshold=threshold),
    ),
    "no-consent": Kind(
        title="Software installed without consent",
        explanation="Installed software with neither the client's express consent nor a consent clause in "
        "the service agreement (CASL).",
        caption="Software installed without consent, by client",
        columns=[
            _client_column(),
            Column("Software", lambda s: s.name),
            Column("Publisher", lambda s: s.publisher),
            Column("Consent", lambda s: s.get_consent_status_display()),
        ],
        rows=lambda clients, **_: dashboard.software_without_consent(clients=clients),
    ),
    "clients": Kind(
        title="Clients",
        explanation="The portfolio as a list, with the dashboard's filters applied.",
        caption="Clients",
        columns=[
            *CLIENT_SUMMARY,
            Column("Industry", lambda c: c.get_industry_display()),
            Column("Service tier", lambda c: c.get_service_tier_display()),
            Column("vCIO", lambda c: c.vcio or ""),
            Column("Open refusals", lambda c: c.open_refusals, numeric=True),
            Column("Lapsed", lambda c: c.lapsed, numeric=True),
        ],
        rows=lambda clients, threshold, sort, **_: dashboard.portfolio_table(
            clients=clients, threshold=threshold, sort=sort
        ),
    ),
}
PORTFOLIO_COLUMNS = [
    _client_column(),
    Column("Industry", lambda c: c.get_industry_display()),
    Column("Service tier", lambda c: c.get_service_tier_display()),
    Column("Status", lambda c: c.get_status_display()),
    Column("vCIO", lambda c: c.vcio or ""),
    Column("Score", lambda c: c.risk_score),
    Column("Band", lambda c: c.get_risk_band_display()),
    Column("Coverage %", lambda c: c.liability_coverage),
    Column("Open refusals", lambda c: c.open_refusals),
    Column("Lapsed", lambda c: c.lapsed),
    Column(f"Unsigned > {dashboard.UNSIGNED_AFTER_DAYS} days", lambda c: c.unsigned),
    Column("Next due", lambda c: c.next_due),
    Column("Last decision", lambda c: dashboard.outcome_label(c.decision_outcome)),
    Column("Decided on", lambda c: c.decision_on),
    Column("Next review", lambda c: c.decision_next_review),
    Column("Review needed", lambda c: "yes" if c.review_needed else "no"),
    Column("Review overdue", lambda c: "yes" if c.review_overdue else "no"),
]


def _kind_or_404(kind: str) -> Kind:
    try:
        return KINDS[kind]
    except KeyError:
        raise Http404("No such dashboard list") from None


def _due_days(request: HttpRequest) -> int:
    try:
        days = int(request.GET.get("days", dashboard.DUE_WINDOWS[0]))
    except ValueError:
        return dashboard.DUE_WINDOWS[0]
    return min(max(days, 1), 366)


def _list_rows(request: HttpRequest, kind: str, query: DashboardQuery) -> tuple[Kind, QuerySet, dict[str, Any]]:
    spec = _kind_or_404(kind)
    context = {"days": _due_days(request), "threshold": dashboard.review_threshold(), "sort": query.sort}
    rows = spec.rows(_portfolio(request, query), **context)
    return spec, rows, context


@login_required
def dashboard_list(request: HttpRequest, kind: str) -> HttpResponse:
    query = _parse(request)
    spec, rows, context = _list_rows(request, kind, query)
    can_decide = may_decide_relationship(request.user)
    columns = [column for column in spec.columns if can_decide or not column.action]
    page = Paginator(rows, settings.RISKREG_PAGE_SIZE).get_page(request.GET.get("page"))
    today = _today()
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
            "rows": [_cells(row, columns, today) for row in page.object_list],
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


class _Echo:
    """csv.writer needs a file; this one hands each line straight back to the response."""

    def write(self, value: str) -> str:
        return value


def _safe(value: Any) -> Any:
    """Keep a spreadsheet from running a client-supplied name as a formula."""
    text = "" if value is None else value
    if isinstance(text, str) and text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    if isinstance(text, datetime.datetime):
        return timezone.localtime(text).isoformat(timespec="seconds")
    if isinstance(text, datetime.date):
        return text.isoformat()
    return text


def _csv_lines(columns: list[Column], rows: Iterable[Any]) -> Iterator[str]:
    today = _today()
    columns = [column for column in columns if not column.action]
    writer = csv.writer(_Echo())
    yield writer.writerow([column.header for column in columns])
    for row in rows:
        yield writer.writerow([_safe(column.of(row, today)) for column in columns])


def _csv_response(filename: str, columns: list[Column], rows: QuerySet) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(columns, rows.iterator(chunk_size=500)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{_today().isoformat()}.csv"'
    return response


@login_required
def dashboard_csv(request: HttpRequest) -> StreamingHttpResponse:
    query = _parse(request)
    table = dashboard.portfolio_table(
        clients=_portfolio(request, query), threshold=dashboard.review_threshold(), sort=query.sort
    )
    return _csv_response("riskreg-portfolio", PORTFOLIO_COLUMNS, table)


@login_required
def dashboard_list_csv(request: HttpRequest, kind: str) -> StreamingHttpResponse:
    query = _parse(request)
    spec, rows, _ = _list_rows(request, kind, query)
    return _csv_response(f"riskreg-{kind}", spec.columns, rows)


@login_required
def relationship_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
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
                f"Decision recorded for {client.name}: {decision.get_outcome_display().lower()}; "
                f"next review {decision.next_review_on.isoformat()}.",
            )
            return redirect("register:client_detail", public_id=client.public_id)
    return render(
        request,
        "dashboard/relationship_form.html",
        {"client": client, "form": form, "overview": relationship_overview(client)},
    )
