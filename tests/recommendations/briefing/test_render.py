import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from clients.models import PracticeProfile
from recommendations.briefing.selectors import briefing_data, practice_letterhead
from recommendations.documents.pdf.briefing import render_briefing
from recommendations.documents.selectors import practice_logo

OUT = Path(__file__).resolve().parents[2] / "e2e" / "screenshots" / "briefing-pdf"


@pytest.mark.django_db
def test_the_briefing_renders_every_section_and_the_same_data_gives_the_same_bytes(quarter_of_work):
    data = briefing_data(
        client=quarter_of_work,
        today=timezone.localdate(),
        note="We made good progress this quarter.\nLet us talk about email security next.",
        document_id="BRF-TEST-1",
        prepared_by="Vera Castillo",
    )

    pdf = render_briefing(data)

    assert pdf == render_briefing(data)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for heading in (
        "Risk briefing",
        "A note from your vCIO",
        "Executive summary",
        "Your risk score over twelve months",
        "Your most serious open risks",
        "Decisions signed this period",
        "Accepted risks coming up for review",
        "Roadmap for the next four quarters",
        "What we ask you to decide next",
    ):
        assert heading in text, heading
    assert "Internal draft idea" not in text, "drafts are the vCIO's own notes"
    assert "Email filtering and DMARC" in text and "Security awareness training" in text
    # Kept for a person to look at (pdftoppm -r 60 -png), next to the browser screenshots.
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "briefing.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(OUT / "briefing.pdf"), str(OUT / "page")], check=True)


@pytest.mark.django_db
def test_markup_in_a_note_or_a_title_is_printed_as_text(quarter_of_work):
    quarter_of_work.recommendations.filter(title="Endpoint detection").update(title="EDR <b>now</b> & <para>")
    data = briefing_data(
        client=quarter_of_work,
        today=timezone.localdate(),
        note="Budget < 5k & <i>unclosed",
        document_id="BRF-TEST-2",
        prepared_by="Vera <Castillo>",
    )

    text = pdf_text(render_briefing(data))

    assert "Budget < 5k & <i>unclosed" in text
    assert "EDR <b>now</b> & <para>" in text


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.django_db
def test_the_briefing_and_the_signed_records_share_one_practice_logo(caplog):
    assert practice_logo() is None and practice_letterhead().logo_png is None
    png = io.BytesIO()
    Image.new("RGB", (40, 20), (31, 58, 95)).save(png, format="PNG")
    name = default_storage.save("practice/logo.png", ContentFile(png.getvalue()))
    PracticeProfile.objects.update(logo=name)

    assert practice_logo() == practice_letterhead().logo_png == png.getvalue()

    default_storage.delete(name)
    # A lost file must not hold up a briefing or a signed record: no logo, and a warning.
    assert practice_letterhead().logo_png is None
    assert f"Practice logo {name} is missing" in caplog.text
