from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clients.forms import ClientForm
from clients.holds import active_litigation_hold
from clients.selectors import UNASSESSED_STATUSES, client_for_user, current_agreement, software_for_client
from clients.services import may_decide_relationship
from clients.views import apply_service_errors
from recommendations import selectors, services
from recommendations.briefing.selectors import briefings_for_client
from recommendations.dashboard import selectors as dashboard_selectors
from recommendations.forms import ControlForm, ControlPickForm, RecommendationForm, initial_from_control
from recommendations.models import Control, allowed_actions
from recommendations.relationship.selectors import offboarding_overview
from riskreg.accounts.permissions import admin_required
from riskreg.accounts.requests import AuthenticatedRequest

# The client page's sections, one shown at a time (?section=...), each tab with its count.
CLIENT_SECTIONS = {
    "recommendations": gettext_lazy("Recommendations"),
    "reack": gettext_lazy("Re-acknowledgment"),
    "requests": gettext_lazy("Signing requests"),
    "briefings": gettext_lazy("Risk briefings"),
    "software": gettext_lazy("Software"),
    "timeline": gettext_lazy("Timeline"),
}

STAFF_ACTIONS = {"present", "defer", "implement", "withdraw"}

# How the confirmation page names each staff action: what the recommendation will be, and its button.
ACTION_WORDS = {
    "present": (gettext_lazy("presented to the client"), gettext_lazy("Yes, present it")),
    "defer": (gettext_lazy("deferred"), gettext_lazy("Yes, defer it")),
    "implement": (gettext_lazy("marked implemented"), gettext_lazy("Yes, it is implemented")),
    "withdraw": (gettext_lazy("withdrawn"), gettext_lazy("Yes, withdraw it")),
}
# The message once the action is done.
ACTION_DONE = {
    "present": gettext_lazy("“%(title)s” presented to the client."),
    "defer": gettext_lazy("“%(title)s” deferred."),
    "implement": gettext_lazy("“%(title)s” marked implemented."),
    "withdraw": gettext_lazy("“%(title)s” withdrawn."),
}


@login_required
def client_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    client = client_for_user(user=request.user, public_id=public_id)
    section = request.GET.get("section", "recommendations")
    if section not in CLIENT_SECTIONS:
        section = "recommendations"
    software = software_for_client(client)
    contacts = list(client.contacts.order_by("-can_sign", "name"))
    recommendations = selectors.client_recommendations(client, contacts=contacts)
    requests = selectors.recent_requests_for_client(client)
    briefings = briefings_for_client(client)
    # Only the section shown is loaded; the other tabs need their counts alone.
    timeline = (
        selectors.client_timeline(client, contacts=contacts, page=request.GET.get("page"))
        if section == "timeline"
        else None
    )
    return render(
        request,
        "recommendations/client_detail.html",
        {
            "client": client,
            "section": section,
            "section_labels": list(CLIENT_SECTIONS.items()),
            "counts": {
                "recommendations": sum(len(items) for items in recommendations.groups.values()),
                "requests": requests.count(),
                "briefings": briefings.count(),
                "reack": len(recommendations.reack_rows),
                "software": len(software),
                "timeline": timeline.paginator.count if timeline else selectors.client_events(client).count(),
            },
            "software": software,
            "software_without_consent": sum(s.without_consent for s in software),
            "contacts": contacts,
            "agreement": current_agreement(client),
            "groups": recommendations.groups,
            "assessed": any(status not in UNASSESSED_STATUSES for status in recommendations.groups),
            "timeline": timeline,
            "requests": Paginator(requests, settings.RISKREG_PAGE_SIZE).get_page(request.GET.get("page"))
            if section == "requests"
            else None,
            "query": f"section={section}",
            "reack_rows": recommendations.reack_rows,
            "relationship": dashboard_selectors.relationship_overview(client),
            "can_decide_relationship": may_decide_relationship(request.user),
            "offboarding": offboarding_overview(client),
            "litigation_hold": active_litigation_hold(client),
            "briefings": briefings if section == "briefings" else None,
        },
    )


