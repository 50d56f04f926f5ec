"""schemathesis against the live OpenAPI document: the app served on a local port (pytest-django's
live_server), a write token, a bounded number of generated requests per operation (pinned seed),
and no answer may be a server error or break the document (status codes, content types, headers
and bodies as documented).

The suite runs the examples and fuzzing phases, about 350 requests. The coverage phase (some
1,500 more boundary-value requests, a few minutes) is the README's longer command."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from recommendations import signing
from riskreg.api_tokens.services import api_token_create
from tests.factories import RecommendationFactory
from tests.recommendations.signing.test_signing import signer_evidence, verify_code
from tests.signing_helpers import send_request

SCHEMATHESIS = Path(sys.executable).parent / "st"
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_headers_conformance,response_schema_conformance"
)


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_error_and_no_answer_that_breaks_the_schema(
    live_server, client_record, vcio, tmp_path
):
    # Something of every kind to read: a presented recommendation, an open and a signed request, its PDF.
    RecommendationFactory(client=client_record, status="presented", title="Offsite backups")
    send_request(client_record, vcio, titles=("Multi-factor authentication",))
    signed = send_request(client_record, vcio, titles=("EDR",))[0]
    verify_code(signed)
    signing.decision_request_complete(
        request=signed,
        choices=[signing.ItemChoice(signed.items.get().pk, "refuse", "No budget")],
        evidence=signer_evidence(),
    )
    token = api_token_create(actor=vcio, user=vcio, name="schemathesis", scope="write")[1]

    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            live_server.url + reverse("api:schema"),
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            CHECKS,
            "--phases",
            "examples,fuzzing",
            "--max-examples",
            "15",
            "--seed",
            "25",
            "--workers",
            "1",
            "--request-timeout",
            "30",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,  # its cache directory goes there, not into the repository
    )

    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    generated = int(re.search(r"(\d+) generated, \1 passed", run.stdout).group(1))
    assert generated > 200, run.stdout[-2000:]
    assert re.search(r"Tested: (\d+)", run.stdout).group(1) == re.search(r"Selected: (\d+)/", run.stdout).group(1)
