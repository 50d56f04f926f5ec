import io
import os
import subprocess
import sys

from django.core.mail import EmailMultiAlternatives

from riskreg.mail.console import EmailBackend


def _signed_copy_email() -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject="Your signed copy",
        body="Hello Hélène,\nyour signed copy is attached.",
        from_email="riskreg@localhost",
        to=["helene@harbourview.example"],
    )
    message.attach_alternative("<p>Hello Hélène, your signed copy is attached.</p>", "text/html")
    message.attach("RR-2026-000123.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 400, "application/pdf")
    return message


def test_the_console_backend_prints_an_attachment_as_one_line():
    stream = io.StringIO()

    EmailBackend(stream=stream).send_messages([_signed_copy_email()])

    printed = stream.getvalue()
    assert "[attachment: RR-2026-000123.pdf, application/pdf, 102,409 bytes]" in printed
    assert "JVBERi0" not in printed  # base64 of "%PDF-"
    assert len(printed.splitlines()) < 40


def test_the_console_backend_still_prints_the_text_and_headers():
    stream = io.StringIO()

    EmailBackend(stream=stream).send_messages([_signed_copy_email()])

    printed = stream.getvalue()
    assert "To: helene@harbourview.example" in printed
    assert "your signed copy is attached." in printed and "Hello Hélène" in printed


def test_without_smtp_the_development_default_is_the_summarising_console():
    environment = {k: v for k, v in os.environ.items() if k not in {"EMAIL_HOST", "EMAIL_BACKEND"}}
    environment["DJANGO_SETTINGS_MODULE"] = "riskreg.settings"

    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)"],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )

    assert result.stdout.strip() == "riskreg.mail.console.EmailBackend"
