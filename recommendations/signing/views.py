"""Staff side of decision requests: send, follow, revoke, re-send."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.selectors import client_for_user, clients_visible_to
from clients.views import apply_service_errors
from recommendations import signing
from recommendations.models import DecisionRequest, WaiverDocument
from recommendations.selectors import request_timeline
from recommendations.signing.forms import SendForDecisionForm
from riskreg.accounts.requests import AuthenticatedRequest
from riskreg.evidence import step_origin


def _request_for_user(request: AuthenticatedRequest, public_id: UUID) -> DecisionRequest:
    return get_object_or_404(
        DecisionRequest.objects.select_related(
            "client", "signatory", "created_by", "signature", "agreement_version__agreement"
        ).filter(client__in=clients_visible_to(request.user)),
        public_id=public_id,
    )


@login_required
def request_create(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    client = client_for_user(user=request.user, public_id=public_id)
    signatories = client.contacts.filter(can_sign=True, is_active=True, erased_at__isnull=True)
    sendable = signing.sendable_recommendations(client)
    initial = {"recommendations": request.GET.getlist("r")} if request.method == "GET" else None
    form = SendForDecisionForm(request.POST or None, initial=initial, signatories=signatories, recommendations=sendable)
    if request.method == "POST" and form.is_valid():
        try:
            decision_request = signing.decision_request_send(
                actor=request.user,
                client=client,
                signatory=form.cleaned_data["signatory"],
                recommendations=list(form.cleaned_data["recommendations"]),
                message=form.cleaned_data["message"],
                origin=step_origin(request),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            name = decision_request.signatory.name
            messages.success(request, _("Signing link emailed to %(name)s.") % {"name": name})
            return redirect("signing:request_detail", public_id=decision_request.public_id)
    return render(
        request,
        "signing/request_form.html",
        {
            "client": client,
            "form": form,
            "has_signatory": signatories.exists(),
            "has_items": sendable.exists(),
            "waiting": signing.recommendations_awaiting_decision(client),
        },
    )


@login_required
def request_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    decision_request = _request_for_user(request, public_id)
    items = decision_request.items.select_related("recommendation", "software", "decision").order_by("position")
    return render(
        request,
        "signing/request_detail.html",
        {
            "decision_request": decision_request,
            "client": decision_request.client,
            "items": items,
            "timeline": request_timeline(decision_request),
            "document": getattr(decision_request, "document", None),
        },
    )


@login_required
def request_snapshot(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """The request's frozen snapshot, byte for byte: its SHA-256 is the request's content hash."""
    decision_request = _request_for_user(request, public_id)
    if not decision_request.snapshot:
        raise Http404("This request was sent before snapshots were kept.")
    response = HttpResponse(decision_request.snapshot.encode(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="request-{decision_request.public_id}.json"'
    return response


@require_POST
@login_required
def request_revoke(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    decision_request = _request_for_user(request, public_id)
    try:
        signing.decision_request_revoke(actor=request.user, request=decision_request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Request revoked: its link no longer works."))
    return redirect("signing:request_detail", public_id=decision_request.public_id)


@require_POST
@login_required
def request_resend(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    decision_request = _request_for_user(request, public_id)
    try:
        new_request = signing.decision_request_resend(
            actor=request.user, request=decision_request, origin=step_origin(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("signing:request_detail", public_id=decision_request.public_id)
    name = new_request.signatory.name
    messages.success(request, _("A new link was emailed to %(name)s; the old link is dead.") % {"name": name})
    return redirect("signing:request_detail", public_id=new_request.public_id)


@login_required
def document_download(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    visible = clients_visible_to(request.user)
    document = get_object_or_404(
        WaiverDocument.objects.filter(Q(request__client__in=visible) | Q(letter__client__in=visible)),
        public_id=public_id,
    )
    if not document.file:
        # Purged when its retention hold ended; only its hash remains on record.
        raise Http404("This document was deleted at the end of its retention period.")
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=f"{document.document_id}.pdf")
