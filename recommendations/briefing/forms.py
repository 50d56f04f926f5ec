from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clients.models import Client, Contact
from recommendations.briefing.services import NOTE_MAX_LENGTH


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Personal note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Printed on the cover under “A note from your vCIO”. Optional."),
    )


class SendForm(forms.Form):
    contacts = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(),
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        label=_("Send to"),
        error_messages={"required": _("Choose at least one contact to send the briefing to.")},
    )

    def __init__(self, *args, client: Client, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = client.contacts.filter(is_active=True, erased_at__isnull=True).order_by(
            "-can_sign", "name"
        )
        self.fields["contacts"].label_from_instance = lambda contact: (
            f"{contact.name} ({contact.title or gettext('contact')}) — {contact.email}"
        )


class ScheduleForm(forms.Form):
    cadence_months = forms.TypedChoiceField(
        label=_("Meet every"), coerce=int, choices=Client._meta.get_field("briefing_cadence_months").choices
    )
    due_on = forms.DateField(
        label=_("Next briefing due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: no schedule. Issuing a briefing sets the next one from the cadence."),
    )
