"""Staff pages for a contact's personal data: export (JSON download) and erasure, each behind a
confirmation page; the change itself is a POST."""

import json
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clients.holds import active_litigation_hold
from clients.models import PracticeProfile
from clients.selectors import contact_for_user
from recommendations.privacy import export, holds
from recommendations.privacy import services as privacy
from riskreg.accounts.requests import AuthenticatedRequest


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def contact_export(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    contact = contact_for_user(user=request.user, public_id=public_id)
    if request.method == "GET":
        return render(request, "privacy/export_confirm.html", {"contact": contact, "client": contact.client})
    data = export.contact_export(actor=request.user, contact=contact)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="contact-{contact.public_id}.json"'
    return response


def _erased_message(held: int) -> str:
    if not held:
        return _("The contact's personal data was erased.")
    message = ngettext(
        "The contact's personal data was erased. {count} signed record is kept under legal hold.",
        "The contact's personal data was erased. {count} signed records are kept under legal hold.",
        held,
    )
    return message.format(count=held)


@require_http_methods(["GET", "POST"])
@login_required
def contact_erase(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    contact = contact_for_user(user=request.user, public_id=public_id)
    client = contact.client
    if request.method == "POST":
        try:
            result = privacy.contact_erase(actor=request.user, contact=contact)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _erased_message(len(result.held)))
        return redirect("register:client_detail", public_id=client.public_id)
    profile = PracticeProfile.load()
    return render(
        request,
        "privacy/erase_confirm.html",
        {
            "contact": contact,
            "client": client,
            "held": holds.contact_holds(contact) if contact.erased_at is None else [],
            "retention_years": profile.retention_years,
            "hold_until": holds.hold_until(client, profile),
            "litigation_hold": active_litigation_hold(client),
        },
    )
