"""The fonts the PDFs embed draw every character Canadian French needs: accented letters, the
ligatures, « guillemets », the typographic apostrophe and the no-break spaces around them."""

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from recommendations.documents.pdf.layout import FONT_DIR
from recommendations.signing import signature_image

FRENCH_LETTERS = "àâäçéèêëîïôöùûüÿœæ" + "àâäçéèêëîïôöùûüÿœæ".upper()
FRENCH_PUNCTUATION = "«»’‘“”–—…$€"
NO_BREAK_SPACES = "\u00a0\u202f"  # Django's fr_CA thousands separator; « » and ; : ! ? take a narrow one


@pytest.mark.parametrize("name", ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"])
def test_the_document_fonts_have_every_french_glyph(name):
    glyphs = TTFont(name, str(FONT_DIR / name)).face.charToGlyph

    missing = [char for char in FRENCH_LETTERS + FRENCH_PUNCTUATION + NO_BREAK_SPACES if ord(char) not in glyphs]

    assert missing == []


def test_a_typed_signature_draws_french_names_in_the_script_font():
    script, _, _ = signature_image._fonts()

    fallen_back = [char for char in FRENCH_LETTERS if signature_image._font_for(char) is not script]

    assert fallen_back == []
