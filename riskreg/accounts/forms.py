from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core import validators
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, match_token
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from riskreg.accounts.models import User

CODE_WIDGET = forms.TextInput(
    attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false", "autofocus": True}
)


THROTTLED = _("Too many wrong codes in a row: wait a few seconds, then enter the code the app shows now.")


def normalised(code: str) -> str:
    return "".join(code.split()).lower()


def throttled(device: Device) -> bool:
    # After each wrong code a device refuses every code for 1, 2, 4, ... seconds.
    return not device.verify_is_allowed()[0]


class StaffLoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That username and password do not match. After 5 failed attempts, logging in is blocked for 15 minutes."
        ),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # AuthenticationForm sets the field's max_length after it was built, so no validator checks
        # it: an overlong name reached authenticate() and django-axes' 255-character column (a 500).
        username = self.fields["username"]
        username.validators.append(validators.MaxLengthValidator(username.max_length))


class VerifyCodeForm(forms.Form):
    """The second step of a login: a code from the authenticator app, or one unused backup code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=CODE_WIDGET,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.device: Device | None = None

    def clean_code(self) -> str:
        code = normalised(self.cleaned_data["code"])
        # match_token tries every confirmed device of the user under a row lock; each device
        # throttles its own failures (the wait doubles with every wrong code).
        waiting = any(throttled(device) for device in devices_for_user(self.user))
        self.device = match_token(self.user, code)
        if self.device is None:
            if waiting:
                raise forms.ValidationError(THROTTLED)
            raise forms.ValidationError(
                _("That code is not valid. Codes change every 30 seconds; try the current one.")
            )
        return code


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        widget=CODE_WIDGET,
        help_text=_("Enter the 6-digit code the app shows for RiskReg to confirm the setup."),
    )

    def __init__(self, *args, device: TOTPDevice, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = normalised(self.cleaned_data["code"])
        if throttled(self.device):
            raise forms.ValidationError(THROTTLED)
        if not self.device.verify_token(code):
            raise forms.ValidationError(
                _("That code does not match. Check the app shows RiskReg and try the current code.")
            )
        return code


class LanguageForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["language"]
        labels = {"language": _("Language of the staff pages")}
        widgets = {"language": forms.Select(attrs={"class": "form-select"})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("As my browser asks")), *settings.LANGUAGES]
