import re

import pytest

from recommendations.catalog import STARTER_CATALOG

EXPECTED_KEYS = {
    "code",
    "title",
    "category",
    "description",
    "why_it_matters",
    "consequences",
    "default_likelihood",
    "default_impact",
    "nist_csf",
    "cis_controls",
}
TEXT_KEYS = EXPECTED_KEYS - {"default_likelihood", "default_impact"}
CATEGORIES = {
    "identity",
    "data_protection",
    "endpoint",
    "network",
    "email",
    "people",
    "operations",
    "governance",
    "vendor",
}
CODE_RE = re.compile(r"[A-Z0-9-]{3,32}")
CSF_ID_RE = re.compile(r"[A-Z]{2}\.[A-Z]{2}-\d{2}")
CIS_SAFEGUARD_RE = re.compile(r"\d{1,2}\.\d{1,2}")

controls = pytest.mark.parametrize("control", STARTER_CATALOG, ids=[c["code"] for c in STARTER_CATALOG])


def _split(references: str) -> list[str]:
    return [part.strip() for part in references.split(",")]


def test_the_catalog_ships_at_least_25_controls() -> None:
    assert len(STARTER_CATALOG) >= 25


def test_every_control_has_a_unique_code() -> None:
    codes = [c["code"] for c in STARTER_CATALOG]
    assert len(codes) == len(set(codes))


def test_every_control_has_a_unique_title() -> None:
    titles = [c["title"] for c in STARTER_CATALOG]
    assert len(titles) == len(set(titles))


@controls
def test_every_code_is_short_uppercase_letters_digits_and_hyphens(
    control: dict,
) -> None:
    assert CODE_RE.fullmatch(control["code"])


@controls
def test_every_control_has_exactly_the_expected_keys(control: dict) -> None:
    assert set(control) == EXPECTED_KEYS


@controls
def test_every_text_field_is_a_non_empty_string(control: dict) -> None:
    for key in TEXT_KEYS:
        assert isinstance(control[key], str), key
        assert control[key].strip(), key


@controls
def test_every_title_fits_in_120_characters(control: dict) -> None:
    assert len(control["title"]) <= 120


@controls
def test_default_likelihood_and_impact_are_integers_from_1_to_5(
    control: dict,
) -> None:
    for key in ("default_likelihood", "default_impact"):
        value = control[key]
        # bool is an int subclass; True would silently score as 1.
        assert type(value) is int, key
        assert 1 <= value <= 5, key


@controls
def test_every_category_is_one_of_the_allowed_categories(control: dict) -> None:
    assert control["category"] in CATEGORIES


def test_at_least_three_controls_start_as_critical_risks() -> None:
    critical = [c["code"] for c in STARTER_CATALOG if c["default_likelihood"] * c["default_impact"] >= 20]
    assert len(critical) >= 3


def test_mfa_and_offsite_backups_start_as_critical_risks() -> None:
    by_code = {c["code"]: c for c in STARTER_CATALOG}
    for code in ("IAM-MFA", "BCK-OFFSITE"):
        control = by_code[code]
        assert control["default_likelihood"] * control["default_impact"] >= 20


def test_default_risks_are_not_all_the_same_level() -> None:
    scores = {c["default_likelihood"] * c["default_impact"] for c in STARTER_CATALOG}
    assert min(scores) <= 6
    assert max(scores) >= 20


@controls
def test_every_nist_csf_reference_is_a_csf_2_subcategory_id(control: dict) -> None:
    for reference in _split(control["nist_csf"]):
        assert CSF_ID_RE.fullmatch(reference), reference


@controls
def test_every_cis_reference_is_a_safeguard_number(control: dict) -> None:
    for reference in _split(control["cis_controls"]):
        assert CIS_SAFEGUARD_RE.fullmatch(reference), reference
        control_number = int(reference.split(".")[0])
        # CIS Controls v8 has 18 controls.
        assert 1 <= control_number <= 18, reference
