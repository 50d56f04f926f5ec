"""Relationship review pages: what a client is worth (managers only)."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from clients.selectors import client_for_user
from clients.services import may_see_client_value
from clients.views import apply_service_errors
from recommendations.relationship.forms import ClientValueForm
from recommendations.relationship.services import client_value_update


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
