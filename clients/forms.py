import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.form_widgets import StoredCopyInput
from clients.models import (
    AGREEMENT_TERMS,
    Client,
    Contact,
    RelationshipDecision,
    ServiceAgreement,
    Software,
)

# Other apps import the practice settings form from here, with the rest of the app's forms.
from clients.practice_forms import PracticeProfileForm as PracticeProfileForm
from clients.selectors import NOT_ASSESSED
from clients.software import WITHDRAWAL_CHANNELS
from riskreg.accounts.models import User
from riskreg.names import validate_plain_name
from riskreg.uploads import checked_pdf

# Keys a practice may override in PracticeProfile.multiplier_overrides: every industry and every
# kind of regulated data a client can hold (Client.regulated_data).


# How the withdrawal reached the practice, as the form offers it (the audit trail keeps the English).
WITHDRAWAL_CHANNEL_LABELS = {
    "email": _("Email"),
    "phone": _("Telephone"),
    "letter": _("Letter"),
    "in_person": _("In person"),
    "other": _("Other"),
}


class ClientFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Client or contact name")}),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Client.Status.choices], required=False
    )
    industry = forms.ChoiceField(
        label=_("Industry"), choices=[("", _("Any industry")), *Client.Industry.choices], required=False
    )
    band = forms.ChoiceField(
        label=_("Risk band"),
        choices=[("", _("Any band")), *Client.Band.choices, (NOT_ASSESSED, _("Not assessed"))],
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-12 col-lg-4"),
                Column("status", css_class="col-6 col-md-4 col-lg-2"),
                Column("industry", css_class="col-6 col-md-4 col-lg-3"),
                Column("band", css_class="col-12 col-md-4 col-lg-3"),
                css_class="g-2",
            )
        )


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = [
            "name",
            "industry",
            "service_tier",
            "status",
            "vcio",
            "province",
            "holds_health_data",
            "holds_payment_card_data",
            "holds_personal_data",
            "holds_legal_privilege",
            "holds_financial_data",
            "relationship_ended_on",
            "notes",
        ]
        labels = {
            "name": _("Name"),
            "industry": _("Industry"),
            "service_tier": _("Service tier"),
            "status": _("Status"),
            "relationship_ended_on": _("Relationship ended on"),
            "notes": _("Notes"),
        }
        widgets = {
            "relationship_ended_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vcio"].queryset = User.objects.filter(is_active=True).order_by("first_name", "last_name")
        self.fields["vcio"].required = True


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "email", "phone", "preferred_language", "can_sign", "is_active"]
        labels = {"name": _("Name"), "email": _("Email"), "phone": _("Phone"), "is_active": _("Active")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A signatory must type this name to sign, and it is printed on signed records.
        for name in ("name", "title"):
            self.fields[name].validators.append(validate_plain_name)


class AgreementForm(forms.ModelForm):
    class Meta:
        model = ServiceAgreement
        # Every term an agreement version records.
        fields = list(AGREEMENT_TERMS)
        labels = {
            "reference": _("Reference"),
            "effective_date": _("Effective date"),
            "renewal_date": _("Renewal date"),
            "responsibilities": _("Client responsibilities"),
            "exclusions": _("Exclusions"),
            "refusal_cadence_days": _("Refusal cadence (days)"),
        }
        widgets = {
            "effective_date": forms.DateInput(attrs={"type": "date"}),
            "renewal_date": forms.DateInput(attrs={"type": "date"}),
            "scope": forms.Textarea(attrs={"rows": 4}),
            "responsibilities": forms.Textarea(attrs={"rows": 4}),
            "exclusions": forms.Textarea(attrs={"rows": 4}),
            "signed_file": StoredCopyInput(attrs={"accept": "application/pdf,.pdf"}),
        }
        help_texts = {
            "signed_file": _(
                "PDF, at most 10 MB. With a consent clause, it stands as install consent for the software it names."
            ),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.signed_file:
            self.fields["signed_file"].widget.download_url = reverse(
                "clients:agreement_signed_copy", args=[self.instance.public_id]
            )

    def clean_signed_file(self):
        signed_file = self.cleaned_data.get("signed_file")
        # A new upload is an UploadedFile; the stored file was checked when it came in.
        if isinstance(signed_file, UploadedFile):
            return checked_pdf(signed_file, stem="agreement")
        return signed_file


class SoftwareForm(forms.ModelForm):
    """The register entry. Install and consent states change through their own buttons, except
    that a new entry may be recorded as already installed."""

    class Meta:
        model = Software
        fields = [
            "name",
            "publisher",
            "function_and_purpose",
            "collects_personal_information",
            "changes_settings_or_data",
            "communicates_with_other_systems",
            "allows_remote_access",
            "install_status",
            "consent_by_agreement",
        ]
        widgets = {"function_and_purpose": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "name": _("Name"),
            "publisher": _("Publisher"),
            "install_status": _("Install status"),
            "function_and_purpose": _("Function and purpose"),
            "collects_personal_information": _("Collects personal information"),
            "changes_settings_or_data": _("Changes settings or data"),
            "communicates_with_other_systems": _("Communicates with other systems"),
            "allows_remote_access": _("Allows remote access"),
            "consent_by_agreement": _("Consent given by agreement"),
        }
        help_texts = {
            "function_and_purpose": _("In plain words for the client: what it does and why the MSP needs it."),
            "consent_by_agreement": _(
                "Only agreements that carry a software-install consent clause and have their "
                "signed copy uploaded are listed."
            ),
        }

    def __init__(self, *args, agreements, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent_by_agreement"].queryset = agreements
        self.fields["consent_by_agreement"].empty_label = _("None: ask for consent by signature")
        if self.instance.pk:
            del self.fields["install_status"]
        else:
            self.fields["install_status"].choices = [
                choice for choice in Software.InstallStatus.choices if choice[0] != Software.InstallStatus.REMOVED
            ]


class ConsentWithdrawalForm(forms.Form):
    received_by = forms.ChoiceField(
        label=_("How the client told you"),
        choices=[(key, WITHDRAWAL_CHANNEL_LABELS[key]) for key in WITHDRAWAL_CHANNELS],
        widget=forms.RadioSelect,
    )


class RelationshipDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=RelationshipDecision.Outcome.choices, widget=forms.RadioSelect
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when continuing with conditions: what the client must do, and by when."),
    )
    next_review_on = forms.DateField(
        label=_("Next review"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("A date after today.")
    )

    def clean_next_review_on(self) -> datetime.date:
        next_review_on = self.cleaned_data["next_review_on"]
        if next_review_on <= timezone.localdate():
            raise forms.ValidationError(_("Set the next review to a date after today."))
        return next_review_on

    def clean(self) -> dict:
        cleaned = super().clean()
        stated = cleaned.get("conditions", "").strip()
        if cleaned.get("outcome") == RelationshipDecision.Outcome.CONDITIONS and not stated:
            self.add_error("conditions", _("State the conditions the client must meet."))
        return cleaned
