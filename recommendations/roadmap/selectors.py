"""Reads for the roadmap: one client's quarters, and the portfolio's budget pipeline.

Every money figure is an integer number of cents, summed in Python from integers, so a quarter's
total is exact. The pages' query counts do not depend on the number of items: one query reads a
client's items, one aggregate reads the portfolio.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils import dateformat
from django.utils.translation import gettext as _

from clients.models import Client
from recommendations.models import Recommendation
from recommendations.roadmap.quarters import Quarter, add_months, next_quarter, quarter_of
from riskreg.formats import amount

Status = Recommendation.Status

# Work the client is planning to pay for. Refused and lapsed items stay on the roadmap, shown as
# refused with their valid-until, but they are not planned work and carry no budget.
BUDGETED = (Status.DRAFT, Status.PRESENTED, Status.ACCEPTED, Status.DEFERRED, Status.IMPLEMENTED)
SHOWN = (*BUDGETED, Status.REFUSED, Status.LAPSED)
# What the vCIO may move: implemented work is done, a refusal is on record until it is re-signed.
MOVABLE = (Status.DRAFT, Status.PRESENTED, Status.ACCEPTED, Status.DEFERRED)
# How far ahead the move form offers quarters (the current one and the next seven: two years).
PLANNING_QUARTERS = 8
NEXT_QUARTERS = 4


def money_text(cents: int | None) -> str:
    """Cents as the pages show money, in the active language: 1,234.50 / 1 234,50 (exact)."""
    return "—" if cents is None else amount(cents)


def cost_text(one_time_cents: int | None, monthly_cents: int | None) -> str:
    """The roadmap's cost line, in the active language."""
    if monthly_cents is None:
        if one_time_cents is None:
            return _("To be quoted")
        return _("%(amount)s one-time") % {"amount": money_text(one_time_cents)}
    per_month = _("%(amount)s per month") % {"amount": money_text(monthly_cents)}
    if one_time_cents is None:
        return per_month
    return _("%(amount)s one-time + %(per_month)s") % {"amount": money_text(one_time_cents), "per_month": per_month}


@dataclass
class Budget:
    one_time_cents: int = 0
    recurring_monthly_cents: int = 0
    items: int = 0

    @property
    def annualised_cents(self) -> int:
        """One-time plus twelve months of the recurring cost: the first year's spend."""
        return self.one_time_cents + 12 * self.recurring_monthly_cents

    @property
    def one_time(self) -> str:
        return money_text(self.one_time_cents)

    @property
    def recurring_monthly(self) -> str:
        return money_text(self.recurring_monthly_cents)

    @property
    def annualised(self) -> str:
        return money_text(self.annualised_cents)

    def add(self, *, one_time_cents: int | None, recurring_monthly_cents: int | None, items: int = 1) -> None:
        self.one_time_cents += one_time_cents or 0
        self.recurring_monthly_cents += recurring_monthly_cents or 0
        self.items += items


@dataclass
class Column:
    kind: str  # past, current, next, later, unscheduled
    title: str
    subtitle: str
    items: list[Recommendation] = field(default_factory=list)
    budget: Budget = field(default_factory=Budget)


@dataclass
class Roadmap:
    client: Client
    current: Quarter
    columns: list[Column]
    choices: list[tuple[str, str]]  # (quarter key, label) the move form offers

    @property
    def total(self) -> Budget:
        total = Budget()
        for column in self.columns:
            total.add(
                one_time_cents=column.budget.one_time_cents,
                recurring_monthly_cents=column.budget.recurring_monthly_cents,
                items=column.budget.items,
            )
        return total


def planning_quarters(client: Client, today: date) -> list[Quarter]:
    """The quarters an item can be moved to: the current one and the next seven."""
    current = quarter_of(today, client.fiscal_year_start_month)
    return [next_quarter(current, client.fiscal_year_start_month, step) for step in range(PLANNING_QUARTERS)]


