"""The dashboard's filters: the form behind them and the URL state parsed from it."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clients.models import Client
from recommendations.dashboard import selectors as dashboard
from riskreg.accounts.models import User

FILTER_FIELDS = ("vcio", "industry", "band", "tier")
SORT_CAPTIONS = {
    "score": _("risk score, highest first"),
    "coverage": _("liability coverage, lowest first"),
    "name": _("name"),
    "next_due": _("next refusal due date, soonest first"),
    "priority": _("review priority: uncovered exposure, then score, then monthly recurring revenue"),
    "uncovered": _("uncovered exposure, highest first"),
}


class DashboardFilterForm(forms.Form):
    vcio = forms.ModelChoiceField(
        label=_("vCIO"),
        queryset=User.objects.none(),
        to_field_name="username",
        required=False,
        empty_label=_("Any vCIO"),
    )
    industry = forms.ChoiceField(
        label=_("Industry"), choices=[("", _("Any industry")), *Client.Industry.choices], required=False
    )
    band = forms.ChoiceField(label=_("Risk band"), choices=[("", _("Any band")), *Client.Band.choices], required=False)
    tier = forms.ChoiceField(
        label=_("Service tier"), choices=[("", _("Any tier")), *Client.ServiceTier.choices], required=False
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=list(dashboard.SORT_LABELS.items()), required=False)

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
        if user.sees_all_clients:
            # Each user looks up one client of theirs: a join would read every client of the practice.
            has_clients = Exists(Client.objects.filter(vcio=OuterRef("pk")))
            self.fields["vcio"].queryset = User.objects.filter(has_clients).order_by(
                "first_name", "last_name", "username"
            )
        else:
            del self.fields["vcio"]


@dataclass(frozen=True)
class DashboardQuery:
    """The dashboard's URL state, parsed once: filters for the selectors, strings for links."""

    form: DashboardFilterForm
    filters: dashboard.PortfolioFilters
    params: dict[str, str]
    sort: str

    def url(self, name: str, *args: Any, **overrides: Any) -> str:
        params = {**self.params, **overrides}
        query = urlencode({key: value for key, value in params.items() if value not in ("", None)})
        return reverse(name, args=args) + (f"?{query}" if query else "")

    @property
    def active(self) -> list[tuple[str, str]]:
        """(label, shown value) of each filter in use, for the summary on the list pages."""
        return [
            (self.form.fields[name].label or name.title(), self._display(name))
            for name in FILTER_FIELDS
            if self.params.get(name)
        ]

    def _display(self, name: str) -> str:
        value = self.form.cleaned_data.get(name)
        if name == "vcio":
            return str(value)
        return dict(self.form.fields[name].choices).get(value, value)


def dashboard_query(request: HttpRequest) -> DashboardQuery:
    form = DashboardFilterForm(request.GET, user=request.user)
    form.is_valid()
    data = form.cleaned_data
    filters = dashboard.PortfolioFilters(
        vcio=data.get("vcio"),
        industry=data.get("industry", ""),
        band=data.get("band", ""),
        service_tier=data.get("tier", ""),
    )
    params = {
        "vcio": data["vcio"].username if data.get("vcio") else "",
        "industry": filters.industry,
        "band": filters.band,
        "tier": filters.service_tier,
    }
    return DashboardQuery(form=form, filters=filters, params=params, sort=data.get("sort") or "score")
