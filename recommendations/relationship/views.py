"""Relationship review pages: what a client is worth (managers only), and re-assessing the risk
of a signed refusal (which can mark it "basis changed")."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from clients.selectors import client_for_user
from clients.services import may_see_client_value
from clients.views import apply_service_errors
from recommendations.relationship.basis import REASSESSABLE, refusal_reassess
from recommendations.relationship.forms import ClientValueForm, RefusalReassessForm
from recommendations.relationship.services import client_value_update
from recommendations.selectors import recommendation_for_user


@login_required
def client_value_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    # Fetch first: another vCIO's client answers 404, one's own client 403 (not a manager).
    client = client_for_user(user=request.user, public_id=public_id)
    if not may_see_client_value(request.user):
        raise PermissionDenied
    form = ClientValueForm.for_client(client, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            changed = client_value_update(actor=request.user, client=client, **form.service_arguments())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Value of {client.name} saved." if changed else "Nothing changed.")
            return redirect("register:client_detail", public_id=client.public_id)
    return render(request, "relationship/value_form.html", {"client": client, "form": form})


@login_required
def refusal_reassess_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    recommendation = recommendation_for_user(user=request.user, public_id=public_id)
    if recommendation.status not in REASSESSABLE:
        raise Http404("Only a refused or lapsed recommendation is re-assessed here.")
    initial = {"likelihood": recommendation.likelihood, "impact": recommendation.impact}
    form = RefusalReassessForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = refusal_reassess(actor=request.user, recommendation=recommendation, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            recommendation.refresh_from_db()
            if recommendation.basis_changed_on:
                messages.warning(
                    request,
                    f"Risk of “{recommendation.title}” raised: the signed refusal no longer covers it. "
                    "Send it for re-acknowledgment.",
                )
            else:
                messages.success(request, "Risk re-assessed." if changed else "Nothing changed.")
            return redirect(f"{client_detail_url(recommendation)}#rec-{recommendation.public_id}")
    return render(request, "relationship/reassess_form.html", {"recommendation": recommendation, "form": form})


def client_detail_url(recommendation) -> str:
    return reverse("register:client_detail", args=[recommendation.client.public_id])
