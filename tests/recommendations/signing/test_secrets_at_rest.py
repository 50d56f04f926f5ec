"""No working signing link, withdrawal link or one-time code at rest (SPEC section 8, issue 17):
they exist only in the messages handed to the mail server."""

import json
import logging
import re

import pytest
from django.apps import apps
from django.core import mail
from django.db import models
from django.test import override_settings
from django.urls import reverse

from recommendations import signing
from riskreg.mail.models import OutboundEmail
from riskreg.mail.services import email_send
from tests.mail_backends import DropsFirstMessage
from tests.recommendations.signing.test_consent import casl_practice, make_program, send_consent, sign_consent
from tests.signing_helpers import (
    CODE,
    SIGNING_LINK,
    WITHDRAWAL_LINK,
    delivered,
    document_create,
    latest_code,
    link_email,
    send_request,
)

STORED_TYPES = (models.CharField, models.TextField, models.JSONField, models.BinaryField)


def every_stored_value() -> list[tuple[str, str]]:
    """(table.column, text) for every text, JSON and binary value in every table."""
    values = []
    for model in apps.get_models():
        fields = [field.attname for field in model._meta.concrete_fields if isinstance(field, STORED_TYPES)]
        for row in model._base_manager.values_list(*fields) if fields else []:
            for name, value in zip(fields, row, strict=True):
                if value in (None, "", b"", [], {}):
                    continue
                if isinstance(value, bytes | memoryview):
                    text = bytes(value).decode("latin-1")
                elif isinstance(value, str):
                    text = value
                else:
                    text = json.dumps(value, ensure_ascii=False)
                values.append((f"{model._meta.db_table}.{name}", text))
    return values


def found_in(values: list[tuple[str, str]], secret: str, *, bounded: bool = False) -> list[str]:
    # A code is six digits: count it only where it stands alone, not inside a hash or a number.
    pattern = re.compile(rf"(?<![0-9A-Za-z]){re.escape(secret)}(?![0-9A-Za-z])" if bounded else re.escape(secret))
    return [where for where, text in values if pattern.search(text)]


@pytest.fixture
def everything_sent(client, client_record, vcio, caplog):
    """A decision request and a consent request sent, a code asked for on each, the consent signed
    and its signed copy sent; every email delivered. Returns what the mailbox received."""
    caplog.set_level(logging.DEBUG)
    casl_practice()
    decision, decision_token, _ = send_request(client_record, vcio)
    client.get(reverse("sign:start", args=[decision_token]))
    client.post(reverse("sign:send_code", args=[decision_token]))
    latest_code(decision)
    rmm = make_program(client_record, "Atlas RMM agent", allows_remote_access=True)
    consent, _ = send_consent(client_record, vcio, [rmm])
    sign_consent(consent, {rmm.pk: "consent_given"})
    document_create(consent)
    for email in OutboundEmail.objects.all():
        delivered(email)
    return decision, decision_token, consent


@pytest.mark.django_db
def test_no_table_and_no_log_line_holds_a_delivered_link_or_code(everything_sent, caplog):
    _, decision_token, _ = everything_sent
    bodies = "\n".join(message.body for message in mail.outbox)
    signing_tokens = {token for _, token in SIGNING_LINK.findall(bodies)}
    withdrawal_tokens = {token for _, token in WITHDRAWAL_LINK.findall(bodies)}
    codes = set(CODE.findall("\n".join(m.body for m in mail.outbox if "signing code" in m.subject)))
    assert len(signing_tokens) == 2 and len(withdrawal_tokens) == 2 and len(codes) == 2
    assert signing.request_for_token(decision_token) is not None, "the decision's link still works"

    values = every_stored_value()
    log = "\n".join(record.getMessage() for record in caplog.records)

    for secret in signing_tokens | withdrawal_tokens:
        assert found_in(values, secret) == [], secret
        assert secret not in log
    for code in codes:
        assert found_in(values, code, bounded=True) == [], code
        assert not re.search(rf"(?<![0-9A-Za-z]){code}(?![0-9A-Za-z])", log)


@pytest.mark.django_db
def test_no_stored_value_of_the_shape_of_a_link_token_opens_a_signer_page(everything_sent):
    candidates = {
        token
        for _, text in every_stored_value()
        for token in re.findall(r"(?<![\w-])[A-Za-z0-9_-]{32,64}(?![\w-])", text)
    }

    assert candidates  # hashes, ids and keys of a token's shape are stored: none of them opens a page
    assert [token for token in candidates if signing.request_for_token(token) is not None] == []


