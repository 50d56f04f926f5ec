"""Every signing purpose is described once, and the description is what the flow follows."""

from itertools import combinations

import pytest

from recommendations.documents.selectors import document_kind_for
from recommendations.models import Decision, DecisionRequest
from recommendations.signing import content
from recommendations.signing.purposes import PURPOSES, describe


def test_every_purpose_in_the_models_choices_has_exactly_one_description():
    assert set(PURPOSES) == set(DecisionRequest.Purpose.values)
    for purpose, description in PURPOSES.items():
        assert description.purpose == purpose


def test_a_purpose_nobody_described_fails_loudly_rather_than_borrowing_another():
    with pytest.raises(KeyError):
        describe("board_resolution")


def test_each_purpose_makes_the_signer_agree_to_its_own_intent_text():
    assert describe(DecisionRequest.Purpose.DECISION).intent_text == content.INTENT_TEXT
    assert describe(DecisionRequest.Purpose.REACKNOWLEDGMENT).intent_text == content.INTENT_TEXT
    consent = describe(DecisionRequest.Purpose.SOFTWARE_CONSENT)
    assert consent.intent_text == content.CONSENT_INTENT_TEXT
    assert consent.intent_version == content.CONSENT_INTENT_VERSION


@pytest.mark.parametrize("purpose", DecisionRequest.Purpose.values)
def test_the_decide_form_offers_exactly_the_purposes_outcomes(purpose):
    description = describe(purpose)
    assert [value for value, _ in description.decide_form.OUTCOME_CHOICES] == list(description.outcomes)
    assert set(description.outcomes) <= set(Decision.Outcome.values)


@pytest.mark.parametrize("purpose", DecisionRequest.Purpose.values)
def test_every_signing_ends_in_one_of_the_purposes_documents(purpose):
    description = describe(purpose)
    for size in range(1, len(description.outcomes) + 1):
        for outcomes in combinations(description.outcomes, size):
            kind = document_kind_for([Decision(outcome=outcome) for outcome in outcomes])
            assert kind in description.document_kinds, (purpose, outcomes)


@pytest.mark.parametrize("purpose", DecisionRequest.Purpose.values)
def test_the_signed_summary_names_every_outcome_count(purpose):
    description = describe(purpose)
    summary = description.signed_summary.format(**dict.fromkeys(description.outcomes, 7))
    assert summary.count("7") == len(description.outcomes)