def roadmap_items(client: Client) -> QuerySet[Recommendation]:
    return (
        Recommendation.objects.filter(client=client, status__in=SHOWN)
        .only(
            "public_id",
            "client_id",
            "title",
            "likelihood",
            "impact",
            "status",
            "priority",
            "valid_until",
            "target_quarter",
            "one_time_cost_cents",
            "recurring_monthly_cost_cents",
        )
        .order_by("priority", "-inherent_risk", "title")
    )


def client_roadmap(client: Client, *, today: date) -> Roadmap:
    """Quarters as columns: the past (the last quarter and anything older), the current one, the
    next four, later, and the items not yet scheduled. One query."""
    start_month = client.fiscal_year_start_month
    current = quarter_of(today, start_month)
    previous = next_quarter(current, start_month, -1)
    upcoming = [next_quarter(current, start_month, step) for step in range(1, NEXT_QUARTERS + 1)]
    later_from = add_months(upcoming[-1].start, 3)
    columns = {
        "past": Column("past", _("Past"), _("{quarter} and earlier").format(quarter=previous.display_label)),
        current.start: Column("current", current.display_label, _("Current · {months}").format(months=current.months)),
        **{quarter.start: Column("next", quarter.display_label, quarter.months) for quarter in upcoming},
        "later": Column("later", _("Later"), _("From {month}").format(month=dateformat.format(later_from, "M Y"))),
        "unscheduled": Column("unscheduled", _("Not scheduled"), _("No target quarter yet")),
    }
    for item in roadmap_items(client):
        item.is_movable = item.status in MOVABLE
        item.is_refused = item.status in (Status.REFUSED, Status.LAPSED)
        column = columns[_column_key(item.target_quarter, start_month, current.start, later_from)]
        item.cost_text = cost_text(item.one_time_cost_cents, item.recurring_monthly_cost_cents)
        item.quarter_key = quarter_of(item.target_quarter, start_month).key if item.target_quarter else ""
        column.items.append(item)
        if item.status in BUDGETED:
            column.budget.add(
                one_time_cents=item.one_time_cost_cents, recurring_monthly_cents=item.recurring_monthly_cost_cents
            )
    choices = [(quarter.key, quarter.display_label) for quarter in planning_quarters(client, today)]
    return Roadmap(client=client, current=current, columns=list(columns.values()), choices=choices)


def _column_key(target: date | None, start_month: int, current_start: date, later_from: date) -> Any:
    if target is None:
        return "unscheduled"
    start = quarter_of(target, start_month).start
    if start < current_start:
        return "past"
    if start >= later_from:
        return "later"
    return start


@dataclass
class PipelineRow:
    quarter: Quarter
    clients: int
    budget: Budget


def portfolio_pipeline(clients: QuerySet[Client], *, today: date, quarters: int = 6) -> list[PipelineRow]:
    """Planned budget per calendar quarter across the clients, from the current quarter on.

    Clients' fiscal years differ, so the portfolio counts in calendar quarters: an item falls in
    the calendar quarter holding the first day of its target quarter. One aggregate query."""
    current = quarter_of(today, 1)
    rows = [PipelineRow(next_quarter(current, 1, step), 0, Budget()) for step in range(quarters)]
    end = add_months(rows[-1].quarter.start, 3)
    sums = (
        Recommendation.objects.filter(
            client__in=clients, status__in=BUDGETED, target_quarter__gte=current.start, target_quarter__lt=end
        )
        .values("target_quarter", "client_id")
        .annotate(one_time=Sum("one_time_cost_cents"), monthly=Sum("recurring_monthly_cost_cents"), items=Count("pk"))
        .order_by()
    )
    by_start = {row.quarter.start: row for row in rows}
    clients_in: dict[date, set[int]] = {start: set() for start in by_start}
    for group in sums:
        start = quarter_of(group["target_quarter"], 1).start
        by_start[start].budget.add(
            one_time_cents=group["one_time"], recurring_monthly_cents=group["monthly"], items=group["items"]
        )
        clients_in[start].add(group["client_id"])
    for row in rows:
        row.clients = len(clients_in[row.quarter.start])
    return rows