@login_required
def client_edit(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    client = client_for_user(user=request.user, public_id=public_id)
    form = ClientForm(request.POST or None, instance=client)
    if not request.user.sees_all_clients:
        form.fields["vcio"].queryset = form.fields["vcio"].queryset.filter(pk=request.user.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_profile_update(actor=request.user, client=client, data=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Client saved."))
            return redirect("register:client_detail", public_id=client.public_id)
    return render(
        request,
        "clients/form.html",
        {"form": form, "client": client, "title": _("Edit %(name)s") % {"name": client.name}},
    )


@login_required
def recommendation_create(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    client = client_for_user(user=request.user, public_id=public_id)
    picker = ControlPickForm(request.GET or None)
    control = picker.cleaned_data["control"] if picker.is_valid() else None
    form = RecommendationForm(request.POST or None, initial={**initial_from_control(control), "owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            recommendation = services.recommendation_create(
                actor=request.user, client=client, control=control, data=form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("“%(title)s” saved as a draft. Present it when it is ready.") % {"title": recommendation.title},
            )
            return redirect("register:client_detail", public_id=client.public_id)
    return render(
        request,
        "recommendations/recommendation_form.html",
        {"form": form, "picker": picker, "client": client, "control": control, "title": _("New recommendation")},
    )


@login_required
def recommendation_edit(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    recommendation = selectors.recommendation_for_user(user=request.user, public_id=public_id)
    if not recommendation.is_editable:
        messages.error(
            request,
            _("A %(status)s recommendation cannot be edited.")
            % {"status": recommendation.get_status_display().lower()},
        )
        return redirect("register:client_detail", public_id=recommendation.client.public_id)
    form = RecommendationForm(request.POST or None, instance=recommendation)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_update(actor=request.user, recommendation=recommendation, data=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Recommendation saved."))
            return redirect("register:client_detail", public_id=recommendation.client.public_id)
    return render(
        request,
        "recommendations/recommendation_form.html",
        {
            "form": form,
            "client": recommendation.client,
            "recommendation": recommendation,
            "title": _("Edit “%(title)s”") % {"title": recommendation.title},
        },
    )


@login_required
def recommendation_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """One recommendation: its texts and risk, its status history, the requests and decisions
    that touched it, the waiver that covers it, and what can be done with it now."""
    overview = selectors.recommendation_overview(user=request.user, public_id=public_id)
    return render(
        request,
        "recommendations/recommendation_detail.html",
        {
            "overview": overview,
            "rec": overview.recommendation,
            "client": overview.recommendation.client,
            "actions": [a for a in allowed_actions(overview.recommendation) if a in STAFF_ACTIONS],
        },
    )


@login_required
def recommendation_confirm(request: AuthenticatedRequest, public_id: UUID, action: str) -> HttpResponse:
    """Confirmation page for a status change (works without JavaScript)."""
    if action not in STAFF_ACTIONS:
        raise Http404
    recommendation = selectors.recommendation_for_user(user=request.user, public_id=public_id)
    return render(
        request,
        "recommendations/recommendation_confirm.html",
        {
            "recommendation": recommendation,
            "action": action,
            "label": ACTION_WORDS[action][0],
            "button": ACTION_WORDS[action][1],
        },
    )


@require_POST
@login_required
def recommendation_action(request: AuthenticatedRequest, public_id: UUID, action: str) -> HttpResponse:
    if action not in STAFF_ACTIONS:
        raise Http404
    recommendation = selectors.recommendation_for_user(user=request.user, public_id=public_id)
    try:
        services.recommendation_transition(actor=request.user, recommendation=recommendation, action=action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, ACTION_DONE[action] % {"title": recommendation.title})
    return redirect("register:client_detail", public_id=recommendation.client.public_id)


@login_required
def catalog(request: AuthenticatedRequest) -> HttpResponse:
    controls = Control.objects.order_by("category", "code")
    return render(request, "recommendations/catalog.html", {"controls": controls})


@admin_required
def control_edit(request: AuthenticatedRequest, code: str | None = None) -> HttpResponse:
    control = get_object_or_404(Control, code=code) if code else None
    form = ControlForm(request.POST or None, instance=control)
    if request.method == "POST" and form.is_valid():
        try:
            if control:
                services.control_update(actor=request.user, control=control, data=form.cleaned_data)
            else:
                control = services.control_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Control %(code)s saved.") % {"code": control.code})
            return redirect("register:catalog")
    return render(
        request,
        "recommendations/control_form.html",
        {
            "form": form,
            "control": control,
            "title": _("Edit %(name)s") % {"name": control.code} if control else _("New catalog control"),
        },
    )
