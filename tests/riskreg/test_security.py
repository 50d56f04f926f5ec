"""Login lockout, sessions, security headers, and the production deploy check."""

import datetime
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client as Browser
from django.urls import reverse

from riskreg.accounts.models import User
from riskreg.audit.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"
EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


@pytest.fixture
def lockout_on(settings):
    settings.AXES_ENABLED = True


def attempt(browser: Browser, username: str, password: str = "wrong-password-1"):
    return browser.post(reverse("login"), {"username": username, "password": password})


# --- Lockout ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_five_failed_logins_lock_the_username_for_15_minutes_with_a_clear_message(client, vcio, lockout_on):
    for _ in range(4):
        response = attempt(client, "vera")
        assert response.status_code == 200
        assert "do not match" in response.content.decode()
    response = attempt(client, "vera")
    assert response.status_code == 429
    assert "Logging in is blocked for 15 minutes" in response.content.decode()

    response = attempt(client, "vera", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session

    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=16)):
        response = attempt(client, "vera", PASSWORD)
        assert response.status_code == 302
        assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_a_lockout_is_per_username_and_address(client, vcio, outsider, lockout_on):
    for _ in range(5):
        attempt(client, "vera")
    assert attempt(client, "otto", PASSWORD).status_code == 302
    elsewhere = Browser(REMOTE_ADDR="203.0.113.9")
    assert attempt(elsewhere, "vera", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_successful_login_clears_earlier_failures(client, vcio, lockout_on):
    for _ in range(4):
        attempt(client, "vera")
    assert attempt(client, "vera", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "vera").status_code == 200


@pytest.mark.django_db
def test_the_login_page_warns_about_the_lockout_on_a_failed_attempt(client, vcio):
    response = attempt(client, "vera")
    assert "After 5 failed attempts, logging in is blocked for 15 minutes" in response.content.decode()


# --- Sessions ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_log_out_everywhere_ends_every_session_of_that_user_only(vcio, outsider):
    laptop, phone, colleague = Browser(), Browser(), Browser()
    for browser, user in [(laptop, vcio), (phone, vcio), (colleague, outsider)]:
        browser.force_login(user)

    response = laptop.post(reverse("accounts:logout_everywhere"), follow=True)
    assert "Logged out of 2 sessions, including this one" in response.content.decode()
    assert phone.get(reverse("clients:list"))["Location"].startswith(reverse("login"))
    assert laptop.get(reverse("clients:list"))["Location"].startswith(reverse("login"))
    assert colleague.get(reverse("clients:list")).status_code == 200
    event = AuditEvent.objects.get(event_type="user.sessions_ended")
    assert event.object_id == str(vcio.pk)
    assert event.payload == {"sessions_ended": 2}


@pytest.mark.django_db
def test_log_out_everywhere_needs_a_post(vcio_client):
    assert vcio_client.get(reverse("accounts:logout_everywhere")).status_code == 405
    assert Session.objects.count() == 1


@pytest.mark.django_db
def test_the_account_page_offers_2fa_setup_and_logout_everywhere(vcio_client):
    html = vcio_client.get(reverse("accounts:account")).content.decode()
    assert reverse("accounts:two_factor_setup") in html
    assert f'action="{reverse("accounts:logout_everywhere")}"' in html


@pytest.mark.django_db
def test_the_session_cookie_ends_with_the_browser_and_the_session_after_its_age(client, vcio):
    response = attempt(client, "vera", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"]
    session = Session.objects.get()
    lifetime = session.expire_date - datetime.datetime.now(tz=datetime.UTC)
    assert abs(lifetime.total_seconds() - settings.SESSION_COOKIE_AGE) < 60


def test_passwords_need_ten_characters_and_must_not_be_common():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["short1!", "password123", "1234567890123"]:
        with pytest.raises(ValidationError):
            validate_password(weak, user=User(username="vera"))


# --- Headers ----------------------------------------------------------------------------------


def csp_directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    parts = [part.strip().split(" ", 1) for part in header.split(";") if part.strip()]
    return {name: value for name, value in parts}


@pytest.mark.django_db
def test_every_kind_of_page_carries_the_strict_content_security_policy(vcio_client, admin_client, client_record):
    responses = [
        Browser().get(reverse("login")),
        vcio_client.get(reverse("clients:list")),
        vcio_client.get(reverse("register:client_detail", args=[client_record.public_id])),
        admin_client.get(reverse("admin:index")),
        Browser().get("/sign/not-a-token/"),
    ]
    for response in responses:
        assert csp_directives(response) == EXPECTED_CSP, response.request["PATH_INFO"]
        assert "unsafe" not in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"


TEMPLATE_INLINE = re.compile(
    r"""style\s*=|<style\b|<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:""", re.IGNORECASE
)


def test_no_page_template_has_inline_script_style_or_event_handler():
    """The CSP blocks them in the browser; this names the file and line before anyone opens it.
    Email templates are exempt: mail clients need inline styles and never see the CSP."""
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        if "emails" in path.relative_to(ROOT / "templates").parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if TEMPLATE_INLINE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "Move inline scripts/styles to static/js or static/css:\n" + "\n".join(offenders)


def test_the_inline_pattern_catches_what_the_csp_would_block():
    for bad in ['<div style="x">', "<style>", "<script>alert(1)</script>", '<a onclick="x()">', 'href="javascript:x"']:
        assert TEMPLATE_INLINE.search(bad), bad
    for fine in ['<script src="/static/js/a.js"></script>', '<link rel="stylesheet" href="x.css">', "data-on-x"]:
        assert not TEMPLATE_INLINE.search(fine), fine


# --- Production settings ----------------------------------------------------------------------


def run_deploy_check(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DEBUG"))}
    env.update(
        RISKREG_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="riskreg.example.com",
        RISKREG_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="riskreg.settings",
        **overrides,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_is_clean_with_the_production_environment(tmp_path):
    result = run_deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_would_catch_a_weakened_production_setting(tmp_path):
    result = run_deploy_check(tmp_path, SECURE_SSL_REDIRECT="false")
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_production_settings_turn_on_secure_cookies_hsts_and_ssl_redirect(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY, s.DEBUG,"
        " s.RISKREG_REQUIRE_2FA, s.SESSION_EXPIRE_AT_BROWSER_CLOSE)"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DEBUG", "RISKREG_REQUIRE"))}
    env.update(
        RISKREG_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        RISKREG_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="riskreg.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.split() == [
        "True", "True", "True", "31536000", "True", "DENY", "same-origin", "False", "True", "True",
    ], result.stderr  # fmt: skip


def test_require_2fa_reads_the_environment_and_rejects_nonsense(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DEBUG")}
    env.update(RISKREG_VAR_DIR=str(tmp_path), RISKREG_REQUIRE_2FA="maybe")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "RISKREG_REQUIRE_2FA must be one of" in result.stderr


@pytest.mark.django_db
def test_a_vcio_user_object_cannot_use_the_admin(vcio_client):
    assert vcio_client.get(reverse("admin:index"))["Location"].startswith(reverse("admin:login"))


def test_the_demo_run_script_turns_2fa_off_and_the_example_env_documents_it():
    assert "RISKREG_REQUIRE_2FA=true" in (ROOT / ".env.example").read_text()
    assert re.search(r"RISKREG_REQUIRE_2FA=.*false", (ROOT / "scripts" / "run-dev.sh").read_text())
