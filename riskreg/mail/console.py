"""The development email backend: Django's console backend, with each attachment printed as one
line (name, type, size) instead of its base64 body, so a signed PDF does not fill the worker log
with thousands of lines."""

from email import message_from_bytes
from email.message import Message

from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.message import EmailMessage


def attachment_summary(part: Message) -> str:
    size = len(part.get_payload(decode=True) or b"")
    name = part.get_filename() or "unnamed"
    return f"[attachment: {name}, {part.get_content_type()}, {size:,} bytes]"


def printable(message: EmailMessage) -> str:
    """The message as the console shows it: headers and text parts in full, attachments summarised."""
    parsed = message_from_bytes(message.message().as_bytes(linesep="\n"))
    lines = [f"{key}: {value}" for key, value in parsed.items()]
    for part in parsed.walk():
        if part.is_multipart():
            continue
        if part.get_filename() or part.get_content_disposition() == "attachment":
            lines.append(attachment_summary(part))
            continue
        charset = part.get_content_charset() or "utf-8"
        body = (part.get_payload(decode=True) or b"").decode(charset, errors="replace")
        lines += ["", f"--- {part.get_content_type()} ---", body.rstrip("\n")]
    return "\n".join(lines)


class EmailBackend(ConsoleBackend):
    def write_message(self, message: EmailMessage) -> None:
        self.stream.write(printable(message) + "\n")
        self.stream.write("-" * 79 + "\n")
