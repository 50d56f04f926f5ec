"""Turning a PSA's cell values into RiskReg's: yes/no, industry, status, service tier, vCIO,
money and dates."""

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from clients.models import Client

YES = {"yes", "y", "true", "1", "x", "on"}
NO = {"no", "n", "false", "0", "off", ""}
INACTIVE_WORDS = {"inactive", "deleted", "disabled", "former", "cancelled", "canceled"}
ACTIVE_WORDS = {"active", "enabled"}

# Words in a PSA's market, classification or industry value that name one of RiskReg's industries.
INDUSTRY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Client.Industry.HEALTHCARE, ("health", "healthcare", "medical", "clinic", "dental", "hospital", "pharmacy")),
    (Client.Industry.FINANCE, ("finance", "financial", "bank", "banking", "insurance", "accounting", "credit")),
    (Client.Industry.LEGAL, ("legal", "law", "lawyers", "attorneys", "solicitors", "notary")),
    (Client.Industry.GOVERNMENT, ("government", "municipal", "public", "municipality")),
    (Client.Industry.EDUCATION, ("education", "school", "schools", "university", "college")),
    (Client.Industry.MANUFACTURING, ("manufacturing", "industrial", "factory")),
    (Client.Industry.RETAIL, ("retail", "hospitality", "restaurant", "hotel", "shop")),
    (Client.Industry.NONPROFIT, ("nonprofit", "non-profit", "charity", "ngo", "foundation")),
    (Client.Industry.TECHNOLOGY, ("technology", "software", "saas", "tech")),
    (Client.Industry.PROFESSIONAL_SERVICES, ("professional", "consulting", "consultancy", "architecture")),
)


def yes_no(value: str) -> bool:
    """True or False for a yes/no cell; ValueError for anything else."""
    text = value.strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(gettext("“{value}” is not yes or no").format(value=value))


def _choice(value: str, choices: Any) -> str | None:
    text = value.strip().lower()
    for code, label in choices:
        if text in {code, str(label).lower()}:
            return code
    return None


def industry(value: str) -> str | None:
    """The industry a value names, or None when it names none RiskReg knows (then nothing changes)."""
    if not value.strip():
        return None
    if exact := _choice(value, Client.Industry.choices):
        return exact
    words = set(re.findall(r"[a-z][a-z-]*", value.lower()))
    for code, names in INDUSTRY_WORDS:
        if words & set(names):
            return code
    return None


# One whole sentence per column RiskReg's own layout checks against a list.
NOT_A_CHOICE = {
    "industry": gettext_lazy("“{value}” is not an industry (use one of: {allowed})"),
    "service tier": gettext_lazy("“{value}” is not a service tier (use one of: {allowed})"),
    "status": gettext_lazy("“{value}” is not a status (use one of: {allowed})"),
}


def strict_choice(value: str, choices: Any, what: str) -> str | None:
    """RiskReg's own layout: a value from the form's list, or a ValueError naming the allowed ones."""
    if not value.strip():
        return None
    if code := _choice(value, choices):
        return code
    allowed = ", ".join(code for code, _label in choices)
    raise ValueError(str(NOT_A_CHOICE[what]).format(value=value, allowed=allowed))


def psa_active(value: str) -> bool | None:
    """A PSA's status or active cell: True for active, False for inactive, None when unclear."""
    text = value.strip().lower()
    if text in INACTIVE_WORDS or text in {"no", "n", "false", "0"}:
        return False
    if text in ACTIVE_WORDS or text in {"yes", "y", "true", "1"}:
        return True
    return None


def user_index(users: list[Any]) -> dict[str, Any]:
    """Active staff by username, email and full name (lower case), for matching a vCIO cell."""
    index: dict[str, Any] = {}
    for user in users:
        for key in (user.username, user.email, user.get_full_name()):
            if key:
                index.setdefault(key.strip().lower(), user)
    return index


def money_cents(value: str) -> int | None:
    """Whole cents of an amount such as "1250", "1,250.50" or "$1,250.50"; None for an empty cell."""
    text = re.sub(r"[\s,$€£]", "", value)
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(gettext("“{value}” is not an amount such as 1250.00").format(value=value)) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(
            gettext("“{value}” is not an amount of 0 or more with at most two decimals").format(value=value)
        )
    return int(amount * 100)


def iso_date(value: str) -> datetime.date | None:
    """A YYYY-MM-DD date; None for an empty cell."""
    text = value.strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(gettext("“{value}” is not a date written YYYY-MM-DD").format(value=value)) from None
