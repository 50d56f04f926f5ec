from django import forms

from clients.models import Client, Contact, PracticeProfile, ServiceAgreement
from riskreg.accounts.models import User


class ClientFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(choices=[("", "Any status"), *Client.Status.choices], required=False)
    industry = forms.ChoiceField(choices=[("", "Any industry"), *Client.Industry.choices], required=False)
    band = forms.ChoiceField(label="Risk band", choices=[("", "Any band"), *Client.Band.choices], required=False)


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = [
            "name",
            "industry",
            "service_tier",
            "status",
            "vcio",
            "holds_health_data",
            "holds_payment_card_data",
            "holds_personal_data",
            "holds_legal_privilege",
            "holds_financial_data",
            "relationship_ended_on",
            "notes",
        ]
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
        fields = ["name", "title", "email", "phone", "can_sign", "is_active"]


class AgreementForm(forms.ModelForm):
    class Meta:
        model = ServiceAgreement
        fields = [
            "reference",
            "effective_date",
            "renewal_date",
            "scope",
            "responsibilities",
            "exclusions",
            "has_software_consent_clause",
            "refusal_cadence_days",
        ]
        widgets = {
            "effective_date": forms.DateInput(attrs={"type": "date"}),
            "renewal_date": forms.DateInput(attrs={"type": "date"}),
            "scope": forms.Textarea(attrs={"rows": 4}),
            "responsibilities": forms.Textarea(attrs={"rows": 4}),
            "exclusions": forms.Textarea(attrs={"rows": 4}),
        }


class PracticeProfileForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = PracticeProfile
        fields = [
            "legal_name",
            "mailing_address",
            "email",
            "phone",
            "website",
            "logo",
            "request_valid_days",
            "cadence_critical_days",
            "cadence_high_days",
            "cadence_moderate_days",
            "cadence_low_days",
            "cadence_very_low_days",
            "lapse_grace_days",
            "retention_years",
            "review_threshold_score",
        ]
        widgets = {"mailing_address": forms.Textarea(attrs={"rows": 3})}
