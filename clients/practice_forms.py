"""The practice settings form: letterhead, signing and cadences, the reminder ladder, risk bands and
sensitivity multipliers."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from clients.form_widgets import StoredCopyInput
from clients.models import (
    Client,
    PracticeProfile,
)
from riskreg.uploads import checked_image

REGULATED_DATA_KINDS = ("health", "payment_card", "personal", "legal_privilege", "financial")
MULTIPLIER_KEYS = (*Client.Industry.values, *REGULATED_DATA_KINDS)
CADENCE_LEVELS = ("critical", "high", "moderate", "low", "very_low")
BAND_FIELDS = ("band_moderate_from", "band_high_from", "band_critical_from")

REGULATED_DATA_LABELS = {
    "health": _("Health information"),
    "payment_card": _("Payment card data"),
    "personal": _("Personal information"),
    "legal_privilege": _("Legally privileged material"),
    "financial": _("Financial records"),
}
MAX_LADDER_DAYS = 365


def _days_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(label=label, max_length=40, help_text=help_text)


def parse_day_list(text: str) -> list[int]:
    """ "30, 7, 1" -> [1, 7, 30]; ValidationError for anything but whole days from 1 to 365."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts or not all(part.isdigit() for part in parts):
        raise forms.ValidationError(_("Enter whole numbers of days separated by commas, such as 30, 7, 1."))
    days = sorted({int(part) for part in parts})
    if days[0] < 1 or days[-1] > MAX_LADDER_DAYS:
        raise forms.ValidationError(_("Each number of days must be from 1 to %(max)s.") % {"max": MAX_LADDER_DAYS})
    return days


