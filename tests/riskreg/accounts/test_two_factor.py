"""Staff two-factor authentication: enrolment, the code step at login, backup codes, admin reset."""

import datetime
import re
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client as Browser
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from riskreg.accounts import services
from riskreg.accounts.models import User
from riskreg.audit.models import AuditEvent
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def enrolled(user: User) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=False)
    codes = services.two_factor_enable(user=user, device=device)
    return device, codes


def log_in(client: Browser, username: str, next_url: str = ""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def path_of(response) -> str:
    return urlparse(response["Location"]).path


@pytest.fixture
def require_2fa(settings):
    settings.RISKREG_REQUIRE_2FA = True


@pytest.fixture
def vera(db) -> User:
    return UserFactory(username="vera", role=User.Role.VCIO)


@pytest.mark.django_db
def test_a_password_alone_leads_to_the_code_step_and_staff_pages_stay_closed(client, vera, require_2fa):
    enrolled(vera)
    response = log_in(client, "vera", next_url="/catalog/")
    assert path_of(response) == reverse("accounts:two_factor_verify")
    assert parse_qs(urlparse(response["Location"]).query)["next"] == ["/catalog/"]

    for url in [reverse("clients:list"), reverse("register:catalog"), reverse("accounts:account"), "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert path_of(response) == reverse("accounts:two_factor_verify"), url


@pytest.mark.django_db
def test_a_post_to_a_staff_page_before_the_code_changes_nothing(client, vera, require_2fa):
    enrolled(vera)
    log_in(client, "vera")
    events = AuditEvent.objects.count()
    response = client.post(reverse("clients:create"), {"name": "Sneaky Ltd", "industry": "other", "vcio": vera.pk})
    assert path_of(response) == reverse("accounts:two_factor_verify")
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_valid_authenticator_code_lets_the_user_in_and_returns_to_next(client, vera, require_2fa):
    device, _ = enrolled(vera)
    log_in(client, "vera")
    verify = reverse("accounts:two_factor_verify")
    response = client.post(verify, {"code": current_code(device), "next": "/catalog/"})
    assert response.status_code == 302
    assert response["Location"] == "/catalog/"
    assert client.get(reverse("register:catalog")).status_code == 200
    # Past the code step, the admin applies its own rule: a vCIO is not Django staff.
    assert path_of(client.get("/admin/")) == "/admin/login/"


@pytest.mark.django_db
def test_a_wrong_code_is_refused_with_a_message(client, vera, require_2fa):
    enrolled(vera)
    log_in(client, "vera")
    response = client.post(reverse("accounts:two_factor_verify"), {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not valid" in response.content.decode()
    assert path_of(client.get(reverse("clients:list"))) == reverse("accounts:two_factor_verify")


@pytest.mark.django_db
def test_an_authenticator_code_cannot_be_replayed_in_another_session(vera, require_2fa):
    device, _ = enrolled(vera)
    first, second = Browser(), Browser()
    log_in(first, "vera")
    log_in(second, "vera")
    code = current_code(device)
    assert first.post(reverse("accounts:two_factor_verify"), {"code": code}).status_code == 302
    response = second.post(reverse("accounts:two_factor_verify"), {"code": code})
    assert response.status_code == 200
    assert "not valid" in response.content.decode()


@pytest.mark.django_db
def test_the_code_step_gets_a_new_session_id(client, vera, require_2fa):
    device, _ = enrolled(vera)
    log_in(client, "vera")
    before = client.cookies["sessionid"].value
    client.post(reverse("accounts:two_factor_verify"), {"code": current_code(device)})
    assert client.cookies["sessionid"].value != before
    assert not Session.objects.filter(session_key=before).exists()


@pytest.mark.django_db
def test_a_backup_code_works_once(vera, require_2fa):
    _, codes = enrolled(vera)
    first = Browser()
    log_in(first, "vera")
    response = first.post(reverse("accounts:two_factor_verify"), {"code": codes[0].upper()}, follow=True)
    assert response.redirect_chain[0][1] == 302
    assert "You used a backup code; 9 left" in response.content.decode()

    again = Browser()
    log_in(again, "vera")
    response = again.post(reverse("accounts:two_factor_verify"), {"code": codes[0]})
    assert response.status_code == 200
    assert StaticToken.objects.filter(device__user=vera).count() == 9


@pytest.mark.django_db
def test_a_user_without_a_device_is_sent_to_enrolment_when_2fa_is_required(client, vera, require_2fa):
    response = log_in(client, "vera")
    assert path_of(client.get(response["Location"])) == reverse("accounts:two_factor_setup")
    assert path_of(client.get(reverse("clients:list"), follow=False)) == reverse("accounts:two_factor_verify")
    assert path_of(client.get(reverse("accounts:two_factor_verify"))) == reverse("accounts:two_factor_setup")


@pytest.mark.django_db
def test_enrolment_shows_a_qr_code_and_the_key_and_a_valid_code_turns_2fa_on(client, vera, require_2fa):
    log_in(client, "vera")
    page = client.get(reverse("accounts:two_factor_setup"))
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'<img class="qr-code[^"]*" src="data:image/svg\+xml;base64,', html)
    device = TOTPDevice.objects.get(user=vera, confirmed=False)
    manual_key = re.search(r'id="manual-key">([A-Z2-7 ]+)<', html).group(1)
    assert manual_key.replace(" ", "") in device.config_url
    assert page["Cache-Control"].startswith("max-age=0")

    response = client.post(reverse("accounts:two_factor_setup"), {"code": current_code(device)})
    html = response.content.decode()
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", html)
    assert len(codes) == 10
    assert sorted(codes) == sorted(StaticToken.objects.filter(device__user=vera).values_list("token", flat=True))
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("clients:list")).status_code == 200
    event = AuditEvent.objects.get(event_type="user.two_factor_enabled")
    assert event.object_id == str(vera.pk)
    assert "vera" not in str(event.payload)


@pytest.mark.django_db
def test_a_wrong_enrolment_code_leaves_2fa_off(client, vera, require_2fa):
    log_in(client, "vera")
    client.get(reverse("accounts:two_factor_setup"))
    response = client.post(reverse("accounts:two_factor_setup"), {"code": "123456"})
    assert "does not match" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=vera, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=vera).exists()


@pytest.mark.django_db
def test_someone_with_only_the_password_cannot_enrol_their_own_phone(client, vera, require_2fa):
    device, _ = enrolled(vera)
    log_in(client, "vera")
    response = client.get(reverse("accounts:two_factor_setup"))
    assert path_of(response) == reverse("accounts:two_factor_verify")
    response = client.post(reverse("accounts:two_factor_setup"), {"code": "123456"})
    assert path_of(response) == reverse("accounts:two_factor_verify")
    assert list(TOTPDevice.objects.filter(user=vera)) == [device]


@pytest.mark.django_db
def test_moving_to_a_new_phone_replaces_the_old_authenticator_and_backup_codes(client, vera, require_2fa):
    old, old_codes = enrolled(vera)
    log_in(client, "vera")
    client.post(reverse("accounts:two_factor_verify"), {"code": current_code(old)})
    client.get(reverse("accounts:two_factor_setup"))
    new = TOTPDevice.objects.get(user=vera, confirmed=False)
    response = client.post(reverse("accounts:two_factor_setup"), {"code": current_code(new)})
    assert response.status_code == 200
    assert list(TOTPDevice.objects.filter(user=vera)) == [new]
    assert not StaticToken.objects.filter(token__in=old_codes).exists()


@pytest.mark.django_db
def test_the_next_parameter_cannot_send_the_user_to_another_site(client, vera, require_2fa):
    device, _ = enrolled(vera)
    log_in(client, "vera")
    response = client.post(
        reverse("accounts:two_factor_verify"), {"code": current_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_an_htmx_request_before_the_code_is_told_to_redirect_the_whole_page(client, vera, require_2fa):
    enrolled(vera)
    log_in(client, "vera")
    response = client.get(reverse("clients:list"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert urlparse(response["HX-Redirect"]).path == reverse("accounts:two_factor_verify")


@pytest.mark.django_db
def test_public_pages_stay_reachable_for_a_user_who_has_not_entered_the_code(client, vera, require_2fa):
    enrolled(vera)
    log_in(client, "vera")
    assert client.get(reverse("healthz")).status_code in {200, 503}
    # A signer link: whatever the signer pages answer, it is not the staff code step.
    response = client.get("/sign/not-a-real-token/")
    assert "Location" not in response or path_of(response) != reverse("accounts:two_factor_verify")


@pytest.mark.django_db
def test_with_2fa_off_a_user_without_a_device_goes_straight_in(client, vera):
    login_page = client.get(reverse("login")).content.decode()
    assert "Two-factor authentication is switched off" in login_page
    assert "RISKREG_REQUIRE_2FA=false" in login_page
    response = log_in(client, "vera")
    assert response["Location"] == reverse("home")
    assert client.get(reverse("clients:list")).status_code == 200


@pytest.mark.django_db
def test_with_2fa_on_the_login_page_announces_the_code_step(client, require_2fa):
    login_page = client.get(reverse("login")).content.decode()
    assert "switched off" not in login_page
    assert "asked for a code from your authenticator app" in login_page


@pytest.mark.django_db
def test_with_2fa_off_a_user_who_enrolled_is_still_asked_for_the_code(client, vera):
    device, _ = enrolled(vera)
    response = log_in(client, "vera")
    assert path_of(response) == reverse("accounts:two_factor_verify")
    assert path_of(client.get(reverse("clients:list"))) == reverse("accounts:two_factor_verify")
    client.post(reverse("accounts:two_factor_verify"), {"code": current_code(device)})
    assert client.get(reverse("clients:list")).status_code == 200


@pytest.mark.django_db
def test_the_admin_login_form_cannot_skip_the_code_step(client, require_2fa):
    admin_user = UserFactory(username="root", role=User.Role.ADMIN, is_staff=True, is_superuser=True)
    enrolled(admin_user)
    client.post("/admin/login/", {"username": "root", "password": PASSWORD, "next": "/admin/"})
    response = client.get("/admin/")
    assert path_of(response) == reverse("accounts:two_factor_verify")


@pytest.mark.django_db
def test_an_admin_resets_a_users_2fa_which_ends_their_sessions_and_is_audited(client, vera, settings):
    device, _ = enrolled(vera)
    vera_browser = Browser()
    log_in(vera_browser, "vera")
    vera_browser.post(reverse("accounts:two_factor_verify"), {"code": current_code(device)})
    assert vera_browser.get(reverse("clients:list")).status_code == 200

    client.force_login(UserFactory(username="root", role=User.Role.ADMIN, is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [vera.pk]},
        follow=True,
    )
    assert "Two-factor authentication reset for 1 user;" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=vera).exists()
    assert not StaticDevice.objects.filter(user=vera).exists()
    event = AuditEvent.objects.get(event_type="user.two_factor_reset")
    assert event.object_id == str(vera.pk)
    assert event.payload == {"sessions_ended": 1}
    assert path_of(vera_browser.get(reverse("clients:list"))) == reverse("login")

    settings.RISKREG_REQUIRE_2FA = True
    log_in(vera_browser, "vera")
    assert path_of(vera_browser.get(reverse("accounts:two_factor_verify"))) == reverse("accounts:two_factor_setup")


@pytest.mark.django_db
def test_the_user_list_in_the_admin_shows_who_has_2fa(admin_client, vera):
    enrolled(vera)
    UserFactory(username="nophone")
    response = admin_client.get(reverse("admin:accounts_user_changelist"))
    rows = {user.username: user.has_two_factor for user in response.context["cl"].result_list}
    assert rows["vera"] is True
    assert rows["nophone"] is False


@pytest.mark.django_db
def test_new_backup_codes_replace_the_old_ones(client, vera, require_2fa):
    device, old_codes = enrolled(vera)
    log_in(client, "vera")
    client.post(reverse("accounts:two_factor_verify"), {"code": current_code(device)})
    response = client.post(reverse("accounts:backup_codes_regenerate"))
    new_codes = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())
    assert len(new_codes) == 10
    assert set(StaticToken.objects.filter(device__user=vera).values_list("token", flat=True)) == set(new_codes)
    assert not set(old_codes) & set(new_codes)
    assert AuditEvent.objects.filter(event_type="user.backup_codes_regenerated").count() == 1


@pytest.mark.django_db
def test_backup_codes_cannot_be_created_by_an_unverified_session(client, vera):
    client.force_login(vera)
    response = client.post(reverse("accounts:backup_codes_regenerate"))
    assert path_of(response) == reverse("accounts:account")
    assert not StaticDevice.objects.filter(user=vera).exists()


@pytest.mark.django_db
def test_right_after_a_wrong_code_even_the_right_one_waits_and_says_so(client, vera, require_2fa):
    device, _ = enrolled(vera)
    log_in(client, "vera")
    client.post(reverse("accounts:two_factor_verify"), {"code": "000000"})
    response = client.post(reverse("accounts:two_factor_verify"), {"code": current_code(device)})
    assert "Too many wrong codes in a row" in response.content.decode()
    assert path_of(client.get(reverse("clients:list"))) == reverse("accounts:two_factor_verify")

    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=31)):
        response = client.post(reverse("accounts:two_factor_verify"), {"code": current_code(device)})
        assert response.status_code == 302
        assert client.get(reverse("clients:list")).status_code == 200


@pytest.mark.django_db
def test_the_admin_cannot_read_a_users_authenticator_key_or_backup_codes(admin_client, vera):
    device, codes = enrolled(vera)
    totp_page = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert device.key not in totp_page
    assert admin_client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk])).status_code == 403
    static = StaticDevice.objects.get(user=vera)
    static_page = admin_client.get(reverse("admin:otp_static_staticdevice_change", args=[static.pk])).content.decode()
    assert not any(code in static_page for code in codes)
