"""Demo and benchmark only: an outbox email delivered to memory and read back, as its recipient
would read it.

`seed_demo` signs its demo decisions through the real services and the benchmark opens its
signing links through the signer's own pages; both need the link or the code, which exist only
in the message handed to the mail server (riskreg/mail/secrets.py). Here that message goes to a
mailbox in this process instead of a mail server.
"""

import re
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend

from recommendations.models import DecisionRequest
from riskreg.mail.models import OutboundEmail
from riskreg.mail.services import email_send

SIGNING_TOKEN = re.compile(r"https?://\S+?/sign/([\w-]+)/")
CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


class _Mailbox(BaseEmailBackend):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.messages: list[Any] = []

    def send_messages(self, email_messages: Any) -> int:
        self.messages.extend(email_messages)
        return len(email_messages)


def read_as_recipient(email: OutboundEmail) -> str:
    """Send the row now, into memory, and return the text the recipient would read."""
    mailbox = _Mailbox()
    outcome = email_send(email_id=email.pk, connection=mailbox)
    if not mailbox.messages:
        raise RuntimeError(f"outbox email {email.pk} was not sent ({outcome.status})")
    return mailbox.messages[-1].body


def signing_token(request: DecisionRequest) -> str:
    """Deliver the request's link email and return the token of the link in it."""
    email = OutboundEmail.objects.get(idempotency_key=f"request:{request.public_id}:link")
    return SIGNING_TOKEN.search(read_as_recipient(email)).group(1)


def signing_code(request: DecisionRequest) -> str:
    """Deliver the request's latest code email and return the code in it."""
    email = OutboundEmail.objects.get(idempotency_key=f"request:{request.public_id}:code:{request.code_sends}")
    return CODE.search(read_as_recipient(email)).group(1)
