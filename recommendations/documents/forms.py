"""The verification page's forms: a file upload, or a document ID with the file's SHA-256."""

import re

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from riskreg.uploads import PDF_MAX_BYTES, checked_pdf

SHA256_PATTERN = re.compile(r"^[0-9a-fA-F]{64}$")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("PDF file"),
        help_text=format_lazy(
            _("The PDF exactly as you received it, up to {size}."), size=filesizeformat(PDF_MAX_BYTES)
        ),
    )

    def clean_file(self):
        return checked_pdf(self.cleaned_data["file"])


class LookupForm(forms.Form):
    id = forms.CharField(
        label=_("Document ID"),
        max_length=40,
        help_text=_("Printed on the first page and at the foot of every page, e.g. RR-2026-000123."),
    )
    sha256 = forms.CharField(label=_("SHA-256 of the file"), max_length=64, min_length=64)

    def clean_sha256(self) -> str:
        value = self.cleaned_data["sha256"].strip()
        if not SHA256_PATTERN.match(value):
            raise forms.ValidationError(_("A SHA-256 is 64 characters, each 0–9 or a–f."))
        return value.lower()
