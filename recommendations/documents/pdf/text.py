"""Turning user text, dates and times into the markup and wording the document prints."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from recommendations.documents.pdf.data import SignatureEvidence

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def plain_text(value: object) -> str:
    """User text without control characters, every line break a newline."""
    return CONTROL_CHARS.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")


def markup_text(value: object) -> str:
    """User text as Paragraph markup: escaped so `<b>` or `&` print literally."""
    return escape(plain_text(value)).replace("\n", "<br/>")


def fmt_date(value: date) -> str:
    """A day in words, in the active language: "5 December 2026", "5 décembre 2026"."""
    day = value.date() if isinstance(value, datetime) else value
    return date_format(day, "j F Y")


def fmt_utc(value: datetime) -> str:
    utc = value.astimezone(UTC)
    return f"{fmt_date(utc)}, {utc:%H:%M:%S} UTC"


def _signer_zone(signature: SignatureEvidence) -> ZoneInfo | None:
    try:
        return ZoneInfo(signature.signer_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def signer_local(signature: SignatureEvidence) -> datetime:
    return signature.signed_at.astimezone(_signer_zone(signature) or UTC)


def signed_at_text(signature: SignatureEvidence) -> str:
    """The signing time on two lines: in the signer's zone, then in UTC."""
    utc = fmt_utc(signature.signed_at)
    zone_name = plain_text(signature.signer_timezone)
    if _signer_zone(signature) is None:
        if zone_name in {"", "not reported"}:
            return f"{utc}\n" + _("(the signer’s browser reported no valid time zone)")
        # Records made before time zones were checked: print the browser's word as recorded.
        return f"{utc}\n" + _("(signer’s reported time zone: “%(zone)s”)") % {"zone": zone_name}
    local = signer_local(signature)
    offset = local.strftime("%z")
    return f"{fmt_date(local)}, {local:%H:%M:%S} {local.tzname()} (UTC{offset[:3]}:{offset[3:]}, {zone_name})\n= {utc}"
