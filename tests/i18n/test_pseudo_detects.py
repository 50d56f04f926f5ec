"""The pseudo-locale check itself: it finds an unmarked template string, Python message and PDF
label, and passes the same things marked (templates under tests/i18n/templates, msgids in
tests/i18n/probe.po as makemessages would write them)."""

import subprocess
from pathlib import Path

import pytest
from django.template import engines
from django.utils.translation import gettext, ngettext
from reportlab.platypus import Paragraph

from recommendations.documents.pdf.layout import make_styles, register_fonts
from recommendations.documents.pdf.render import build_pdf
from tests.i18n.pseudo import Data, build_pseudo_locale, findings, unmarked, use_pseudo_locale, visible_text
from tests.i18n.test_pseudo_locale import pdf_text

PROBES = Path(__file__).parent / "templates" / "i18n_probe"
DATA = Data(["Harbourview Clinic"], ["Harbourview", "Clinic"])


@pytest.fixture
def probe_locale(tmp_path, settings):
    root = build_pseudo_locale(tmp_path, extra_po=[Path(__file__).parent / "probe.po"])
    with use_pseudo_locale(settings, root):
        yield


def render(name: str, **context) -> str:
    return visible_text(engines["django"].from_string((PROBES / name).read_text()).render(context))


def test_marked_template_strings_pass(probe_locale):
    text = render("marked.html", client_name="Harbourview Clinic", items=3)

    assert "⟦Marked heading⟧" in text
    assert findings(text, DATA) == []


def test_an_unmarked_template_string_is_found(probe_locale):
    found = findings(render("unmarked.html"), DATA)

    assert found == ["Forgotten paragraph", "Forgotten placeholder"]


def test_an_unmarked_python_message_is_found(probe_locale):
    marked = gettext("Marked message for %(client)s") % {"client": "Harbourview Clinic"}
    plural = ngettext("%(count)s marked item", "%(count)s marked items", 2) % {"count": 2}
    client = "Harbourview Clinic"
    forgotten = f"Message for {client}"

    assert findings(marked, DATA) == findings(plural, DATA) == []
    assert findings(forgotten, DATA) == ["Message for Harbourview Clinic"]


def test_an_unmarked_pdf_label_is_found(probe_locale):
    register_fonts()
    styles = make_styles()
    story = [Paragraph(gettext("Marked PDF label"), styles.body), Paragraph("Forgotten PDF label", styles.body)]
    pdf = build_pdf(story, title=gettext("Marked heading"), practice_name="Harbourview Clinic", document_id="RR-1")

    text = pdf_text(pdf)

    assert "⟦Marked PDF label⟧" in text
    assert [line for line in findings(text, DATA) if "Forgotten" in line] == ["Forgotten PDF label"]


def test_data_numbers_urls_and_product_names_are_not_findings():
    text = "Harbourview Clinic · RR-2026-000123 · 1 234,56 $ · https://example.com/x · ops@example.com · RiskReg vCIO"

    assert findings(text, DATA) == []


def test_nested_markers_and_words_split_by_tags_count_as_marked():
    assert unmarked("Before ⟦Signed by ⟦Accepted⟧ on⟧ after").split() == ["Before", "after"]
    assert findings(visible_text("<p>⟦Click <a href='/'>here</a> now⟧</p>"), DATA) == []


def test_the_pdf_text_tool_is_installed():
    assert subprocess.run(["pdftotext", "-v"], capture_output=True).returncode == 0


def test_text_in_another_language_on_purpose_is_not_a_finding_and_the_rest_still_is():
    html = (
        '<html lang="en"><p><a href="?lang=fr-ca" lang="fr-ca">Français <span>(Canada)</span></a> Forgotten</p>'
        '<p lang="fr-CA">Lire et signer en français</p><img lang="fr" alt="Unmarked picture"><p>After it</p></html>'
    )

    assert findings(visible_text(html), DATA) == ["Forgotten", "After it"]


def test_a_setup_key_in_code_and_a_withheld_secret_are_not_findings():
    text = visible_text("<p><code>NPUI SPVN OQ2S J4DJ</code></p><p>⟦Link:⟧ [personal signing link — withheld]</p>")

    assert findings(text, DATA) == []
    unmarked_after = "[personal signing link — withheld] and more"
    assert findings(unmarked_after, DATA) == [unmarked_after]


def test_a_passage_wrapped_beside_a_column_of_labels_is_not_a_finding_but_a_line_outside_it_is():
    passage = "I agree to sign this record electronically for Harbourview Clinic and I understand the terms at no cost."
    data = Data(["Harbourview Clinic"], ["Harbourview", "Clinic"], [passage, "Clinic's computers are covered here."])
    pdf = (
        "⟦Consent to electronic⟧     I agree to sign this record electronically for Harbourview\n"
        "⟦records⟧                   Clinic and I understand the terms\n"
        "                            at no cost.\n"
        "                            Clinic's computers are covered here.\n"
        "                            I understand the forgotten label\n"
    )

    assert findings(pdf, data) == ["I understand the forgotten label"]


def test_a_date_time_in_numbers_with_utc_is_not_a_finding():
    assert findings("⟦Sent⟧ 2026-12-05 22:09 UTC · 5 ⟦December⟧ 2026, 22:10:02 UTC", DATA) == []
