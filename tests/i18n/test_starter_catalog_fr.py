"""The starter catalog in Canadian French (recommendations/catalog_fr.py): every control of the
English catalog has its four client-facing texts, written in French (not copied), within the
Control fields' limits, with Quebec typography."""

import re

import pytest

from recommendations.catalog import STARTER_CATALOG
from recommendations.catalog_fr import STARTER_CATALOG_FR
from recommendations.models import Control

FIELDS = ("title", "description", "why_it_matters", "consequences")
ENGLISH = {entry["code"]: entry for entry in STARTER_CATALOG}


def test_every_starter_control_has_french_texts_and_nothing_else():
    assert set(STARTER_CATALOG_FR) == set(ENGLISH)
    assert all(set(texts) == set(FIELDS) for texts in STARTER_CATALOG_FR.values())


@pytest.mark.parametrize("code", sorted(ENGLISH))
def test_each_french_text_is_written_and_fits_its_field(code):
    for field in FIELDS:
        french = STARTER_CATALOG_FR[code][field]
        limit = Control._meta.get_field(field).max_length
        assert french.strip() == french and french, f"{code}.{field} is empty or padded"
        assert french != ENGLISH[code][field], f"{code}.{field} is the English text"
        assert limit is None or len(french) <= limit, f"{code}.{field} is {len(french)} characters, over {limit}"


@pytest.mark.parametrize("code", sorted(ENGLISH))
def test_the_french_follows_quebec_usage(code):
    for field in FIELDS:
        french = STARTER_CATALOG_FR[code][field]
        assert not re.search(r"\b[Ee]-?mails?\b", french), f"{code}.{field}: courriel, not e-mail"
        assert "'" not in french, f"{code}.{field}: the typographic apostrophe ’"
        assert not re.search(r"[^\u00a0]:", french), f"{code}.{field}: a no-break space before the colon"
        assert not re.search(r"\s[;!?]", french), f"{code}.{field}: no space before ; ! ? (Quebec usage)"
