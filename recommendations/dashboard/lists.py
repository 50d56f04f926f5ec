"""The drill-down lists behind the dashboard's figures: one definition per list serves both the
HTML table and the CSV export."""

import csv
import datetime
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clients.models import Client
from clients.services import may_see_client_value
from recommendations.dashboard import drilldowns
from recommendations.dashboard import selectors as dashboard
from recommendations.models import RISK_LEVEL_NAMES
from recommendations.relationship import selectors as relationship_selectors


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any] | None
    link: Callable[[Any], str] | None = None
    badge: Callable[[Any], str] | None = None
    numeric: bool = False
    # A link for managers on the page (e.g. "Record decision"), left out of the CSV.
    action: bool = False
    # What the client is worth: shown to managers only, on the page and in the CSV.
    managers_only: bool = False
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


@functools.cache
def _choice_labels(model: type, field: str, language: str | None) -> dict[Any, str]:
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


def _choice(field: str) -> Callable[[Any], str]:
    """A row's label for the choice ``field``, each label translated once per language: a row's
    get_FOO_display() hashes every lazy label of the field, a translation each, on every call."""

    def label(row: Any) -> str:
        value = getattr(row, field)
        return _choice_labels(type(row), field, translation.get_language()).get(value, value)

    return label


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
    if isinstance(value, Decimal | float):
        return formats.localize(value)
    return str(value)


def cells(row: Any, columns: list[Column], today: datetime.date) -> list[Cell]:
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
    return Column(_("Client"), lambda row: (row if isinstance(row, Client) else row.client).name, link=_client_url)


def _record_decision_column() -> Column:
    return Column(
        _("Action"),
        lambda c: _("Record decision"),
        link=lambda c: reverse("register:relationship_create", args=[c.public_id]),
        action=True,
    )


def _decision_text(client: Client) -> str:
    if not client.decision_outcome:
        return ""
    return f"{dashboard.outcome_label(client.decision_outcome)} ({client.decision_on.isoformat()})"


def _condition_status(condition: Any) -> str:
    if condition.status == "met":
        return _("Met %(date)s") % {"date": condition.met_on.isoformat()}
    if condition.overdue_since:
        return _("Overdue since %(date)s") % {"date": condition.overdue_since.isoformat()}
    return str(pgettext_lazy("condition", "Open"))


CLIENT_SUMMARY = [
    _client_column(),
    Column(_("Score"), lambda c: c.risk_score, numeric=True),
    Column(_("Band"), _choice("risk_band"), badge=lambda c: f"badge-band-{c.risk_band}"),
    Column(_("Coverage %"), lambda c: c.liability_coverage, numeric=True),
    Column(_("Uncovered exposure"), lambda c: c.uncovered_exposure, numeric=True),
]
VALUE_COLUMNS = [
    Column(_("MRR"), lambda c: c.monthly_recurring_revenue, numeric=True, managers_only=True),
    Column(_("Contract ends"), lambda c: c.contract_ends_on, managers_only=True),
]
LIABILITY_COLUMNS = [
    Column(pgettext_lazy("refusals", "Lapsed"), lambda c: c.lapsed, numeric=True),
    Column(_("Unsigned items"), lambda c: c.unsigned_items, numeric=True),
    Column(_("Days since oldest undocumented refusal"), None, days_since=lambda c: c.undocumented_since, numeric=True),
]
REFUSAL_COLUMNS = [
    _client_column(),
    Column(_("Recommendation"), lambda r: r.title),
    Column(_("Risk level"), lambda r: RISK_LEVEL_NAMES[r.level], badge=lambda r: f"badge-level-{r.level}"),
    Column(_("Signer"), lambda r: r.signer or ""),
    Column(_("Valid until"), lambda r: r.valid_until),
]


@dataclass(frozen=True)
class Kind:
    title: str
    explanation: str
    caption: str
    columns: list[Column]
    rows: Callable[..., QuerySet]


def local_today() -> datetime.date:
    return timezone.localdate()


