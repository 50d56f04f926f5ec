"""The outbox's withheld secrets: placeholders at rest, minted into the message at send time."""

import pytest
from django.core import mail
from django.test import override_settings

from riskreg.mail.models import OutboundEmail
from riskreg.mail.secrets import NotSendable, minter, withheld
from riskreg.mail.services import email_enqueue, email_send

SECRET = withheld("test secret")
MINTERS = {"test": "tests.riskreg.mail.test_secrets.mint_for_test"}
minted: list[str] = []


def mint_for_test(*, email, value: str, refuse: bool = False) -> dict[str, str]:
    if refuse:
        raise NotSendable("nobody needs it any more")
    minted.append(value)
    return {SECRET: f"{value}-{len(minted)}"}


def _enqueue(**args) -> OutboundEmail:
    return email_enqueue(
        idempotency_key="secret-test",
        kind="test",
        to=["someone@example.com"],
        subject="A staff notice",
        template="staff_notice",
        context={"heading": "Your secret", "paragraphs": [f"It is {SECRET} & more"], "link_url": ""},
        minters=[minter("test", **args)],
    )


@pytest.fixture(autouse=True)
def _forget():
    minted.clear()


@pytest.mark.django_db
@override_settings(RISKREG_SECRET_MINTERS=MINTERS)
def test_the_row_keeps_the_placeholder_and_the_message_carries_the_secret():
    email = _enqueue(value="tok<en>")

    email_send(email_id=email.pk)

    email.refresh_from_db()
    [message] = mail.outbox
    assert SECRET in email.body_text and SECRET in email.body_html
    assert "tok<en>-1" not in email.body_text + email.body_html
    assert "It is tok<en>-1 & more" in message.body
    assert "It is tok&lt;en&gt;-1 &amp; more" in message.alternatives[0][0]


@pytest.mark.django_db
@override_settings(RISKREG_SECRET_MINTERS=MINTERS)
def test_a_minter_that_refuses_marks_the_row_failed_and_sends_nothing():
    email = _enqueue(value="x", refuse=True)

    outcome = email_send(email_id=email.pk)

    email.refresh_from_db()
    assert outcome.status == "failed" and mail.outbox == []
    assert (email.status, email.last_error, email.next_attempt_at) == (
        "failed",
        "Not sent: nobody needs it any more",
        None,
    )


@pytest.mark.django_db
@override_settings(RISKREG_SECRET_MINTERS=MINTERS)
def test_a_minter_that_fails_is_retried_like_a_failed_delivery(monkeypatch):
    email = _enqueue(value="x")
    monkeypatch.setattr("tests.riskreg.mail.test_secrets.minted", None)  # appending now raises

    outcome = email_send(email_id=email.pk)

    email.refresh_from_db()
    assert outcome.status == "retry" and email.status == "pending" and mail.outbox == []


@override_settings(RISKREG_SECRET_MINTERS=MINTERS)
def test_an_unknown_minter_is_refused_when_the_email_is_written():
    with pytest.raises(ValueError, match="No secret minter 'nope'"):
        minter("nope")
