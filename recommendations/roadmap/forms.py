from datetime import date

from django import forms

UNSCHEDULED = ""


class MoveForm(forms.Form):
    """Where to move an item: one of the quarters the roadmap offers, or off the roadmap."""

    quarter = forms.ChoiceField(label="Move to", required=False)

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [*choices, (UNSCHEDULED, "Not scheduled")]

    def clean_quarter(self) -> date | None:
        value = self.cleaned_data["quarter"]
        return date.fromisoformat(value) if value else None


class FiscalYearForm(forms.Form):
    start_month = forms.TypedChoiceField(
        label="Fiscal year starts in", coerce=int, choices=[(m, date(2000, m, 1).strftime("%B")) for m in range(1, 13)]
    )
