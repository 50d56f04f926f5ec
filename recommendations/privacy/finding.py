"""Where a contact's personal data is: the addresses they used, the emails to them, the emails
that mention them, and the texts to look for (plain and as escaped in HTML)."""

import html
import re

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from clients.models import Contact
from recommendations.models import Signature
from riskreg.mail.models import OutboundEmail

ERASED_DOMAIN = "erased.invalid"
REDACTED = "[erased]"


def contact_addresses(contact: Contact) -> set[str]:
    """The contact's email address now and every address they signed with (it may have changed)."""
    signed_with = Signature.objects.filter(request__signatory=contact).values_list("signer_email", flat=True)
    return {address.lower() for address in [contact.email, *signed_with] if not address.endswith(ERASED_DOMAIN)}


def emails_to(addresses: set[str]) -> list[OutboundEmail]:
    # JSON lists are searched as text (portable across SQLite and PostgreSQL), then matched exactly.
    found = Q(pk__in=[])
    for address in addresses:
        found |= Q(to_text__icontains=address) | Q(cc_text__icontains=address)
    rows = (
        OutboundEmail.objects.annotate(to_text=Cast("to", TextField()), cc_text=Cast("cc", TextField()))
        .filter(found)
        .order_by("created_at", "pk")
    )
    return [row for row in rows if addresses & {a.lower() for a in [*row.to, *row.cc]}]


def mentions(needles: list[str]) -> Q:
    mentions = Q(pk__in=[])
    for needle in needles:
        mentions |= Q(subject__icontains=needle) | Q(body_text__icontains=needle) | Q(body_html__icontains=needle)
        mentions |= Q(last_error__icontains=needle)
    return mentions


def contact_needles(contact: Contact, addresses: set[str]) -> list[str]:
    typed_names = Signature.objects.filter(request__signatory=contact).values_list("typed_name", flat=True)
    return _needles(contact.name, contact.phone, *addresses, *typed_names)


def _needles(*values: str) -> list[str]:
    """Each value as stored in plain text and as escaped in HTML, longest first."""
    found = {form for value in values if value.strip() for form in (value, html.escape(value))}
    return sorted(found, key=len, reverse=True)


def scrub(text: str, needles: list[str]) -> str:
    # Whole words only: erasing "Ann" must not turn "Annual" into "[erased]ual".
    for needle in needles:
        text = re.sub(rf"(?<!\w){re.escape(needle)}(?!\w)", REDACTED, text, flags=re.IGNORECASE)
    return text


def email_text(row: OutboundEmail) -> str:
    return "\n".join((row.subject, row.body_text, row.body_html, row.last_error))
