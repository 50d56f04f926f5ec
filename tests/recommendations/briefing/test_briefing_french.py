"""The briefing's own sentences and labels (outcomes, levels, the asks, money) in the briefing's
language: the selector runs in it (services.briefing_render), the renderer prints it."""

import io

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from recommendations.briefing.selectors import briefing_data
from recommendations.documents.pdf.briefing import render_briefing
from recommendations.models import SEAL_LEVEL_TEXT


def _data(client):
    return briefing_data(
        client=client, today=timezone.localdate(), note="", document_id="BRF-TEST-1", prepared_by="Vera Castillo"
    )


@pytest.mark.django_db
def test_the_briefing_asks_and_labels_read_french_when_worked_out_in_french(quarter_of_work):
    with translation.override("fr-ca"):
        data = _data(quarter_of_work)

    assert data.decide_next[0] == (
        "Décidez pour «\xa0Endpoint detection\xa0» (risque élevé)\xa0: acceptez la recommandation, "
        "ou signez que vous assumez le risque."
    )
    reviews = [ask for ask in data.decide_next if ask.startswith("Revoyez d'ici le ")]
    assert len(reviews) == 2 and "Email filtering and DMARC" in reviews[0]
    assert {d.outcome_label for d in data.decisions} == {"Acceptée", "Risque accepté (refus)"}
    assert {risk.level_label for risk in data.top_risks} >= {"Critique", "Élevé"}
    assert {risk.level for risk in data.top_risks} >= {"critical", "high"}
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(render_briefing(data, language="fr-ca"))).pages
    )
    for english in ("Decide on", "Review your acceptance", "Risk accepted", "Accepted", "High", "Critical"):
        assert english not in text, english


@pytest.mark.django_db
def test_the_briefing_reads_english_in_english(quarter_of_work):
    with translation.override("en"):
        data = _data(quarter_of_work)

    assert data.decide_next[0] == (
        "Decide on “Endpoint detection” (high risk): accept it, or sign that you carry the risk."
    )
    assert {d.outcome_label for d in data.decisions} == {"Accepted", "Risk accepted (refused)"}


def test_the_seal_explanation_is_in_the_reader_language_and_english_by_default():
    with translation.override("en"):
        assert str(SEAL_LEVEL_TEXT["B-B"]).startswith("PAdES B-B: sealed with the Practice's certificate")
    with translation.override("fr-ca"):
        assert str(SEAL_LEVEL_TEXT["B-B"]).startswith("PAdES B-B\xa0: scellé avec le certificat de la firme")
