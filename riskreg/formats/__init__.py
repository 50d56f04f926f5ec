"""Money and numbers as the active language writes them, from exact cents (no float on the way).

English: $1,234.56 and 1,234.56; Canadian French: 1 234,56 $ and 1 234,56 (Django's fr_CA
formats: a decimal comma, a no-break space between thousands and before the dollar sign).
Thousands are always grouped here, whatever USE_THOUSAND_SEPARATOR says.

fr_CA/formats.py beside this file corrects Django's fr_CA time formats; settings name this
package in FORMAT_MODULE_PATH.
"""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import get_language

NO_BREAK_SPACE = "\xa0"


def amount(cents: int) -> str:
    """Cents as a grouped number with two decimals in the active language: 1,234.56 / 1 234,56."""
    return number_format(Decimal(cents).scaleb(-2), decimal_pos=2, use_l10n=True, force_grouping=True)


def money(cents: int) -> str:
    """Cents as a price in the active language: $1,234.56 / 1 234,56 $."""
    if (get_language() or "").lower().startswith("fr"):
        return f"{amount(cents)}{NO_BREAK_SPACE}$"
    sign, digits = ("-", amount(-cents)) if cents < 0 else ("", amount(cents))
    return f"{sign}${digits}"


def plain_amount(cents: int) -> str:
    """Cents for a machine to read, in every language: 1234.56 (CSV exports)."""
    sign, cents = ("-", -cents) if cents < 0 else ("", cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"
