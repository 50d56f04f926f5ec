from decimal import Decimal

from django import forms

from clients.models import Client


class ClientValueForm(forms.Form):
    monthly_recurring_revenue = forms.DecimalField(
        label="Monthly recurring revenue",
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        help_text="What the client pays each month, e.g. 1250.00. Leave empty if not known.",
    )
    contract_ends_on = forms.DateField(
        label="Contract end date", required=False, widget=forms.DateInput(attrs={"type": "date"})
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
    likelihood = forms.TypedChoiceField(label="Likelihood (1-5)", choices=LEVELS, coerce=int)
    impact = forms.TypedChoiceField(label="Impact (1-5)", choices=LEVELS, coerce=int)
