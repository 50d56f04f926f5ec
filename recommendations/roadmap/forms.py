from datetime import date

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

UNSCHEDULED = ""


class MoveForm(forms.Form):
    """Where to move an item: one of the quarters the roadmap offers, or off the roadmap."""

    quarter = forms.ChoiceField(label=_("Move to"), required=False)

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [*choices, (UNSCHEDULED, _("Not scheduled"))]

    def clean_quarter(self) -> date | None:
        value = self.cleaned_data["quarter"]
        return date.fromisoformat(value) if value else None


class FiscalYearForm(forms.Form):
    start_month = forms.TypedChoiceField(label=_("Fiscal year starts in"), coerce=int, choices=list(MONTHS.items()))
