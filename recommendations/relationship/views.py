"""Relationship review pages: what a client is worth (managers only), and re-assessing the risk
of a signed refusal (which can mark it "basis changed")."""

import datetime
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.selectors import client_for_user
from clients.services import may_decide_relationship, may_see_client_value
from clients.views import apply_service_errors
from recommendations.relationship import selectors
from recommendations.relationship.basis import REASSESSABLE, refusal_reassess
from recommendations.relationship.conditions import relationship_condition_add, relationship_condition_meet
from recommendations.relationship.forms import (
    ClientValueForm,
    ConditionForm,
    OffboardingLetterForm,
    RefusalReassessForm,
)
from recommendations.relationship.offboarding import (
    OFFBOARDING_NOTICE_DAYS,
    is_current_contact,
    notice_problem,
    offboarding_letter_issue,
    offboarding_letter_send,
)
from recommendations.relationship.services import client_value_update
from recommendations.selectors import recommendation_for_user
from riskreg.accounts.requests import AuthenticatedRequest


@login_required
def client_value_edit(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
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
            messages.success(
                request, _("Value of %(name)s saved.") % {"name": client.name} if changed else _("Nothing changed.")
            )
            return redirect("register:client_detail", public_id=client.public_id)
    return render(request, "relationship/value_form.html", {"client": client, "form": form})


@login_required
def refusal_reassess_view(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
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
                    _(
                        "Risk of “%(title)s” raised: the signed refusal no longer covers it. "
                        "Send it for re-acknowledgment."
                    )
                    % {"title": recommendation.title},
                )
            else:
                messages.success(request, _("Risk re-assessed.") if changed else _("Nothing changed."))
            return redirect(f"{client_detail_url(recommendation)}#rec-{recommendation.public_id}")
    return render(request, "relationship/reassess_form.html", {"recommendation": recommendation, "form": form})


def client_detail_url(recommendation) -> str:
    return reverse("register:client_detail", args=[recommendation.client.public_id])


@login_required
def decision_conditions(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """A decision's tracked conditions; managers add them here (vCIOs read)."""
    decision = selectors.decision_for_user(user=request.user, public_id=public_id)
    can_edit = may_decide_relationship(request.user) and decision.outcome == decision.Outcome.CONDITIONS
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = ConditionForm(request.POST or None, client=decision.client) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            relationship_condition_add(
                actor=request.user,
                decision=decision,
                what=form.cleaned_data["what"],
                owner=form.cleaned_data["owner"],
                due_on=form.cleaned_data["due_on"],
                recommendations=list(form.cleaned_data.get("recommendations", [])),
                today=timezone.localdate(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Condition added."))
            return redirect("relationship:decision_conditions", public_id=decision.public_id)
    return render(
        request,
        "relationship/conditions.html",
        {
            "decision": decision,
            "client": decision.client,
            "conditions": selectors.conditions_of(decision),
            "form": form,
            "can_edit": can_edit,
            "today": timezone.localdate(),
        },
    )


@require_POST
@login_required
def condition_meet(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    condition = selectors.condition_for_user(user=request.user, public_id=public_id)
    if not may_decide_relationship(request.user):
        raise PermissionDenied
    if relationship_condition_meet(actor=request.user, condition=condition, today=timezone.localdate()):
        messages.success(request, _("Condition marked met: %(what)s") % {"what": condition.what})
    else:
        messages.info(request, _("That condition was already met."))
    return redirect("relationship:decision_conditions", public_id=condition.decision.public_id)


@login_required
def offboarding_letter_issue_view(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """Managers issue the notice letter of an offboard decision (dated today, frozen, then sealed)."""
    decision = selectors.decision_for_user(user=request.user, public_id=public_id)
    if not may_decide_relationship(request.user):
        raise PermissionDenied
    client = decision.client
    initial = {"effective_on": timezone.localdate() + datetime.timedelta(days=OFFBOARDING_NOTICE_DAYS)}
    form = OffboardingLetterForm(request.POST or None, client=client, initial=initial)
    problem = notice_problem(decision)
    if request.method == "POST" and not problem and form.is_valid():
        try:
            letter = offboarding_letter_issue(actor=request.user, decision=decision, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Letter %(id)s issued. Review the sealed PDF, then send it.") % {"id": letter.document_id}
            )
            return redirect("relationship:offboarding_letter", public_id=letter.public_id)
    return render(
        request,
        "relationship/offboarding_issue.html",
        {"decision": decision, "client": client, "form": form, "problem": problem},
    )


@login_required
def offboarding_letter_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """The letter as issued, its sealed PDF to review, and each time it was sent."""
    letter = selectors.offboarding_letter_for_user(user=request.user, public_id=public_id)
    return render(
        request,
        "relationship/offboarding_letter.html",
        {
            "letter": letter,
            "client": letter.client,
            "document": getattr(letter, "document", None),
            "sendings": list(letter.sendings.select_related("recipient", "email", "sent_by").order_by("sent_at")),
            "can_send": may_decide_relationship(request.user),
            "addressee_current": is_current_contact(letter.addressee, client_id=letter.client_id),
        },
    )


@login_required
def offboarding_letter_send_view(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """Confirm, then email the sealed letter to its addressee; each sending is recorded."""
    letter = selectors.offboarding_letter_for_user(user=request.user, public_id=public_id)
    if not may_decide_relationship(request.user):
        raise PermissionDenied
    if request.method == "POST":
        try:
            sending = offboarding_letter_send(actor=request.user, letter=letter)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Letter %(id)s emailed to %(name)s.") % {"id": letter.document_id, "name": sending.recipient.name},
            )
        return redirect("relationship:offboarding_letter", public_id=letter.public_id)
    return render(
        request,
        "relationship/offboarding_send.html",
        {
            "letter": letter,
            "client": letter.client,
            "document": getattr(letter, "document", None),
            "sent_before": letter.sendings.count(),
            "addressee_current": is_current_contact(letter.addressee, client_id=letter.client_id),
        },
    )
