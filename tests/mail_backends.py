"""Email backends for tests that need a mail server to misbehave."""

from smtplib import SMTPServerDisconnected

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend


class DropsFirstMessage(BaseEmailBackend):
    """Like the in-memory backend, except that the first message it is handed is lost: the
    connection drops after the message went out, as when a worker dies mid-send. The lost
    message is kept in `lost` for the test to read."""

    lost: list = []

    def send_messages(self, email_messages) -> int:
        if not DropsFirstMessage.lost:
            DropsFirstMessage.lost.extend(email_messages)
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        mail.outbox.extend(email_messages)
        return len(email_messages)
