"""Install-consent requests (CASL): the staff page that sends one, and the signer's answer form.

They travel through the ordinary signing flow (link, one-time code, signature); only what is
asked and answered differs: per program, "Give consent" or "Refuse", a comment optional.
"""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clients.models import PracticeProfile
from clients.selectors import client_for_user
from clients.views import apply_service_errors
from recommendations import signing
from recommendations.signing.forms import ConsentRequestForm
from riskreg.accounts.requests import AuthenticatedRequest
from riskreg.evidence import step_origin


@require_http_methods(["GET", "POST"])
@login_required
def consent_request_create(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    client = client_for_user(user=request.user, public_id=public_id)
    signatories = client.contacts.filter(can_sign=True, is_active=True, erased_at__isnull=True)
    sendable = signing.sendable_software(client)
    initial = {"software": request.GET.getlist("s")} if request.method == "GET" else None
    form = ConsentRequestForm(request.POST or None, initial=initial, signatories=signatories, software=sendable)
    if request.method == "POST" and form.is_valid():
        try:
            decision_request = signing.consent_request_send(
                actor=request.user,
                client=client,
                signatory=form.cleaned_data["signatory"],
                software=list(form.cleaned_data["software"]),
                message=form.cleaned_data["message"],
                origin=step_origin(request),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            name = decision_request.signatory.name
            messages.success(request, _("Consent request emailed to %(name)s.") % {"name": name})
            return redirect("signing:request_detail", public_id=decision_request.public_id)
    practice = PracticeProfile.load()
    return render(
        request,
        "signing/consent_request_form.html",
        {
            "client": client,
            "form": form,
            "has_signatory": signatories.exists(),
            "has_items": sendable.exists(),
            "practice_ready": bool(practice.mailing_address.strip() and (practice.email or practice.phone)),
        },
    )
