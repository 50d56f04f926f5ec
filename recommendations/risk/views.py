"""Pages about the risk score: one client's breakdown, how the score works, and the practice
settings that tune it (saving them rescores every client, which only this app can do)."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.forms import PracticeProfileForm
from clients.models import PracticeProfile
from clients.selectors import client_for_user
from clients.views import apply_service_errors
from recommendations.risk import selectors as risk_selectors
from recommendations.risk import services as risk
from recommendations.risk.states import DEFAULT_CONFIG
from riskreg.accounts.permissions import admin_required
from riskreg.accounts.requests import AuthenticatedRequest


@login_required
def client_risk(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    client = client_for_user(user=request.user, public_id=public_id)
    breakdown = risk_selectors.client_risk_breakdown(client=client, today=timezone.localdate())
    return render(request, "risk/client_risk.html", {"client": client, "breakdown": breakdown})


@login_required
def scoring_help(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "risk/scoring_help.html", risk_selectors.scoring_help_facts(today=timezone.localdate()))


@admin_required
def practice_profile(request: AuthenticatedRequest) -> HttpResponse:
    form = PracticeProfileForm(
        request.POST or None,
        request.FILES or None,
        instance=PracticeProfile.load(),
        multiplier_defaults={**DEFAULT_CONFIG.industry_multipliers, **DEFAULT_CONFIG.data_multipliers},
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = risk.practice_scoring_update(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if risk.SCORING_FIELDS.intersection(changed):
                messages.success(request, _("Practice profile saved. Every client was rescored."))
            else:
                messages.success(request, _("Practice profile saved."))
            return redirect("register:practice_profile")
    return render(request, "clients/practice_profile.html", {"form": form})
