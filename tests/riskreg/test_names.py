import pytest
from django.core.exceptions import ValidationError

from riskreg.names import has_hidden_characters, name_key, same_name, validate_plain_name


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        ("helene  cote", "Hélène Côté"),
        ("HÉLÈNE CÔTÉ", "Hélène Côté"),
        ("He\u0301le\u0300ne Co\u0302te\u0301", "Hélène Côté"),  # decomposed accents
        ("Ｈélène Côté", "Hélène Côté"),  # a full-width letter (NFKC)
        ("Strauß", "STRAUSS"),
    ],
)
def test_spellings_of_the_same_name_match(typed, recorded):
    assert same_name(typed, recorded)


@pytest.mark.parametrize(
    ("typed", "recorded"), [("Dana Whitfield", "Hélène Côté"), ("Hélène", "Hélène Côté"), ("", ""), ("   ", "   ")]
)
def test_other_names_and_empty_names_do_not_match(typed, recorded):
    assert not same_name(typed, recorded)


def test_the_key_folds_case_accents_and_spaces():
    assert name_key("  Hélène\tCÔTÉ ") == "helene cote"


@pytest.mark.parametrize(
    "value",
    ["Dana\u202eWhitfield", "Dana\u2066Whitfield", "Dana\u200bWhitfield", "Dana\ufffd", "Dana\nWhitfield", "Dana\x00"],
)
def test_hidden_direction_changing_and_damaged_characters_are_refused(value):
    assert has_hidden_characters(value)
    with pytest.raises(ValidationError, match="direction-changing"):
        validate_plain_name(value)


@pytest.mark.parametrize("value", ["Hélène Côté", "O’Brien-Smith, Jr.", "李小龙", "Zoë Ångström"])
def test_ordinary_names_in_any_script_are_accepted(value):
    validate_plain_name(value)


@pytest.mark.django_db
def test_a_contact_name_with_a_right_to_left_override_is_refused_by_the_contact_form():
    from clients.forms import ContactForm

    form = ContactForm(data={"name": "Dana\u202eWhitfield", "title": "CEO", "email": "dana@example.com"})

    assert not form.is_valid()
    assert "direction-changing" in form.errors["name"][0]
