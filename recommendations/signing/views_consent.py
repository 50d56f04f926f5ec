"""Install-consent requests (CASL): the staff page that sends one, and the signer's answer form.

They travel through the ordinary signing flow (link, one-time code, signature); only what is
asked and answered differs: per program, "Give consent" or "Refuse", a comment optional.
"""

from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from clients.models import PracticeProfile
from clients.selectors import client_for_user
from clients.views import apply_service_errors
from recommendations import signing
from recommendations.forms import DecideAndSignForm
from recommendations.models import Decision
from riskreg.evidence import step_origin


class ConsentDecideForm(DecideAndSignForm):
    """The decide-and-sign form for a software-consent request: same signature, consent and
    intent fields; per program the choice is consent given or refused, and a comment is optional."""

    OUTCOME_CHOICES = [
        (Decision.Outcome.CONSENT_GIVEN.value, "Give consent"),
        (Decision.Outcome.CONSENT_REFUSED.value, "Refuse"),
    ]

    def __init__(self, *args, items, **kwargs) -> None:
        # Skips DecideAndSignForm's per-recommendation fields; the signature fields are declared ones.
        super(DecideAndSignForm, self).__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"outcome_{item.pk}"] = forms.ChoiceField(
                choices=self.OUTCOME_CHOICES,
                widget=forms.RadioSelect,
                label=f"Your answer for “{item.shown['name']}”",
                error_messages={"required": "Choose Give consent or Refuse."},
            )
            self.fields[f"reason_{item.pk}"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=2000,
                label="Comment (optional)",
            )


class ConsentRequestForm(forms.Form):
    signatory = forms.ModelChoiceField(queryset=None, label="Signatory", empty_label=None)
    software = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Programs to ask consent for"
    )
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000, label="Message to the signatory"
    )

    def __init__(self, *args, signatories, software, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signatory"].queryset = signatories
        self.fields["software"].queryset = software
        self.fields["software"].label_from_instance = lambda s: (
            f"{s.name} ({s.publisher}) — {s.get_install_status_display().lower()}, "
            f"consent {s.get_consent_status_display().lower()}"
        )
        self.fields["signatory"].label_from_instance = lambda c: f"{c.name}, {c.title} <{c.email}>"


@require_http_methods(["GET", "POST"])
@login_required
def consent_request_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
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
            messages.success(request, f"Consent request emailed to {decision_request.signatory.name}.")
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
