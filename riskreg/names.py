"""Names and titles people type: what may not be in one, and when two name the same person.

A name on a signed record must read the same to everyone. Control characters, the
direction-changing marks of Unicode (U+202E turns "Dana" into "anaD" on screen) and other
invisible formatting characters make a name display as something it is not, and U+FFFD means
the text was damaged on the way in; none of them belongs in a name.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Cc control, Cf format (bidi overrides and isolates, zero-width characters), Cs surrogate,
# Co private use, Cn unassigned.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
REPLACEMENT_CHARACTER = "\ufffd"


def has_hidden_characters(value: str) -> bool:
    return any(char == REPLACEMENT_CHARACTER or unicodedata.category(char) in _REFUSED_CATEGORIES for char in value)


def validate_plain_name(value: str) -> None:
    """Refuse a name or title that would not display as what it is."""
    if has_hidden_characters(value):
        raise ValidationError(
            _(
                "Use letters, spaces and punctuation only: this contains a control or direction-changing "
                "character, or a damaged character (�). Type it again by hand."
            ),
            code="hidden_characters",
        )


def name_key(value: str) -> str:
    """The form in which two spellings of one name compare equal: compatibility-normalised
    (NFKC), case-folded, accents removed and runs of spaces made one. "Hélène Côté" and
    "helene  cote" have the same key."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    bare = "".join(char for char in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(char))
    return " ".join(bare.split())


def same_name(typed: str, recorded: str) -> bool:
    return bool(name_key(typed)) and name_key(typed) == name_key(recorded)
