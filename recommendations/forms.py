from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from recommendations.models import TRANSLATED_TEXTS, Control, Recommendation
from riskreg.accounts.models import User

LIKELIHOOD_CHOICES = [
    (1, _("1 — Rare")),
    (2, _("2 — Unlikely")),
    (3, _("3 — Possible")),
    (4, _("4 — Likely")),
    (5, _("5 — Almost certain")),
]
IMPACT_CHOICES = [
    (1, _("1 — Negligible")),
    (2, _("2 — Minor")),
    (3, _("3 — Moderate")),
    (4, _("4 — Major")),
    (5, _("5 — Severe")),
]


class ControlPickForm(forms.Form):
    control = forms.ModelChoiceField(
        queryset=Control.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Custom recommendation (not from the catalog)"),
        label=_("Start from catalog control"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["control"].queryset = Control.objects.filter(is_active=True).order_by("category", "code")


def money_field(label: str, help_text: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, help_text=help_text, required=False, min_value=0, max_digits=12, decimal_places=2
    )


def to_cents(amount: Decimal | None) -> int | None:
    return None if amount is None else int(amount.scaleb(2))


# The French versions of the client-facing texts (Recommendation.text_in).
FRENCH_FIELDS = tuple(f"{name}_fr" for name in TRANSLATED_TEXTS)
FRENCH_WIDGETS = {f"{name}_fr": forms.Textarea(attrs={"rows": 3}) for name in TRANSLATED_TEXTS if name != "title"}


class RecommendationForm(forms.ModelForm):
    likelihood = forms.TypedChoiceField(label=_("Likelihood (1-5)"), choices=LIKELIHOOD_CHOICES, coerce=int)
    impact = forms.TypedChoiceField(label=_("Impact (1-5)"), choices=IMPACT_CHOICES, coerce=int)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=Recommendation.Priority.choices,
        coerce=int,
        initial=Recommendation.Priority.MEDIUM,
        required=False,
        empty_value=Recommendation.Priority.MEDIUM,
    )
    one_time_cost = money_field(
        _("One-time cost"), _("In the client's currency; shown to the signer. Empty: to be quoted.")
    )
    recurring_monthly_cost = money_field(
        _("Recurring monthly cost"), _("Per month, after it is in place; shown to the signer.")
    )

    class Meta:
        model = Recommendation
        fields = [
            "title",
            "description",
            "why_it_matters",
            "consequences",
            "likelihood",
            "impact",
            "rationale",
            "priority",
            "target_date",
            "owner",
            *FRENCH_FIELDS,
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "why_it_matters": forms.Textarea(attrs={"rows": 3}),
            "consequences": forms.Textarea(attrs={"rows": 3}),
            "rationale": forms.Textarea(attrs={"rows": 2}),
            **FRENCH_WIDGETS,
            "target_date": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {"title": _("Title"), "why_it_matters": _("Why it matters"), "target_date": _("Target date")}
        help_texts = {
            "rationale": _("Why this matters for this client in particular."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("first_name", "last_name")
        self.fields["owner"].label = _("Owner at the MSP")
        if self.instance.pk:
            self.initial.setdefault("one_time_cost", self.instance.estimated_cost)
            self.initial.setdefault("recurring_monthly_cost", self.instance.recurring_monthly_cost)
        self.order_fields([*self.Meta.fields[:7], "one_time_cost", "recurring_monthly_cost"])
        # The French texts in a collapsed section, open when one is written or has an error.
        french_open = any(self[name].value() for name in FRENCH_FIELDS) or any(
            name in self.errors for name in FRENCH_FIELDS
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *(name for name in self.fields if name not in FRENCH_FIELDS),
            HTML(
                f'<details class="mb-3"{" open" if french_open else ""}><summary class="mb-2">'
                + str(_("French texts (for signers who read French)"))
                + "</summary>"
            ),
            *FRENCH_FIELDS,
            HTML("</details>"),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        # The model holds integer cents (exact budget sums); services take model fields.
        cleaned["one_time_cost_cents"] = to_cents(cleaned.pop("one_time_cost", None))
        cleaned["recurring_monthly_cost_cents"] = to_cents(cleaned.pop("recurring_monthly_cost", None))
        return cleaned


def initial_from_control(control: Control | None) -> dict:
    if control is None:
        return {"likelihood": 3, "impact": 3}
    return {
        "title": control.title,
        "description": control.description,
        "why_it_matters": control.why_it_matters,
        "consequences": control.consequences,
        **{name: getattr(control, name) for name in FRENCH_FIELDS},
        "likelihood": control.default_likelihood,
        "impact": control.default_impact,
    }


class ControlForm(forms.ModelForm):
    default_likelihood = forms.TypedChoiceField(label=_("Default likelihood"), choices=LIKELIHOOD_CHOICES, coerce=int)
    default_impact = forms.TypedChoiceField(label=_("Default impact"), choices=IMPACT_CHOICES, coerce=int)

    class Meta:
        model = Control
        fields = [
            "code",
            "title",
            "category",
            "description",
            "why_it_matters",
            "consequences",
            "default_likelihood",
            "default_impact",
            "nist_csf",
            "cis_controls",
            "is_active",
            *FRENCH_FIELDS,
        ]
        labels = {
            "code": _("Code"),
            "title": _("Title"),
            "category": _("Category"),
            "why_it_matters": _("Why it matters"),
            "is_active": pgettext_lazy("control", "Active"),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "why_it_matters": forms.Textarea(attrs={"rows": 3}),
            "consequences": forms.Textarea(attrs={"rows": 3}),
        }
