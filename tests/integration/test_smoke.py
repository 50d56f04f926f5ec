"""Smoke test of the path the Dockerfile's users take (`make smoke`): the production settings
under gunicorn with the image's command line, one Celery worker and one beat, on PostgreSQL and
Redis. A signer signs one request over HTTP; the worker seals the document and sends the emails."""

import http.cookies
import io
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from pypdf import PdfReader

from recommendations import signing
from recommendations.models import DecisionRequest, WaiverDocument
from riskreg.mail.models import OutboundEmail
from riskreg.seal import load_sealer, validate_seal
from tests.factories import RecommendationFactory
from tests.faults import free_port
from tests.integration.conftest import CELERY, ROOT, Worker, wait_for
from tests.riskreg.test_front_door import dockerfile_command, wait_until_listening
from tests.signing_helpers import SIGNING_LINK, refusal_form

# The code email's text part puts the code alone on an indented line.
CODE_LINE = re.compile(r"^    (\d{6})\s*$", re.MULTILINE)

pytestmark = [pytest.mark.integration, pytest.mark.smoke, pytest.mark.django_db(transaction=True)]


class Browser:
    """Just enough of a browser for the signer's pages: cookies (also Secure ones, since the
    proxy's X-Forwarded-Proto says https), the CSRF token, and no automatic redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        headers = {"X-Forwarded-Proto": "https", "Origin": "https://" + urllib.parse.urlsplit(self.base).netloc}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}).encode()
            headers["Referer"] = headers["Origin"] + path
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return response.status, response.read().decode(errors="replace"), dict(response.headers)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def production_stack(broker, tmp_path):
    """gunicorn (the Dockerfile's CMD), a worker and one beat, all with RISKREG_ENV=production."""
    env = broker.env | {
        "RISKREG_ENV": "production",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(tmp_path / "static"),
        "RISKREG_SEAL_PKCS12": str(settings.RISKREG_SEAL_PKCS12),
        "RISKREG_SEAL_PASSPHRASE": settings.RISKREG_SEAL_PASSPHRASE,
    }
    broker.env = env
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input"], cwd=ROOT, env=env, check=True)
    port = free_port()
    web_log = tmp_path / "web.log"
    web = subprocess.Popen(
        dockerfile_command(port=port), cwd=ROOT, env=env, stdout=web_log.open("wb"), stderr=subprocess.STDOUT
    )
    beat_log = tmp_path / "beat.log"
    beat = subprocess.Popen(
        [str(CELERY), "-A", "riskreg", "beat", "--loglevel", "INFO", "--schedule", str(tmp_path / "beat-schedule")],
        cwd=ROOT,
        env=env,
        stdout=beat_log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        broker.start_worker()
        wait_until_listening(port, web)
        wait_for(lambda: "beat: Starting" in beat_log.read_text(errors="replace"), timeout=60, what="beat to start")
        yield f"http://127.0.0.1:{port}"
    finally:
        for process in (web, beat):
            Worker(name="stack", process=process, log=web_log).stop()
        if os.environ.get("SMOKE_SHOW_LOGS"):
            print(web_log.read_text(errors="replace"), beat_log.read_text(errors="replace"))


def test_a_signer_signs_over_http_and_the_worker_seals_and_sends_the_document(
    production_stack, broker, client_record, vcio
):
    browser = Browser(production_stack)
    status, health, _ = browser.request("/healthz")
    assert status == 200 and '"status": "ok"' in health.replace('":"', '": "'), health
    recommendation = RecommendationFactory(client=client_record, title="Multi-factor authentication")
    signatory = client_record.contacts.get(can_sign=True)
    request = signing.decision_request_send(
        actor=vcio, client=client_record, signatory=signatory, recommendations=[recommendation]
    )
    # The link and the code exist only in the messages the worker hands to the mail server.
    token = wait_for(
        lambda: (found := SIGNING_LINK.search(broker.mail_text())) and found.group(2),
        timeout=30,
        what="the signing link email",
    )

    assert browser.request(f"/sign/{token}/")[0] == 200
    assert browser.request(f"/sign/{token}/code/", {})[0] == 302
    code = wait_for(
        lambda: (found := CODE_LINE.search(broker.mail_text())) and found.group(1),
        timeout=30,
        what="the code email",
    )
    assert browser.request(f"/sign/{token}/verify/", {"code": code})[0] == 302
    status, page, _ = browser.request(f"/sign/{token}/decide/")
    assert status == 200, page[-2000:]
    [item] = request.items.all()
    status, page, headers = browser.request(
        f"/sign/{token}/decide/", refusal_form(item.pk, typed_name=signatory.name)
    )
    assert status == 302, page[-3000:]
    assert browser.request(urllib.parse.urlsplit(headers["Location"]).path)[0] == 200

    document = wait_for(
        lambda: WaiverDocument.objects.filter(request=request).first(), timeout=60, what="the sealed document"
    )
    assert DecisionRequest.objects.get(pk=request.pk).status == "completed"
    with document.file.open("rb") as handle:
        pdf = handle.read()
    trust = load_sealer(settings.RISKREG_SEAL_PKCS12, settings.RISKREG_SEAL_PASSPHRASE.encode()).signing_cert
    assert validate_seal(pdf, trust_roots=[trust]).valid
    assert document.document_id in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()

    def all_sent():
        emails = list(OutboundEmail.objects.filter(scope=client_record.scope))
        return emails if emails and all(email.status == "sent" for email in emails) else None

    emails = wait_for(all_sent, timeout=60, what="every email sent by the worker")
    assert {email.kind for email in emails} == {"decision_request", "signing_code", "signed_document"}
    assert sum(1 for email in emails if email.kind == "signed_document") == 2
    wait_for(lambda: len(broker.delivered()) == len(emails), timeout=10, what="the mail files")
