"""Placing and releasing a client's litigation hold (managers and admins)."""

from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from clients.holds import (
    REASON_MAX,
    active_litigation_hold,
    litigation_hold_place,
    litigation_hold_release,
    may_manage_holds,
)
from clients.selectors import client_for_user
from clients.views import apply_service_errors
from riskreg.accounts.requests import AuthenticatedRequest


class HoldReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX,
        help_text=gettext_lazy("Kept in the audit trail, e.g. the dispute, the claim number or the counsel's request."),
    )


@require_http_methods(["GET", "POST"])
@login_required
def litigation_hold(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    # Fetch first: another vCIO's client answers 404, one's own client 403 (not a manager).
    client = client_for_user(user=request.user, public_id=public_id)
    if not may_manage_holds(request.user):
        raise PermissionDenied
    hold = active_litigation_hold(client)
    form = HoldReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = litigation_hold_release if hold else litigation_hold_place
        try:
            service(actor=request.user, client=client, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            done = _("Litigation hold released on %(name)s.") if hold else _("Litigation hold placed on %(name)s.")
            messages.success(request, done % {"name": client.name})
            return redirect("register:client_detail", public_id=client.public_id)
    history = client.litigation_holds.select_related("placed_by", "released_by")
    return render(
        request,
        "clients/litigation_hold.html",
        {"client": client, "hold": hold, "form": form, "history": history},
    )
