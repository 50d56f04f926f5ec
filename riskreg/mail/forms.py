from django import forms
from django.utils.translation import gettext_lazy as _

from riskreg.mail.models import OutboundEmail


class OutboxFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Recipient"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search", "placeholder": "name@example.com"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *OutboundEmail.Status.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    scope = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)
