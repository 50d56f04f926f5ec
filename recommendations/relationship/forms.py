from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.models import Client


class ClientValueForm(forms.Form):
    monthly_recurring_revenue = forms.DecimalField(
        label=_("Monthly recurring revenue"),
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        help_text=_("What the client pays each month, e.g. 1250.00. Leave empty if not known."),
    )
    contract_ends_on = forms.DateField(
        label=_("Contract end date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    @classmethod
    def for_client(cls, client: Client, data: object = None) -> "ClientValueForm":
        cents = client.monthly_recurring_revenue_cents
        initial = {
            "monthly_recurring_revenue": None if cents is None else Decimal(cents) / 100,
            "contract_ends_on": client.contract_ends_on,
        }
        return cls(data, initial=initial)

    def service_arguments(self) -> dict:
        revenue = self.cleaned_data["monthly_recurring_revenue"]
        return {
            "monthly_recurring_revenue_cents": None if revenue is None else int(revenue * 100),
            "contract_ends_on": self.cleaned_data["contract_ends_on"],
        }


LEVELS = [(n, str(n)) for n in range(1, 6)]


class RefusalReassessForm(forms.Form):
    likelihood = forms.TypedChoiceField(label=_("Likelihood (1-5)"), choices=LEVELS, coerce=int)
    impact = forms.TypedChoiceField(label=_("Impact (1-5)"), choices=LEVELS, coerce=int)


class ConditionForm(forms.Form):
    what = forms.CharField(
        label=_("Condition"),
        max_length=300,
        help_text=_("What the client must do, in a sentence the client would recognise."),
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, help_text=_("Who follows it up."))
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    recommendations = forms.ModelMultipleChoiceField(
        label=_("Linked recommendations"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("When all of them are implemented, the condition closes itself."),
    )

    def __init__(self, *args: object, client: Client, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        from recommendations.models import Recommendation
        from riskreg.accounts.models import User

        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("first_name", "last_name")
        self.fields["recommendations"].queryset = (
            Recommendation.objects.filter(client=client)
            .exclude(status__in=[Recommendation.Status.IMPLEMENTED, Recommendation.Status.WITHDRAWN])
            .order_by("-inherent_risk", "title")
        )
        if not self.fields["recommendations"].queryset.exists():
            # Nothing open to link: an empty list of boxes would only confuse (and hide its errors).
            del self.fields["recommendations"]


class OffboardingLetterForm(forms.Form):
    addressee = forms.ModelChoiceField(
        label=_("Addressed to"),
        queryset=None,
        empty_label=None,
        help_text=_("The letter is dated today and emailed to this contact once you have reviewed it."),
    )
    effective_on = forms.DateField(
        label=_("Service ends on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The notice period is the time from today to this date."),
    )

    def __init__(self, *args: object, client: Client, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Signatories first: the letter goes to the person who signed (or would sign) for the client.
        self.fields["addressee"].queryset = (
            client.contacts.filter(is_active=True, erased_at__isnull=True)
            .exclude(email="")
            .order_by("-can_sign", "name")
        )
        self.fields["addressee"].label_from_instance = lambda contact: (
            f"{contact.name}{', ' + contact.title if contact.title else ''} <{contact.email}>"
            + (" (signatory)" if contact.can_sign else "")
        )
