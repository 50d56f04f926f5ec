"""Pages of the CSV import (managers and admins): upload, the preview with its progress, apply."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.imports import services
from clients.imports.forms import ImportUploadForm
from clients.imports.layouts import LAYOUTS
from clients.imports.planning import ACTIONS
from clients.models import ImportBatch
from riskreg.accounts.permissions import manager_required
from riskreg.accounts.requests import AuthenticatedRequest

ROWS_PER_PAGE = 100
IN_PROGRESS = {ImportBatch.Status.QUEUED, ImportBatch.Status.CHECKING, ImportBatch.Status.APPLYING}


@manager_required
def import_list(request: AuthenticatedRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.import_batch_create(
                actor=request.user,
                source=form.cleaned_data["source"],
                kind=form.cleaned_data["kind"],
                filename=upload.name,
                raw=upload.read(),
                default_vcio=form.cleaned_data["default_vcio"],
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            return redirect("imports:detail", public_id=batch.public_id)
    batches = ImportBatch.objects.select_related("created_by").defer("content", "rows").order_by("-created_at")[:20]
    return render(
        request,
        "imports/list.html",
        {"form": form, "batches": batches, "layouts": LAYOUTS.values()},
        status=400 if form.errors else 200,
    )


@manager_required
def import_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    batch = get_object_or_404(ImportBatch.objects.defer("content"), public_id=public_id)
    shown = request.GET.get("show", "")
    rows = [row for row in batch.rows if row["action"] == shown] if shown in ACTIONS else batch.rows
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/detail.html",
        {
            "batch": batch,
            "page": page,
            "shown": shown if shown in ACTIONS else "",
            "query": f"show={shown}" if shown in ACTIONS else "",
            "in_progress": batch.status in IN_PROGRESS,
            "actions": [(action, batch.counts.get(action, 0)) for action in ACTIONS],
            "can_apply": batch.status == ImportBatch.Status.CHECKED
            and not batch.counts.get("error")
            and (batch.counts.get("create") or batch.counts.get("update")),
        },
    )


@require_POST
@manager_required
def import_discard(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    batch = get_object_or_404(ImportBatch.objects.only("pk", "status", "filename"), public_id=public_id)
    try:
        services.import_batch_discard(batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:detail", public_id=public_id)
    messages.success(
        request, _("Import of {filename} discarded: the uploaded file is deleted.").format(filename=batch.filename)
    )
    return redirect("imports:list")


@require_POST
@manager_required
def import_apply(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    batch = get_object_or_404(ImportBatch.objects.defer("content", "rows"), public_id=public_id)
    try:
        services.import_batch_start_apply(actor=request.user, batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("imports:detail", public_id=batch.public_id)
