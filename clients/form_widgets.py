"""Form widgets shared by the clients app's forms."""

from dataclasses import dataclass

from django import forms


@dataclass(frozen=True)
class _StoredCopy:
    name: str
    url: str

    def __str__(self) -> str:
        return self.name


class StoredCopyInput(forms.ClearableFileInput):
    """Links a stored file to its permission-checked download view, or names it without a link:
    nothing under MEDIA_URL is served (templates/bootstrap5/layout/field_file.html reads this)."""

    download_url = ""

    def format_value(self, value):
        value = super().format_value(value)
        if value:
            return _StoredCopy(name=str(value).rsplit("/", 1)[-1], url=self.download_url)
        return value
