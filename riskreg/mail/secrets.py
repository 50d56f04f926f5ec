"""Secrets that exist only in the message handed to the mail server.

A signing link, a withdrawal link or a one-time code must not be usable by whoever can read
the outbox: the database, a backup, the staff pages. So an email that carries one is stored
with a placeholder where the secret goes ("[personal signing link — withheld]") and names a
*minter*: a function registered under a key in `settings.RISKREG_SECRET_MINTERS`. The worker
calls it at send time, inside its claim of the row; it makes a fresh secret, stores only its
hash (replacing the previous one, so a retry kills what an earlier attempt carried) and returns
the text for each placeholder. The message is built with the secrets filled in and handed to
the mail server; the row keeps its placeholders.

The mail package stays generic: it knows keys, arguments and placeholders; the apps that own
the secrets register the minters.
"""

import html
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string


def withheld(label: str) -> str:
    """The placeholder a stored email shows where a secret goes: "[<label> — withheld]"."""
    return f"[{label} — withheld]"


class NotSendable(Exception):
    """A minter's answer when the email must not go out any more: the request it links to has
    closed, or a newer code was asked for. The row is marked failed with this reason."""


class Minter(Protocol):
    def __call__(self, *, email: Any, **args: Any) -> dict[str, str]: ...


def minter(key: str, **args: Any) -> dict[str, Any]:
    """How an outbox row names the minter of its secrets; `args` must be JSON (ids as strings)."""
    if key not in settings.RISKREG_SECRET_MINTERS:
        raise ValueError(f"No secret minter {key!r} in RISKREG_SECRET_MINTERS.")
    return {"key": key, "args": args}


def mint(email: Any) -> dict[str, str]:
    """Run the row's minters (the caller holds its claim and a transaction); placeholder -> secret."""
    values: dict[str, str] = {}
    for spec in email.minters:
        mint_secrets: Minter = import_string(settings.RISKREG_SECRET_MINTERS[spec["key"]])
        values.update(mint_secrets(email=email, **spec["args"]))
    return values


def filled(text: str, values: dict[str, str], *, is_html: bool = False) -> str:
    for placeholder, secret in values.items():
        text = text.replace(placeholder, html.escape(secret) if is_html else secret)
    return text
