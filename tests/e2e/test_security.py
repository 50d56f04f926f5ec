"""Security in the browser: the 2FA login, enrolment with a QR code, the lockout page, the admin
under the strict CSP. The `page` fixture fails any test whose pages report a CSP violation."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from riskreg.accounts import services
from riskreg.accounts.models import User
from tests.factories import ClientFactory, UserFactory


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def log_in(page, username: str, password: str = "correct-horse-battery") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def require_2fa(settings):
    settings.RISKREG_REQUIRE_2FA = True


@pytest.mark.django_db(transaction=True)
def test_a_password_without_the_code_does_not_get_in(page, screenshot, require_2fa):
    vera = UserFactory(username="vera", first_name="Vera", role=User.Role.VCIO)
    ClientFactory(name="Harbourview Clinic", vcio=vera)
    device = TOTPDevice.objects.create(user=vera, name="phone", confirmed=False)
    services.two_factor_enable(user=vera, device=device)

    page.goto("/accounts/login/")
    expect(page.get_by_text("you will be asked for a code from your authenticator app")).to_be_visible()
    log_in(page, "vera")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    screenshot(page, "code-step")

    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.goto("/clients/")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    expect(page.get_by_text("Harbourview Clinic")).to_have_count(0)

    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("That code is not valid")).to_be_visible()
    screenshot(page, "wrong-code")
    page.wait_for_timeout(1100)  # a wrong code makes the device refuse codes for a second

    page.get_by_label("Code").fill(code_for(device))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("link", name="Harbourview Clinic")).to_be_visible()
    screenshot(page, "in")
    assert page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_enrolment_shows_a_qr_code_and_a_valid_code_turns_2fa_on(page, screenshot, require_2fa):
    vera = UserFactory(username="vera", first_name="Vera", role=User.Role.VCIO)

    log_in(page, "vera")
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    qr = page.get_by_alt_text("QR code to scan with your authenticator app")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 100  # the SVG decoded: a real image
    manual_key = page.locator("#manual-key").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user=vera, confirmed=False)
    assert manual_key in device.config_url
    screenshot(page, "enrol")

    page.get_by_label("Code from the app").fill("123456")
    page.get_by_role("button", name="Confirm and turn on").click()
    expect(page.get_by_text("That code does not match")).to_be_visible()
    page.wait_for_timeout(1100)

    page.get_by_label("Code from the app").fill(code_for(device))
    page.get_by_role("button", name="Confirm and turn on").click()
    expect(page.get_by_role("heading", name="Your backup codes")).to_be_visible()
    codes = page.locator("ol.backup-codes li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", code) for code in codes)
    screenshot(page, "backup-codes")

    page.get_by_role("link", name="I have saved them — continue").click()
    expect(page.get_by_role("heading", name="Clients")).to_be_visible()
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_text("Backup codes left: 10")).to_be_visible()
    screenshot(page, "account")
    assert page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_the_demo_login_page_says_2fa_is_off_and_five_failures_lock_the_login(page, screenshot, settings):
    settings.AXES_ENABLED = True
    UserFactory(username="vera", role=User.Role.VCIO)
    page.goto("/accounts/login/")
    expect(page.get_by_text("Two-factor authentication is switched off")).to_be_visible()
    for _ in range(5):
        log_in(page, "vera", "not-the-password")
    expect(page.get_by_text("Logging in is blocked for 15 minutes")).to_be_visible()
    screenshot(page, "locked-out")
    log_in(page, "vera")
    expect(page.get_by_text("Logging in is blocked for 15 minutes")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_the_admin_and_the_account_page_work_under_the_strict_csp(page, screenshot):
    UserFactory(username="root", role=User.Role.ADMIN, is_staff=True, is_superuser=True)
    vera = UserFactory(username="vera", role=User.Role.VCIO)
    device = TOTPDevice.objects.create(user=vera, name="phone", confirmed=False)
    services.two_factor_enable(user=vera, device=device)

    log_in(page, "root")
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.goto("/admin/accounts/user/")
    row = page.get_by_role("row").filter(has_text="vera")
    expect(row.locator("td.field-two_factor img")).to_have_attribute("alt", "True")
    row.get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(label="Reset two-factor authentication (lost phone)")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("Two-factor authentication reset for 1 user;")).to_be_visible()
    screenshot(page, "admin-reset")
    assert not TOTPDevice.objects.filter(user=vera).exists()

    page.get_by_role("link", name="vera").click()
    expect(page.get_by_role("heading", name="Change user")).to_be_visible()
    page.goto("/admin/audit/auditevent/")
    expect(page.get_by_role("cell", name="user.two_factor_reset")).to_be_visible()

    page.goto("/accounts/")
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    screenshot(page, "account")
    page.get_by_role("button", name="Log out everywhere").click()
    expect(page.get_by_text("Logged out of 1 session, including this one")).to_be_visible()
    expect(page.get_by_role("heading", name="Log in to RiskReg")).to_be_visible()
    assert page.console_errors == []