KINDS: dict[str, Kind] = {
    "lapsed": Kind(
        title=_("Lapsed refusals"),
        explanation=_(
            "Refusals whose valid-until and grace period have passed without re-acknowledgment: "
            "the MSP is no longer covered by a current signature."
        ),
        caption=_("Lapsed refusals, longest overdue first"),
        columns=[
            *REFUSAL_COLUMNS,
            Column(_("Days overdue"), None, days_since=lambda r: r.valid_until, numeric=True),
        ],
        rows=lambda clients, **_: drilldowns.lapsed_refusals(clients=clients),
    ),
    "due": Kind(
        title=_("Refusals due within {days} days"),
        explanation=_(
            "Signed refusals whose valid-until falls within the window. A negative number of days "
            "means the refusal is past its valid-until and in the grace period before it lapses."
        ),
        caption=_("Refusals due within {days} days, soonest first"),
        columns=[
            *REFUSAL_COLUMNS,
            Column(_("Days left"), None, days_until=lambda r: r.valid_until, numeric=True),
        ],
        rows=lambda clients, days, **_: drilldowns.refusals_due(clients=clients, days=days),
    ),
    "unsigned": Kind(
        title=format_lazy(
            _("Requests unsigned for more than {unsigned_days} days"), unsigned_days=dashboard.UNSIGNED_AFTER_DAYS
        ),
        explanation=_("Decision requests sent to a signatory that are still open (sent or viewed)."),
        caption=_("Open decision requests, oldest first"),
        columns=[
            _client_column(),
            Column(_("Signatory"), lambda d: d.signatory.name),
            Column(_("Purpose"), lambda d: d.purpose_label),
            Column(_("Status"), _choice("status")),
            Column(_("Sent"), lambda d: d.sent_at),
            Column(_("Days waiting"), None, days_since=lambda d: timezone.localdate(d.sent_at), numeric=True),
            Column(_("Items"), lambda d: d.item_count, numeric=True),
        ],
        rows=lambda clients, **_: drilldowns.unsigned_requests(clients=clients),
    ),
    "review": Kind(
        title=_("Clients needing a relationship review"),
        explanation=_(
            "Clients at the practice's review threshold ({threshold}) with no relationship review "
            "scheduled after today, in priority order: the most uncovered exposure first (risk the MSP carries "
            "without the client's signature), then the highest score, then the highest monthly recurring revenue."
        ),
        caption=_("Review queue, in priority order"),
        columns=[
            *CLIENT_SUMMARY,
            *LIABILITY_COLUMNS,
            *VALUE_COLUMNS,
            Column(_("vCIO"), lambda c: c.vcio or ""),
            Column(_("Last decision"), _decision_text),
            _record_decision_column(),
        ],
        rows=lambda clients, threshold, **_: drilldowns.clients_needing_review(clients=clients, threshold=threshold),
    ),
    "overdue-reviews": Kind(
        title=_("Overdue relationship reviews"),
        explanation=_("Clients whose last relationship decision set a review date that has passed."),
        caption=_("Overdue reviews, longest overdue first"),
        columns=[
            *CLIENT_SUMMARY,
            Column(_("Last decision"), _decision_text),
            Column(_("Review was due"), lambda c: c.decision_next_review),
            Column(_("Days overdue"), None, days_since=lambda c: c.decision_next_review, numeric=True),
            _record_decision_column(),
        ],
        rows=lambda clients, threshold, **_: drilldowns.clients_review_overdue(clients=clients, threshold=threshold),
    ),
    "no-consent": Kind(
        title=_("Software installed without consent"),
        explanation=_(
            "Installed software with neither the client's express consent nor a consent clause in "
            "the service agreement (CASL)."
        ),
        caption=_("Software installed without consent, by client"),
        columns=[
            _client_column(),
            Column(_("Software"), lambda s: s.name),
            Column(_("Publisher"), lambda s: s.publisher),
            Column(_("Consent"), _choice("consent_status")),
        ],
        rows=lambda clients, **_: drilldowns.software_without_consent(clients=clients),
    ),
    "conditions": Kind(
        title=_("Relationship conditions"),
        explanation=_(
            "Each condition of a “continue with conditions” decision, open ones first, overdue and "
            "soonest due first. A condition closes itself when its linked recommendations are all implemented."
        ),
        caption=_("Relationship conditions, open first"),
        columns=[
            _client_column(),
            Column(
                _("Condition"),
                lambda c: c.what,
                link=lambda c: reverse("relationship:decision_conditions", args=[c.decision.public_id]),
            ),
            Column(_("Owner"), lambda c: c.owner),
            Column(_("Due"), lambda c: c.due_on),
            Column(_("Status"), _condition_status),
            Column(
                _("Linked implemented"),
                lambda c: _("%(done)s of %(linked)s") % {"done": c.implemented, "linked": c.linked} if c.linked else "",
            ),
            Column(_("Decided on"), lambda c: c.decision.decided_on),
        ],
        rows=lambda clients, **_: relationship_selectors.conditions_for_clients(clients=clients),
    ),
    "clients": Kind(
        title=_("Clients"),
        explanation=_("The portfolio as a list, with the dashboard's filters applied."),
        caption=_("Clients"),
        columns=[
            *CLIENT_SUMMARY,
            Column(_("Industry"), _choice("industry")),
            Column(_("Service tier"), _choice("service_tier")),
            Column(_("vCIO"), lambda c: c.vcio or ""),
            Column(_("Open refusals"), lambda c: c.open_refusals, numeric=True),
            *LIABILITY_COLUMNS,
            *VALUE_COLUMNS,
        ],
        rows=lambda clients, threshold, sort, **_: dashboard.portfolio_table(
            clients=clients, threshold=threshold, sort=sort
        ),
    ),
}
PORTFOLIO_COLUMNS = [
    _client_column(),
    Column(_("Industry"), _choice("industry")),
    Column(_("Service tier"), _choice("service_tier")),
    Column(_("Status"), _choice("status")),
    Column(_("vCIO"), lambda c: c.vcio or ""),
    Column(_("Score"), lambda c: c.risk_score),
    Column(_("Band"), _choice("risk_band")),
    Column(_("Coverage %"), lambda c: c.liability_coverage),
    Column(_("Uncovered exposure"), lambda c: c.uncovered_exposure),
    Column(_("Open refusals"), lambda c: c.open_refusals),
    *LIABILITY_COLUMNS,
    Column(
        format_lazy(_("Requests unsigned > {unsigned_days} days"), unsigned_days=dashboard.UNSIGNED_AFTER_DAYS),
        lambda c: c.unsigned,
    ),
    *VALUE_COLUMNS,
    Column(_("Next due"), lambda c: c.next_due),
    Column(_("Last decision"), lambda c: dashboard.outcome_label(c.decision_outcome)),
    Column(_("Decided on"), lambda c: c.decision_on),
    Column(_("Next review"), lambda c: c.decision_next_review),
    Column(_("Review needed"), lambda c: _("yes") if c.review_needed else _("no")),
    Column(_("Review overdue"), lambda c: _("yes") if c.review_overdue else _("no")),
]


def columns_for(user: Any, columns: list[Column], *, page: bool) -> list[Column]:
    """Action links only on the page and for managers; the client's value only for managers."""
    manager = may_see_client_value(user)
    return [c for c in columns if (manager or not c.managers_only) and (page and manager or not c.action)]


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


def csv_lines(columns: list[Column], rows: Iterable[Any]) -> Iterator[str]:
    today = local_today()
    writer = csv.writer(_Echo())
    yield writer.writerow([column.header for column in columns])
    for row in rows:
        yield writer.writerow([_safe(column.of(row, today)) for column in columns])


def csv_response(filename: str, columns: list[Column], rows: QuerySet) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(columns, rows.iterator(chunk_size=500)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{local_today().isoformat()}.csv"'
    return response
