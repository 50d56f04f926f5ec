from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clients.imports.layouts import LAYOUTS
from clients.imports.reading import MAX_BYTES
from clients.models import ExternalSource, ImportBatch
from riskreg.accounts.models import User

SOURCES = [(source, label) for source, label in ExternalSource.choices if any(key[0] == source for key in LAYOUTS)]


class ImportUploadForm(forms.Form):
    source = forms.ChoiceField(label=_("Exported from"), choices=SOURCES)
    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportBatch.Kind.choices, widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("CSV file"), help_text=format_lazy(_("At most {megabytes} MB."), megabytes=MAX_BYTES // (1024 * 1024))
    )
    default_vcio = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("vCIO for new clients"),
        help_text=_("New clients whose row names no RiskReg user get this vCIO."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"
        self.fields["default_vcio"].queryset = User.objects.filter(is_active=True).order_by("username")
        self.fields["default_vcio"].label_from_instance = lambda user: f"{user} ({user.username})"

    def clean(self) -> dict:
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None and upload.size > MAX_BYTES:
            self.add_error(
                "file",
                gettext("The file is larger than {megabytes} MB; split it into parts.").format(
                    megabytes=MAX_BYTES // (1024 * 1024)
                ),
            )
        if cleaned.get("kind") == ImportBatch.Kind.CLIENTS and not cleaned.get("default_vcio"):
            self.add_error("default_vcio", gettext("Choose the vCIO new clients get."))
        return cleaned
