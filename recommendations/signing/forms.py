"""Forms of the signing flow: the staff's send form, and the signer's code and decide-and-sign forms
(a software-consent request answers per program rather than per recommendation)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recommendations.models import Decision
from riskreg.names import validate_plain_name


class SendForDecisionForm(forms.Form):
    signatory = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Signatory"), empty_label=None)
    recommendations = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label=gettext_lazy("Recommendations to decide")
    )
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        label=gettext_lazy("Message to the signatory"),
    )

    def __init__(self, *args, signatories, recommendations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signatory"].queryset = signatories
        self.fields["recommendations"].queryset = recommendations
        self.fields["recommendations"].label_from_instance = lambda r: (
            _("%(title)s (%(level)s risk)")
            % {
                "title": r.title,
                "level": r.level_name,
            }
        )
        self.fields["signatory"].label_from_instance = lambda c: f"{c.name}, {c.title} <{c.email}>"


class SigningCodeForm(forms.Form):
    code = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        label=gettext_lazy("6-digit code from your email"),
        error_messages={"invalid": gettext_lazy("Enter the 6 digits from the email.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 8}),
    )


class DecideAndSignForm(forms.Form):
    """One accept/refuse choice (and a reason for a refusal) per item, then the signature."""

    consent = forms.BooleanField(label=gettext_lazy("I agree to sign electronically (see the disclosure above)."))
    intent = forms.BooleanField(label=gettext_lazy("I confirm the statement above."))
    typed_name = forms.CharField(
        label=gettext_lazy("Your full name"),
        max_length=200,
        validators=[validate_plain_name],
        error_messages={"required": gettext_lazy("Type your full name.")},
    )
    typed_title = forms.CharField(
        label=gettext_lazy("Your title"),
        max_length=200,
        validators=[validate_plain_name],
        error_messages={"required": gettext_lazy("Type your title.")},
    )
    SIGNATURE_METHODS = [
        ("drawn", gettext_lazy("Draw my signature")),
        ("typed", gettext_lazy("Use my typed name as my signature")),
    ]
    signature_method = forms.ChoiceField(
        choices=SIGNATURE_METHODS,
        widget=forms.RadioSelect,
        required=False,
        label=gettext_lazy("How do you want to sign?"),
    )
    signature = forms.CharField(widget=forms.HiddenInput, required=False)
    signer_timezone = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    OUTCOME_CHOICES = [("accept", gettext_lazy("Accept")), ("refuse", gettext_lazy("Refuse"))]

    def __init__(self, *args, items, english_choice: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        self.add_english_choice(english_choice)
        for item in items:
            self.fields[f"outcome_{item.pk}"] = forms.ChoiceField(
                choices=self.OUTCOME_CHOICES,
                widget=forms.RadioSelect,
                label=_("Your decision on “%(title)s”") % {"title": item.shown["title"]},
                error_messages={"required": _("Choose Accept or Refuse.")},
            )
            self.fields[f"reason_{item.pk}"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=2000,
                label=_("Reason for refusing (required if you refuse)"),
            )

    def add_english_choice(self, needed: bool) -> None:
        """The express choice of English, asked only of a Quebec client's signer reading English."""
        if needed:
            self.fields["english_choice"] = forms.BooleanField(
                label=_("I expressly choose to be bound by this document in English."),
                error_messages={
                    "required": _(
                        "This client is in Quebec: tick this box to sign in English, or switch this page to French."
                    )
                },
            )

    def item_fields(self):
        return [(item, self[f"outcome_{item.pk}"], self[f"reason_{item.pk}"]) for item in self.items]

    def clean(self) -> dict:
        cleaned = super().clean()
        known = {f"outcome_{item.pk}" for item in self.items}
        if any(key.startswith("outcome_") and key not in known for key in self.data):
            raise forms.ValidationError(_("This form does not match your request. Reload the page and try again."))
        for item in self.items:
            if cleaned.get(f"outcome_{item.pk}") == "refuse" and not cleaned.get(f"reason_{item.pk}", "").strip():
                self.add_error(f"reason_{item.pk}", _("Say why you refuse this recommendation."))
        return cleaned


class ConsentDecideForm(DecideAndSignForm):
    """The decide-and-sign form for a software-consent request: same signature, consent and
    intent fields; per program the choice is consent given or refused, and a comment is optional."""

    OUTCOME_CHOICES = [
        (Decision.Outcome.CONSENT_GIVEN.value, gettext_lazy("Give consent")),
        (Decision.Outcome.CONSENT_REFUSED.value, gettext_lazy("Refuse")),
    ]

    def __init__(self, *args, items, english_choice: bool = False, **kwargs) -> None:
        # Skips DecideAndSignForm's per-recommendation fields; the signature fields are declared ones.
        super(DecideAndSignForm, self).__init__(*args, **kwargs)
        self.items = items
        self.add_english_choice(english_choice)
        for item in items:
            self.fields[f"outcome_{item.pk}"] = forms.ChoiceField(
                choices=self.OUTCOME_CHOICES,
                widget=forms.RadioSelect,
                label=_("Your answer for “%(name)s”") % {"name": item.shown["name"]},
                error_messages={"required": _("Choose Give consent or Refuse.")},
            )
            self.fields[f"reason_{item.pk}"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=2000,
                label=_("Comment (optional)"),
            )


class ConsentRequestForm(forms.Form):
    signatory = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Signatory"), empty_label=None)
    software = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label=gettext_lazy("Programs to ask consent for")
    )
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        label=gettext_lazy("Message to the signatory"),
    )

    def __init__(self, *args, signatories, software, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signatory"].queryset = signatories
        self.fields["software"].queryset = software
        self.fields["software"].label_from_instance = lambda s: (
            _("%(name)s (%(publisher)s) — %(install)s, consent %(consent)s")
            % {
                "name": s.name,
                "publisher": s.publisher,
                "install": s.get_install_status_display().lower(),
                "consent": s.get_consent_status_display().lower(),
            }
        )
        self.fields["signatory"].label_from_instance = lambda c: f"{c.name}, {c.title} <{c.email}>"
