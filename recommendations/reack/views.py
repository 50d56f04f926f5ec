"""Staff pages for re-acknowledgment: the portfolio list (coming due, awaiting answer, lapsed)
and "send a re-acknowledgment now" for one client. A vCIO sees their own clients only."""

from urllib.parse import urlencode
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Contact
from clients.selectors import client_for_user, clients_visible_to
from clients.views import apply_service_errors
from recommendations import reack, selectors
from recommendations.briefing.selectors import briefings_due_context
from recommendations.models import Recommendation
from recommendations.signing.forms import SendForDecisionForm
from riskreg.accounts.requests import AuthenticatedRequest
from riskreg.evidence import step_origin

TAB_EXPLANATIONS = {
    "due": gettext_lazy(
        "Signed refusals whose valid-until falls within the window. The signatory gets heads-ups before the "
        "date and a re-acknowledgment request on it."
    ),
    "awaiting": gettext_lazy(
        "Refusals at or past their valid-until, or with a re-acknowledgment request out: waiting for the "
        "signatory. Without an answer they lapse once the grace period is over."
    ),
    "lapsed": gettext_lazy(
        "Refusals whose re-acknowledgment went unanswered past the grace period. The risk is open and no "
        "longer backed by a signature."
    ),
}


def _choice(value: str, allowed, default):
    return value if value in allowed else default


@login_required
def reack_list(request: AuthenticatedRequest) -> HttpResponse:
    tab = _choice(request.GET.get("tab", ""), selectors.REACK_TABS, "due")
    window = int(_choice(request.GET.get("days", ""), {str(d) for d in selectors.REACK_WINDOWS}, "30"))
    today = timezone.localdate()
    clients = clients_visible_to(request.user)
    page = Paginator(
        selectors.reack_list(clients=clients, tab=tab, window=window, today=today), settings.RISKREG_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    counts = selectors.reack_counts(clients=clients, window=window, today=today)

    def url(**params) -> str:
        return reverse("register:reack") + "?" + urlencode({"tab": tab, "days": window, **params})

    return render(
        request,
        "reack/list.html",
        {
            "tab": tab,
            "window": window,
            "tabs": [
                (key, label, counts[key], url(tab=key), key == tab) for key, label in selectors.REACK_TABS.items()
            ],
            "windows": [(days, url(days=days), days == window) for days in selectors.REACK_WINDOWS],
            "explanation": TAB_EXPLANATIONS[tab],
            "page": page,
            "rows": selectors.reack_rows(list(page.object_list), today=today),
            "page_query": urlencode({"tab": tab, "days": window}),
            **briefings_due_context(request.user, today=today),
        },
    )


@login_required
def reack_send(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """Confirmation page (GET) and action (POST): send one client's refusals for re-acknowledgment now."""
    client = client_for_user(user=request.user, public_id=public_id)
    signatories = client.contacts.filter(can_sign=True, is_active=True, erased_at__isnull=True).order_by("name")
    sendable = selectors.reack_sendable(client)
    initial, gone = ({}, None) if request.method == "POST" else _preselect(request, sendable, signatories)
    form = SendForDecisionForm(
        request.POST or None, initial=initial or None, signatories=signatories, recommendations=sendable
    )
    form.fields["recommendations"].label = _("Refusals to re-acknowledge")
    form.fields["recommendations"].label_from_instance = _item_label
    form.fields["message"].help_text = _("Optional. Leave empty for the standard re-acknowledgment wording.")
    if request.method == "POST" and form.is_valid():
        try:
            decision_request = reack.reack_request_send(
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
            messages.success(
                request, _("Re-acknowledgment link emailed to {name}.").format(name=decision_request.signatory.name)
            )
            return redirect("signing:request_detail", public_id=decision_request.public_id)
    return render(
        request,
        "reack/send.html",
        {
            "client": client,
            "form": form,
            "gone_signatory": gone,
            "has_signatory": signatories.exists(),
            "has_items": sendable.exists(),
        },
    )


def _preselect(request: AuthenticatedRequest, sendable, signatories) -> tuple[dict, Contact | None]:
    """The items signed by one signatory (?signatory=<contact id>, or whoever signed the first
    item), and that signatory if they still may sign; staff can change both before sending.
    Also returns the signer who can no longer sign, if that is the case."""
    items = list(sendable.annotate(signatory_pk=selectors.refusing_signatory()))
    signed_by = selectors.signatories_for(items)
    wanted = request.GET.get("signatory", "")
    chosen = [r for r in items if signed_by[r.pk] and str(signed_by[r.pk].public_id) == wanted] or items
    signer = signed_by[chosen[0].pk] if chosen else None
    usable = signer is not None and signer in signatories
    initial = {"recommendations": [r.pk for r in chosen], "signatory": signer.pk if usable else None}
    return initial, (signer if signer and not usable else None)


def _item_label(recommendation: Recommendation) -> str:
    if recommendation.status == Recommendation.Status.LAPSED:
        label = _("{title} ({level} risk) — lapsed, was valid until {date}")
    else:
        label = _("{title} ({level} risk) — valid until {date}")
    return label.format(
        title=recommendation.title, level=recommendation.level_label, date=f"{recommendation.valid_until:%Y-%m-%d}"
    )
