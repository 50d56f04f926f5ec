"""Log lines never carry a working signing or withdrawal link.

The token of a signer's link is part of its path (/sign/<token>/, /withdraw/<token>/), and web
servers log paths: runserver through Django's `django.server` logger, gunicorn in its access log
(gunicorn.conf.py installs `riskreg.gunicorn_logging`). This filter replaces the token with
"[withheld]" in every record it sees, before any handler writes it.
"""

import logging
import re

SECRET_PATH = re.compile(r"(/(?:sign|withdraw)/)(?!done/)[A-Za-z0-9_-]{16,}")


def withhold_secret_paths(text: str) -> str:
    return SECRET_PATH.sub(r"\1[withheld]", text)


class WithholdSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = withhold_secret_paths(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
