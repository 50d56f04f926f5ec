"""The signed documents in the signer's language (issue 24): a snapshot with "language": "fr-ca"
prints a French document; a Quebec signer's express choice of English is printed as evidence; an
English document renders as it always did."""

import io
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from django.utils import translation
from pypdf import PdfReader

from recommendations.documents.pdf import EnglishChoice, render_document
from tests.recommendations.documents.pdf.test_render import waiver_data

CHOICE = EnglishChoice(
    version="2026-12-en-choice",
    text="I expressly choose to receive this document in English and to be bound by it in English.",
    chosen_at=datetime(2026, 12, 5, 15, 4, 5, tzinfo=UTC),
)


def _text(pdf: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_waiver_signed_in_french_is_printed_in_french() -> None:
    text = _text(render_document(waiver_data(language="fr-ca")))

    for french in (
        "Acceptation des risques et décharge de responsabilité relatives aux contrôles de sécurité recommandés",
        "Contrôles recommandés refusés par le client",
        "En signant le présent document, Côté & Żółć Avocats LLP reconnaît ce qui suit",
        "la Firme n'est pas responsable des pertes",
        "Raison du refus donnée par le Client",
        "Annexe — preuve de signature électronique",
        "Vérifiez ce document",
        "Numéro du document",
        "Entente de services",
        "Date et heure (UTC)",
    ):
        assert french in text, french
    for english in ("Risk acceptance and waiver", "Acknowledgment", "By signing this document", "Signed by"):
        assert english not in text, english


def test_dates_in_a_french_document_are_french() -> None:
    text = _text(render_document(waiver_data(language="fr-ca")))

    # The first refusal is valid until 8 June 2025; the second, 6 September 2025.
    assert "8 juin 2025" in text
    assert "6 septembre 2025" in text
    assert "June" not in text


def test_a_french_document_prints_french_typography_with_the_embedded_font() -> None:
    pdf = render_document(waiver_data(language="fr-ca"))
    text = _text(pdf)

    # « guillemets » (their non-breaking spaces extract as spaces) and accented capitals.
    assert "« la Firme »" in text
    assert "Événement" in text
    assert "Raison du refus donnée par le Client" in text
    # The text is drawn in the embedded DejaVu Sans, which covers French (é è à ç ô « » ’).
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(io.BytesIO(pdf)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert {"/AAAAAA+DejaVuSans", "/AAAAAA+DejaVuSans-Bold"} <= fonts, fonts


@pytest.mark.parametrize(
    ("kind", "outcome", "title"),
    [
        ("confirmation", "accepted", "Confirmation des recommandations de sécurité acceptées"),
        ("consent", "given", "Attestation de consentement à l'installation de programmes d'ordinateur"),
    ],
)
def test_the_other_kinds_are_printed_in_french_too(kind: str, outcome: str, title: str) -> None:
    item = replace(waiver_data().items[0], outcome=outcome, valid_until=None, cadence_days=None)
    data = waiver_data(kind=kind, language="fr-ca", items=(item,))

    text = _text(render_document(data))

    assert title in text
    assert "Reconnaissance" in text
    assert "Acknowledgment" not in text


def test_an_express_choice_of_english_is_printed_with_its_time() -> None:
    text = _text(render_document(waiver_data(english_choice=CHOICE)))

    assert "Express choice of English" in text
    assert "Statement (version 2026-12-en-choice)" in text
    assert CHOICE.text in text
    assert "5 December 2026, 15:04:05 UTC" in text


def test_without_an_express_choice_nothing_is_said_about_language() -> None:
    assert "Express choice of English" not in _text(render_document(waiver_data()))


def test_the_document_language_does_not_follow_the_active_language() -> None:
    english = render_document(waiver_data())

    with translation.override("fr-ca"):
        assert render_document(waiver_data()) == english
        assert render_document(waiver_data(language="en")) == english


def test_a_french_render_is_deterministic() -> None:
    data = waiver_data(language="fr-ca")

    assert render_document(data) == render_document(replace(data))
