from django import forms
from django.utils.translation import gettext_lazy as _

from riskreg.webhooks.events import event_choices
from riskreg.webhooks.models import WebhookDelivery


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_("Where RiskReg posts the events: an https:// address of your system."),
        widget=forms.URLInput(attrs={"placeholder": "https://psa.example.com/hooks/riskreg"}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("What receives them, for your colleagues."),
    )
    events = forms.MultipleChoiceField(label=_("Events"), choices=event_choices, widget=forms.CheckboxSelectMultiple)


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("Any state")), *WebhookDelivery.Status.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
