from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.selectors import client_for_user
from recommendations.briefing import selectors
from recommendations.briefing.forms import NoteForm, ScheduleForm, SendForm
from recommendations.briefing.services import (
    briefing_issue,
    briefing_render,
    briefing_send,
    client_briefing_schedule_set,
)
from riskreg.accounts.requests import AuthenticatedRequest


def _prepare_page(
    request: AuthenticatedRequest, client, form: NoteForm, *, schedule: ScheduleForm | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    schedule = schedule or ScheduleForm(
        initial={"cadence_months": client.briefing_cadence_months, "due_on": client.briefing_due_on}
    )
    return render(
        request,
        "briefing/prepare.html",
        {
            "client": client,
            "form": form,
            "schedule": schedule,
            "period": selectors.briefing_period(client, today=today),
            "briefings": selectors.briefings_for_client(client)[:10],
        },
        status=status,
    )


@require_POST
@login_required
def briefing_schedule(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    client = client_for_user(user=request.user, public_id=public_id)
    schedule = ScheduleForm(request.POST)
    if not schedule.is_valid():
        return _prepare_page(request, client, NoteForm(), schedule=schedule, status=400)
    if client_briefing_schedule_set(actor=request.user, client=client, **schedule.cleaned_data):
        messages.success(request, _("Briefing schedule saved."))
    return redirect("briefing:prepare", public_id=client.public_id)


@login_required
def briefing_prepare(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    client = client_for_user(user=request.user, public_id=public_id)
    return _prepare_page(request, client, NoteForm())


@require_POST
@login_required
def briefing_preview(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """The briefing as it would be issued now, with the note typed so far; nothing is kept."""
    client = client_for_user(user=request.user, public_id=public_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _prepare_page(request, client, form, status=400)
    pdf = briefing_render(
        client=client,
        actor=request.user,
        note=form.cleaned_data["note"],
        document_id="PREVIEW — NOT ISSUED",
        today=timezone.localdate(),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="briefing-preview.pdf"'
    return response


@require_POST
@login_required
def briefing_issue_view(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    client = client_for_user(user=request.user, public_id=public_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _prepare_page(request, client, form, status=400)
    try:
        briefing = briefing_issue(actor=request.user, client=client, note=form.cleaned_data["note"])
    except ValidationError as error:
        form.add_error("note", error.messages)
        return _prepare_page(request, client, form, status=400)
    messages.success(
        request,
        _("Briefing {document_id} issued. It is kept exactly as it is now.").format(document_id=briefing.document_id),
    )
    return redirect("briefing:detail", public_id=briefing.public_id)


def _detail_page(request: AuthenticatedRequest, briefing, form: SendForm, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "briefing/detail.html",
        {
            "briefing": briefing,
            "client": briefing.client,
            "form": form,
            "deliveries": selectors.briefing_deliveries(briefing),
        },
        status=status,
    )


@login_required
def briefing_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    briefing = selectors.briefing_for_user(user=request.user, public_id=public_id)
    signatories = briefing.client.contacts.filter(can_sign=True, is_active=True, erased_at__isnull=True)
    form = SendForm(client=briefing.client, initial={"contacts": list(signatories)})
    return _detail_page(request, briefing, form)


@login_required
def briefing_download(request: AuthenticatedRequest, public_id: UUID) -> FileResponse:
    briefing = selectors.briefing_for_user(user=request.user, public_id=public_id)
    if not briefing.file:
        raise Http404(_("This briefing's file is no longer stored."))
    return FileResponse(briefing.file.open("rb"), as_attachment=True, filename=f"{briefing.document_id}.pdf")


@require_POST
@login_required
def briefing_send_view(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    briefing = selectors.briefing_for_user(user=request.user, public_id=public_id)
    form = SendForm(request.POST, client=briefing.client)
    if not form.is_valid():
        return _detail_page(request, briefing, form, status=400)
    try:
        sent = briefing_send(actor=request.user, briefing=briefing, contacts=list(form.cleaned_data["contacts"]))
    except ValidationError as error:
        form.add_error("contacts", error.messages)
        return _detail_page(request, briefing, form, status=400)
    if sent:
        names = get_text_list([contact.name for contact in sent], _("and"))
        messages.success(request, _("Briefing emailed to {names}.").format(names=names))
    else:
        messages.info(request, _("Everyone chosen has already been sent this briefing; nothing was sent again."))
    return redirect("briefing:detail", public_id=briefing.public_id)
