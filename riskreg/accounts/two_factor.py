"""Who must pass the second login step, and the pieces the 2FA pages share."""

import base64
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import user_has_device

# Set at login when the user already has a confirmed device: from then on the session needs a
# code even where RISKREG_REQUIRE_2FA is off (someone who enrolled keeps their protection).
PENDING_SESSION_KEY = "riskreg_2fa_pending"

# Views an authenticated but unverified user may reach: the way in, the way out, and health.
OPEN_VIEWS = frozenset({"login", "logout", "healthz", "accounts:two_factor_verify", "accounts:two_factor_setup"})


@receiver(user_logged_in, dispatch_uid="riskreg_mark_two_factor_pending")
def mark_pending_on_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    # A receiver rather than code in our login view: every way in (our form, the admin's login
    # form, any later one) must mark the session, or that way would skip the code step.
    if request is not None and hasattr(request, "session"):
        request.session[PENDING_SESSION_KEY] = user_has_device(user)


def is_public_path(path: str) -> bool:
    return path.startswith(tuple(settings.RISKREG_PUBLIC_PATHS))


def verification_required(request: HttpRequest) -> bool:
    """True when this logged-in user must still enter a code (or enrol) before using staff pages."""
    if not (settings.RISKREG_REQUIRE_2FA or request.session.get(PENDING_SESSION_KEY)):
        return False
    return request.user.is_authenticated and not is_verified(request.user)


def is_verified(user) -> bool:
    # OTPMiddleware sets otp_device on the user it loads; the user that login() puts on the request
    # mid-way has none yet, and has not entered a code either.
    return getattr(user, "otp_device", None) is not None


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def url_with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def qr_data_uri(text: str) -> str:
    """An SVG QR code as a data: URI for an <img>, which the CSP (img-src data:) allows."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def grouped_key(secret: bytes) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    text = base64.b32encode(secret).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