@pytest.mark.django_db
def test_the_outbox_pages_show_withheld_placeholders_and_no_code_in_a_subject(everything_sent, manager_client, vcio):
    decision, _, consent = everything_sent
    code_email = OutboundEmail.objects.filter(kind="signing_code").first()
    pages = {
        "link": manager_client.get(reverse("mail:email_detail", args=[link_email(decision).pk])).content.decode(),
        "code": manager_client.get(reverse("mail:email_detail", args=[code_email.pk])).content.decode(),
        "consent": manager_client.get(reverse("mail:email_detail", args=[link_email(consent).pk])).content.decode(),
        "list": manager_client.get(reverse("mail:outbox")).content.decode(),
    }

    assert "[personal signing link — withheld]" in pages["link"]
    assert "[one-time code — withheld]" in pages["code"]
    assert "[personal withdrawal link 1 — withheld]" in pages["consent"]
    assert "RiskReg never stores them" in pages["link"]
    for page in pages.values():
        assert not re.search(r"/sign/[\w-]{20,}/|/withdraw/[\w-]{20,}/", page)
    assert not re.search(r"\d{6}", code_email.subject)
    codes = CODE.findall("\n".join(m.body for m in mail.outbox if "signing code" in m.subject))
    assert codes and not any(code in m.subject for code in codes for m in mail.outbox)


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND="tests.mail_backends.DropsFirstMessage")
def test_a_retry_after_a_failed_delivery_sends_a_new_working_link_and_kills_the_first(client, client_record, vcio):
    from tests.factories import RecommendationFactory

    DropsFirstMessage.lost.clear()
    recommendation = RecommendationFactory(client=client_record, status="presented")
    request = signing.decision_request_send(
        actor=vcio, client=client_record, signatory=client_record.contacts.get(), recommendations=[recommendation]
    )
    email = link_email(request)

    first = email_send(email_id=email.pk)
    email.refresh_from_db()
    email.next_attempt_at = None
    email.save(update_fields=["next_attempt_at"])
    second = email_send(email_id=email.pk)

    assert (first.status, second.status) == ("retry", "sent")
    [lost] = DropsFirstMessage.lost
    [received] = [message for message in mail.outbox if message.to == email.to]
    first_token = SIGNING_LINK.search(lost.body).group(2)
    second_token = SIGNING_LINK.search(received.body).group(2)
    assert first_token != second_token
    assert client.get(reverse("sign:start", args=[first_token])).status_code == 404
    assert client.get(reverse("sign:start", args=[second_token])).status_code == 200


@pytest.mark.django_db
def test_only_the_latest_code_asked_for_is_made_and_sent(client_record, vcio):
    import datetime

    import time_machine
    from django.utils import timezone

    request, _, _ = send_request(client_record, vcio)
    signing.signing_code_send(request=request)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        signing.signing_code_send(request=request)
    older, newer = OutboundEmail.objects.filter(kind="signing_code").order_by("pk")

    assert email_send(email_id=older.pk).status == "failed"
    older.refresh_from_db()
    assert older.last_error == "Not sent: a newer code was asked for, or the signing request closed"
    code = CODE.search(delivered(newer).body).group(1)
    signing.signing_code_verify(request=request, code=code)
    request.refresh_from_db()
    assert request.code_verified_at is not None
    assert (request.code_sent_to, request.code_message_id) == (newer.to[0], newer.message_id)


@pytest.mark.django_db
def test_the_link_email_of_a_request_revoked_before_it_went_out_is_not_sent(client_record, vcio):
    from tests.factories import RecommendationFactory

    recommendation = RecommendationFactory(client=client_record, status="presented")
    request = signing.decision_request_send(
        actor=vcio, client=client_record, signatory=client_record.contacts.get(), recommendations=[recommendation]
    )
    signing.decision_request_revoke(actor=vcio, request=request)

    outcome = email_send(email_id=link_email(request).pk)

    assert outcome.status == "failed" and mail.outbox == []
    assert link_email(request).last_error == "Not sent: the signing request is no longer open"


@pytest.mark.django_db
def test_emails_stored_before_the_upgrade_lose_their_links_and_codes(client_record):
    import importlib

    migration = importlib.import_module("recommendations.migrations.0007_withhold_stored_secrets")
    link = OutboundEmail.objects.create(
        idempotency_key="old-link",
        kind="consent_request",
        to=["helene@harbourview.example"],
        subject="Your consent is needed",
        body_text="Open http://localhost:8000/sign/q3Vb8w0Jr2mZk9yXhT4nA1sD6fG7hJ8kL0pO5iU2yT4/ or withdraw at "
        "http://localhost:8000/withdraw/5f0c3a9e1b2d4c6e8f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4/",
        body_html='<a href="http://localhost:8000/sign/q3Vb8w0Jr2mZk9yXhT4nA1sD6fG7hJ8kL0pO5iU2yT4/">Open</a>',
    )
    code = OutboundEmail.objects.create(
        idempotency_key="old-code",
        kind="signing_code",
        to=["helene@harbourview.example"],
        subject="Your RiskReg signing code: 397921",
        body_text="Your one-time signing code is:\n\n    397921\n\nCall us on 613 555 0100.",
    )

    migration.withhold_stored_secrets(apps, None)

    link.refresh_from_db()
    code.refresh_from_db()
    assert link.body_text == (
        "Open [personal signing link — withheld] or withdraw at [personal withdrawal link — withheld]"
    )
    assert link.body_html == '<a href="[personal signing link — withheld]">Open</a>'
    assert code.subject == "Your RiskReg signing code"
    assert "397921" not in code.body_text and "[one-time code — withheld]" in code.body_text
    assert "613 555 0100" in code.body_text