class PracticeProfileForm(forms.ModelForm):
    """The practice's settings in fieldsets: letterhead, signing and cadences, the reminder ladder,
    risk bands, and one number per sensitivity multiplier (blank: the built-in default)."""

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    heads_up_days = _days_field(
        _("Heads-up before a refusal expires (days)"),
        _("Days before a signed refusal's valid-until to warn the signatory, separated by commas: 30, 7, 1."),
    )
    request_reminder_days = _days_field(
        _("Reminders while a request is unanswered (days)"),
        _("Days after a request was sent to remind the signatory, separated by commas: 3, 7."),
    )

    class Meta:
        model = PracticeProfile
        fields = [
            "legal_name",
            "mailing_address",
            "email",
            "phone",
            "website",
            "logo",
            "default_language",
            "request_valid_days",
            "cadence_critical_days",
            "cadence_high_days",
            "cadence_moderate_days",
            "cadence_low_days",
            "cadence_very_low_days",
            "lapse_grace_days",
            "heads_up_days",
            "request_reminder_days",
            "retention_years",
            "review_threshold_score",
            "review_basis",
            "review_threshold_uncovered",
            "basis_change_reack",
            "band_moderate_from",
            "band_high_from",
            "band_critical_from",
        ]
        labels = {
            "legal_name": _("Legal name"),
            "mailing_address": _("Mailing address"),
            "email": _("Contact email"),
            "phone": _("Contact phone"),
            "logo": _("Logo (PNG or JPEG)"),
            "request_valid_days": _("Signing links stay valid for (days)"),
            "cadence_critical_days": _("Critical risk (days)"),
            "cadence_high_days": _("High risk (days)"),
            "cadence_moderate_days": _("Moderate risk (days)"),
            "cadence_low_days": _("Low risk (days)"),
            "cadence_very_low_days": _("Very low risk (days)"),
            "lapse_grace_days": _("Grace before an unrenewed refusal lapses (days)"),
            "retention_years": _("Keep signed records for (years)"),
            "review_threshold_score": _("Review a client's relationship from score"),
            "band_moderate_from": _("Moderate from score"),
            "band_high_from": _("High from score"),
            "band_critical_from": _("Critical from score"),
        }
        help_texts = {
            "legal_name": _("Printed on every email and signed record."),
            "mailing_address": _("CASL requires it in every consent request and email."),
            "request_valid_days": _("How long a signatory's personal link works after it is sent."),
            "retention_years": _("Signed records and their evidence are kept at least this long."),
        }
        widgets = {
            "mailing_address": forms.Textarea(attrs={"rows": 3}),
            "logo": StoredCopyInput(attrs={"accept": "image/png,image/jpeg"}),
        }

    def __init__(self, *args, multiplier_defaults: dict[str, float] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        defaults = multiplier_defaults or {}
        overrides = self.instance.multiplier_overrides or {}
        labels = {**dict(Client.Industry.choices), **REGULATED_DATA_LABELS}
        for key in MULTIPLIER_KEYS:
            default = defaults.get(key)
            self.fields[f"multiplier_{key}"] = forms.DecimalField(
                label=str(labels[key]),
                required=False,
                min_value=Decimal("0.1"),
                max_value=Decimal("10"),
                decimal_places=2,
                initial=overrides.get(key),
                help_text=_("Default %(value)s") % {"value": f"{default:g}"} if default is not None else "",
                widget=forms.NumberInput(
                    attrs={"step": "0.05", "placeholder": f"{default:g}" if default is not None else ""}
                ),
            )
        self.fields["default_language"].required = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Letterhead and contact details"),
                "legal_name",
                "mailing_address",
                "email",
                "phone",
                "website",
                "logo",
                "default_language",
            ),
            Fieldset(
                _("How long a signed refusal stays valid"),
                Row(*(Column(f"cadence_{level}_days", css_class="col-6 col-md") for level in CADENCE_LEVELS)),
                Row(
                    Column("request_valid_days", css_class="col-md-6"), Column("lapse_grace_days", css_class="col-md-6")
                ),
            ),
            Fieldset(
                _("Re-acknowledgment reminders"),
                Row(
                    Column("heads_up_days", css_class="col-md-6"), Column("request_reminder_days", css_class="col-md-6")
                ),
            ),
            Fieldset(_("Risk bands"), Row(*(Column(name, css_class="col-6 col-md-4") for name in BAND_FIELDS))),
            Fieldset(
                _("Relationship review"),
                Row(
                    Column("review_basis", css_class="col-md-6"),
                    Column("review_threshold_score", css_class="col-6 col-md-3"),
                    Column("review_threshold_uncovered", css_class="col-6 col-md-3"),
                ),
                Row(Column("basis_change_reack", css_class="col-md-6")),
            ),
            Fieldset(
                _("Sensitivity multipliers by industry"),
                Row(*(Column(f"multiplier_{key}", css_class="col-6 col-md-3") for key in Client.Industry.values)),
            ),
            Fieldset(
                _("Sensitivity multipliers by regulated data"),
                Row(*(Column(f"multiplier_{key}", css_class="col-6 col-md-3") for key in REGULATED_DATA_KINDS)),
            ),
            Fieldset(_("Retention"), Row(Column("retention_years", css_class="col-md-6"))),
        )

    def clean_default_language(self) -> str:
        # Left out of a post (an older form, an API client): the language stays as it was.
        return self.cleaned_data.get("default_language") or self.instance.default_language

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        # A new upload is an UploadedFile; an unchanged logo is the stored file, already checked.
        if isinstance(logo, UploadedFile):
            return checked_image(logo, stem="logo")
        return logo

    def clean_heads_up_days(self) -> str:
        return ",".join(str(day) for day in reversed(parse_day_list(self.cleaned_data["heads_up_days"])))

    def clean_request_reminder_days(self) -> str:
        return ",".join(str(day) for day in parse_day_list(self.cleaned_data["request_reminder_days"]))

    def clean(self) -> dict:
        cleaned = super().clean()
        limits = [cleaned.get(name) for name in BAND_FIELDS]
        if None not in limits and not 0 < limits[0] < limits[1] < limits[2] <= 100:
            self.add_error(
                "band_critical_from",
                _(
                    "Band limits must rise: moderate from above 0, high above moderate, critical above high and "
                    "at most 100."
                ),
            )
        # One number per key, stored as the profile's overrides: a blank keeps the default.
        overrides = {}
        for key in MULTIPLIER_KEYS:
            value = cleaned.pop(f"multiplier_{key}", None)
            if value is not None:
                overrides[key] = float(value)
        cleaned["multiplier_overrides"] = overrides
        return cleaned
