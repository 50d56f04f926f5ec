"""CSV exports of the roadmap and its budget. Money is written from integer cents, exactly."""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date

from django.db.models import Count, QuerySet, Sum

from clients.models import Client
from recommendations.models import Recommendation
from recommendations.roadmap.quarters import quarter_of
from recommendations.roadmap.selectors import BUDGETED, roadmap_items
from riskreg.formats import plain_amount

CLIENT_HEADER = [
    "Client",
    "Fiscal quarter",
    "Quarter starts",
    "Recommendation",
    "Priority",
    "Risk level",
    "Status",
    "Refusal valid until",
    "One-time cost",
    "Recurring monthly cost",
    "Annualised cost",
    "In budget",
]
PIPELINE_HEADER = [
    "Client",
    "Calendar quarter",
    "Quarter starts",
    "Items",
    "One-time cost",
    "Recurring monthly cost",
    "Annualised cost",
]


def money(cents: int | None) -> str:
    # A CSV is read by spreadsheets and scripts: the same 1234.56 in every language.
    return "" if cents is None else plain_amount(cents)


def safe(value: object) -> str:
    """Keep a spreadsheet from running a name someone typed as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_lines(header: list[str], rows: Iterable[list[object]]) -> Iterator[str]:
    for row in [header, *rows]:
        buffer = io.StringIO()
        csv.writer(buffer).writerow([safe(cell) for cell in row])
        yield buffer.getvalue()


def client_rows(client: Client) -> Iterator[list[object]]:
    start_month = client.fiscal_year_start_month
    for item in roadmap_items(client):
        quarter = quarter_of(item.target_quarter, start_month) if item.target_quarter else None
        one_time, monthly = item.one_time_cost_cents, item.recurring_monthly_cost_cents
        yield [
            client.name,
            quarter.label if quarter else "Not scheduled",
            quarter.key if quarter else "",
            item.title,
            item.get_priority_display(),
            item.level_label,
            item.get_status_display(),
            item.valid_until.isoformat() if item.valid_until and item.status in ("refused", "lapsed") else "",
            money(one_time),
            money(monthly),
            money((one_time or 0) + 12 * (monthly or 0)),
            "yes" if item.status in BUDGETED else "no",
        ]


def pipeline_rows(clients: QuerySet[Client], *, since: date) -> Iterator[list[object]]:
    """One row per client and calendar quarter with planned work, from `since` on."""
    sums = (
        Recommendation.objects.filter(client__in=clients, status__in=BUDGETED, target_quarter__gte=since)
        .values("client__name", "target_quarter")
        .annotate(one_time=Sum("one_time_cost_cents"), monthly=Sum("recurring_monthly_cost_cents"), items=Count("pk"))
        .order_by("client__name", "target_quarter")
    )
    # Ordered by client and quarter start, so a client's groups for one calendar quarter (two
    # target quarters, after its fiscal-year start changed) are adjacent and merge into one row.
    row: list = []
    for group in sums.iterator(chunk_size=1000):
        quarter = quarter_of(group["target_quarter"], 1)
        key = [group["client__name"], f"{quarter.start.year} Q{quarter.number}", quarter.key]
        if row[:3] != key:
            if row:
                yield _pipeline_row(row)
            row = [*key, 0, 0, 0]
        row[3] += group["items"]
        row[4] += group["one_time"] or 0
        row[5] += group["monthly"] or 0
    if row:
        yield _pipeline_row(row)


def _pipeline_row(row: list) -> list[object]:
    *key, items, one_time, monthly = row
    return [*key, items, money(one_time), money(monthly), money(one_time + 12 * monthly)]
