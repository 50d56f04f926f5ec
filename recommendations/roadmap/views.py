from datetime import date
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.selectors import client_for_user, clients_visible_to
from recommendations.roadmap import export, selectors
from recommendations.roadmap.forms import FiscalYearForm, MoveForm
from recommendations.roadmap.quarters import quarter_of
from recommendations.roadmap.services import client_fiscal_year_set, recommendation_schedule
from recommendations.selectors import recommendation_for_user
from riskreg.accounts.permissions import manager_required
from riskreg.accounts.requests import AuthenticatedRequest


def _board(client, *, status: str = "", error: str = "") -> dict:
    return {
        "client": client,
        "fiscal_form": FiscalYearForm(initial={"start_month": client.fiscal_year_start_month}),
        "fiscal_month": MONTHS[client.fiscal_year_start_month],
        "roadmap": selectors.client_roadmap(client, today=timezone.localdate()),
        "status_message": status,
        "error_message": error,
    }


@login_required
def client_roadmap_view(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    client = client_for_user(user=request.user, public_id=public_id)
    return render(request, "roadmap/client.html", _board(client))


@require_POST
@login_required
def recommendation_move(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """Move an item to another quarter: htmx swaps the board in place; without JavaScript the
    form posts here and the roadmap page is shown again with a message."""
    recommendation = recommendation_for_user(user=request.user, public_id=public_id)
    client = recommendation.client
    choices = [(q.key, q.display_label) for q in selectors.planning_quarters(client, timezone.localdate())]
    form = MoveForm(request.POST, choices=choices)
    status, error = "", ""
    if not form.is_valid():
        error = _("Choose one of the quarters offered: the roadmap plans up to two years ahead.")
    else:
        target = form.cleaned_data["quarter"]
        try:
            moved = recommendation_schedule(actor=request.user, recommendation=recommendation, target_quarter=target)
        except ValidationError as failure:
            error = " ".join(failure.messages)
        else:
            status = _move_status(recommendation.title, target, client.fiscal_year_start_month, moved=moved)
    if request.htmx:
        return render(request, "roadmap/board.html", _board(client, status=status, error=error))
    if error:
        messages.error(request, error)
    else:
        messages.success(request, status)
    return redirect("roadmap:client", public_id=client.public_id)


def _move_status(title: str, target: date | None, start_month: int, *, moved: bool) -> str:
    if target is None:
        message = _("“{title}” moved to not scheduled.") if moved else _("“{title}” is already in not scheduled.")
        return message.format(title=title)
    where = quarter_of(target, start_month).display_label
    message = _("“{title}” moved to {quarter}.") if moved else _("“{title}” is already in {quarter}.")
    return message.format(title=title, quarter=where)


@require_POST
@login_required
def fiscal_year_set(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    client = client_for_user(user=request.user, public_id=public_id)
    form = FiscalYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the month the fiscal year starts in, January to December."))
    elif client_fiscal_year_set(actor=request.user, client=client, start_month=form.cleaned_data["start_month"]):
        month = MONTHS[form.cleaned_data["start_month"]]
        messages.success(
            request, _("{client}'s fiscal year now starts in {month}.").format(client=client.name, month=month)
        )
    return redirect("roadmap:client", public_id=client.public_id)


def _csv(filename: str, lines) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{timezone.localdate().isoformat()}.csv"'
    return response


@login_required
def client_roadmap_csv(request: AuthenticatedRequest, public_id: UUID) -> StreamingHttpResponse:
    client = client_for_user(user=request.user, public_id=public_id)
    return _csv(f"roadmap-{client.public_id}", export.csv_lines(export.CLIENT_HEADER, export.client_rows(client)))


@manager_required
def pipeline_view(request: AuthenticatedRequest) -> HttpResponse:
    rows = selectors.portfolio_pipeline(clients_visible_to(request.user), today=timezone.localdate())
    total = selectors.Budget()
    for row in rows:
        total.add(
            one_time_cents=row.budget.one_time_cents,
            recurring_monthly_cents=row.budget.recurring_monthly_cents,
            items=row.budget.items,
        )
    return render(request, "roadmap/pipeline.html", {"rows": rows, "total": total})


@manager_required
def pipeline_csv(request: AuthenticatedRequest) -> StreamingHttpResponse:
    since = quarter_of(timezone.localdate(), 1).start
    rows = export.pipeline_rows(clients_visible_to(request.user), since=since)
    return _csv("roadmap-pipeline", export.csv_lines(export.PIPELINE_HEADER, rows))
