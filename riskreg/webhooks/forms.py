from django import forms

from riskreg.webhooks.events import event_choices
from riskreg.webhooks.models import WebhookDelivery


class EndpointForm(forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=500,
        help_text="Where RiskReg posts the events: an https:// address of your system.",
        widget=forms.URLInput(attrs={"placeholder": "https://psa.example.com/hooks/riskreg"}),
    )
    description = forms.CharField(max_length=200, required=False, help_text="What receives them, for your colleagues.")
    events = forms.MultipleChoiceField(choices=event_choices, widget=forms.CheckboxSelectMultiple)


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Any state"), *WebhookDelivery.Status.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
