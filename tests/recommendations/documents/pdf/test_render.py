"""The PDF renderer: plain data in, a complete and faithful document out."""

import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from recommendations.documents.pdf import (
    AgreementTerms,
    DocumentData,
    DocumentItem,
    PracticeLetterhead,
    SignatureEvidence,
    TimelineEntry,
    render_document,
)

SENT_AT = datetime(2025, 3, 10, 9, 12, 3, tzinfo=UTC)
MARKUP = "<b>x</b> & <script>alert(1)</script>"
EXCLUSIONS = (
    "The Practice is not responsible for systems not listed in Schedule A, nor for losses "
    "caused by the Client declining a recommended control."
)
USER_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
CONTENT_HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
VERIFY_URL = "https://riskreg.example/verify/WVR-2025-0042"


def _png(size: tuple[int, int], *, mode: str = "RGBA") -> bytes:
    image = Image.new(mode, size, (0, 0, 0, 0) if mode == "RGBA" else (31, 58, 95))
    ImageDraw.Draw(image).line([(20, 150), (120, 40), (220, 160), (380, 60)], fill="navy", width=5)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _item(**overrides: object) -> DocumentItem:
    values: dict[str, object] = {
        "code": "IAM-MFA",
        "title": "Multi-factor authentication for all accounts",
        "description": "A second proof of identity on every sign-in to email and remote access.",
        "why_it_matters": "Stolen passwords are the most common way into a small business.",
        "consequences": "An attacker with one stolen password can divert invoice payments.",
        "risk_level_label": "Critical",
        "inherent_score": 20,
        "outcome": "refused",
        "reason": "Hélène Côté finds the prompts slow down the reception desk.",
        "valid_until": date(2025, 6, 8),
        "cadence_days": 90,
        "estimated_cost": "CAD 0 (included in licence)",
    }
    values.update(overrides)
    return DocumentItem(**values)  # type: ignore[arg-type]


def waiver_data(**overrides: object) -> DocumentData:
    """A complete two-item waiver; the seal tests render it too."""
    items = (
        _item(),
        _item(
            code="BKP-IMM",
            title="Immutable offsite backups",
            consequences="After ransomware the firm may be unable to restore client files.",
            risk_level_label="High",
            inherent_score=16,
            reason=f"Budget. Łukasz Żółć says: {MARKUP}",
            valid_until=date(2025, 9, 6),
            cadence_days=180,
        ),
    )
    values: dict[str, object] = {
        "document_id": "WVR-2025-0042",
        "kind": "waiver",
        "client_name": "Côté & Żółć Avocats LLP",
        "practice": PracticeLetterhead(
            legal_name="Northwind Managed Services Ltd.",
            mailing_address="120 King Street West\nToronto, ON M5H 1J9",
            email="vcio@northwind.example",
            phone="+1 416 555 0100",
            website="northwind.example",
            logo_png=_png((400, 120), mode="RGB"),
        ),
        "agreement": AgreementTerms(
            reference="MSA-2024-017",
            effective_date=date(2024, 1, 15),
            scope="Fully managed IT services for 45 endpoints.",
            responsibilities="The Client approves changes.",
            exclusions=EXCLUSIONS,
        ),
        "items": items,
        "signature": SignatureEvidence(
            typed_name="Hélène Côté",
            title="Managing Partner",
            email="helene@cote-avocats.example",
            signed_at=SENT_AT + timedelta(hours=2, minutes=30),
            signer_timezone="America/Toronto",
            ip_address="203.0.113.42",
            user_agent=USER_AGENT,
            signature_png=_png((600, 200)),
            code_verified_at=SENT_AT + timedelta(hours=2, minutes=27),
        ),
        "timeline": (
            TimelineEntry("Request sent", SENT_AT),
            TimelineEntry("Request viewed", SENT_AT + timedelta(hours=2)),
            TimelineEntry("One-time code verified", SENT_AT + timedelta(hours=2, minutes=27)),
            TimelineEntry("Signed", SENT_AT + timedelta(hours=2, minutes=30)),
        ),
        "content_hash": CONTENT_HASH,
        "consent_version": "2025-01",
        "consent_text": "I agree to use electronic records and signatures.",
        "intent_text": "I refuse these recommendations and accept the risks described.",
        "verification_url": VERIFY_URL,
    }
    values.update(overrides)
    return DocumentData(**values)  # type: ignore[arg-type]


def _pages(pdf: bytes) -> list[str]:
    """Each page's text with whitespace collapsed, so wrapped lines read as one."""
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _text(pdf: bytes) -> str:
    return " ".join(_pages(pdf))


def test_a_waiver_contains_every_required_element() -> None:
    text = _text(render_document(waiver_data()))

    expected = [
        "Northwind Managed Services Ltd.",
        "120 King Street West",
        "vcio@northwind.example",
        "Risk acceptance and waiver of recommended security controls",
        "WVR-2025-0042",
        "Côté & Żółć Avocats LLP",
        "Multi-factor authentication for all accounts",
        "Immutable offsite backups",
        "A second proof of identity on every sign-in",
        "Stolen passwords are the most common way into a small business.",
        "Critical — inherent risk score 20 of 25 (likelihood × impact)",
        "High — inherent risk score 16 of 25",
        "An attacker with one stolen password can divert invoice payments.",
        "After ransomware the firm may be unable to restore client files.",
        "Hélène Côté finds the prompts slow down the reception desk.",
        "Łukasz Żółć",
        "is not responsible for losses, damages, costs or claims that a declined control",
        "knowingly accepts the risks",
        "MSA-2024-017",
        EXCLUSIONS,
        "8 June 2025",
        "6 September 2025",
        "every 90 days",
        "Hélène Côté",
        "Managing Partner",
        "helene@cote-avocats.example",
        "203.0.113.42",
        "EDT",
        "America/Toronto",
        "One-time code sent to helene@cote-avocats.example",
        USER_AGENT,
        CONTENT_HASH,
        "Consent to electronic records (version 2025-01)",
        "I agree to use electronic records and signatures.",
        "I refuse these recommendations and accept the risks described.",
        "Request viewed",
        VERIFY_URL,
    ]
    missing = [snippet for snippet in expected if snippet not in text]
    assert missing == []


def test_table_text_reads_in_order_label_then_value() -> None:
    """Copying, search and screen readers follow the drawing order."""
    text = _text(render_document(waiver_data()))

    assert f"Exclusions {EXCLUSIONS}" in text
    assert "Reference MSA-2024-017 Effective date 15 January 2024" in text
    assert "Signed by Hélène Côté Title Managing Partner Email helene@cote-avocats.example" in text


def test_user_text_is_printed_literally_not_as_markup() -> None:
    text = _text(render_document(waiver_data(client_name=f"Acme {MARKUP}")))

    assert f"Acme {MARKUP}" in text
    assert MARKUP in text


def test_a_risk_level_label_is_printed_literally_however_long() -> None:
    short, long = f"Severe {MARKUP}", f"Severe {MARKUP} " * 3
    items = (_item(risk_level_label=short), _item(code="BKP-IMM", risk_level_label=long))

    text = _text(render_document(waiver_data(items=items)))

    assert f"{short} — inherent risk score 20 of 25" in text
    assert f"{' '.join(long.split())} — inherent risk score 20 of 25" in text


def test_each_document_names_its_own_practice_and_client_in_the_shared_wording() -> None:
    """The fixed wording is laid out once per process; the sentences that name the parties are not."""
    other = waiver_data(
        client_name="Smith & Daughters Ltd.",
        practice=replace(waiver_data().practice, legal_name="Southwind IT Inc.", mailing_address="9 Elm Road\nLeeds"),
    )

    first, second = _text(render_document(waiver_data())), _text(render_document(other))

    assert "on behalf of Côté & Żółć Avocats LLP" in first
    assert "on behalf of Smith & Daughters Ltd." in second
    assert "Southwind IT Inc. (“the Practice”) provides managed IT services to Smith & Daughters Ltd." in second
    assert "9 Elm Road Leeds" in second
    assert [name for name in ("Northwind", "Côté & Żółć Avocats LLP", "King Street") if name in second] == []


def test_long_texts_flow_onto_further_pages_with_page_numbers() -> None:
    long_exclusions = " ".join([EXCLUSIONS] * 80)
    agreement = replace(waiver_data().agreement, exclusions=long_exclusions)
    long_reason = "Our budget is committed elsewhere this year. " * 150
    items = (_item(reason=long_reason),)

    pdf = render_document(waiver_data(agreement=agreement, items=items))

    pages = _pages(pdf)
    total = len(pages)
    assert total >= 3
    bodies = []
    for number, page in enumerate(pages, start=1):
        footer = f"Northwind Managed Services Ltd. Document WVR-2025-0042 · page {number} of {total}"
        assert page.endswith(footer)
        bodies.append(page.removesuffix(footer).strip())
    text = " ".join(bodies)
    assert long_exclusions in text
    assert long_reason.strip() in text


@pytest.mark.parametrize(
    ("kind", "outcome", "title"),
    [
        ("confirmation", "accepted", "Confirmation of accepted security recommendations"),
        ("consent", "given", "Record of consent to install computer programs"),
        ("consent", "refused", "Record of consent to install computer programs"),
    ],
)
def test_other_kinds_render_their_own_title_and_decision(kind: str, outcome: str, title: str) -> None:
    items = (_item(outcome=outcome, valid_until=None, cadence_days=None, reason=""),)

    text = _text(render_document(waiver_data(kind=kind, items=items)))

    assert title in text
    assert "Multi-factor authentication for all accounts" in text
    assert {"accepted": "Accepted", "given": "Consent given", "refused": "Consent refused"}[outcome] in text
    assert "Risk acceptance and waiver" not in text


def test_rendering_is_deterministic() -> None:
    data = waiver_data()

    assert render_document(data) == render_document(data)


def test_it_renders_without_logo_agreement_or_code_verification() -> None:
    data = waiver_data(agreement=None, practice=replace(waiver_data().practice, logo_png=None))
    data = replace(data, signature=replace(data.signature, code_verified_at=None))

    text = _text(render_document(data))

    assert "No written service agreement was on record" in text
    assert "No one-time code was verified" in text


def test_an_unknown_time_zone_is_printed_as_recorded() -> None:
    data = waiver_data()
    data = replace(data, signature=replace(data.signature, signer_timezone="Mars/Olympus"))

    text = _text(render_document(data))

    assert "10 March 2025, 11:42:03 UTC" in text
    assert "Mars/Olympus" in text


def test_a_waiver_needs_at_least_one_refusal() -> None:
    with pytest.raises(ValueError, match="at least one item with outcome \\['refused'\\]"):
        render_document(waiver_data(items=(_item(outcome="accepted", valid_until=None),)))


def test_a_waiver_rejects_an_outcome_it_cannot_record() -> None:
    with pytest.raises(ValueError, match="outcome 'given'"):
        render_document(waiver_data(items=(_item(), _item(code="X-1", outcome="given"))))


def test_acceptances_signed_with_refusals_are_listed_in_the_waiver_but_not_waived() -> None:
    accepted = _item(
        code="EDR-01", title="Endpoint detection and response", outcome="accepted", reason="", valid_until=None
    )
    text = _text(render_document(waiver_data(items=(_item(), accepted))))

    assert "Recommendations accepted in the same decision" in text
    assert "EDR-01 — Endpoint detection and response" in text
    assert "not covered by this waiver" in text
    assert "1. IAM-MFA" in text
    assert "2. EDR-01" not in text


def test_a_refusal_without_a_valid_until_date_is_rejected() -> None:
    with pytest.raises(ValueError, match="valid-until"):
        render_document(waiver_data(items=(_item(valid_until=None),)))


def test_naive_evidence_times_are_rejected() -> None:
    naive = datetime(2025, 3, 10, 9, 0)
    data = waiver_data()

    with pytest.raises(ValueError, match="naive"):
        render_document(replace(data, timeline=(TimelineEntry("Request sent", naive),)))
    with pytest.raises(ValueError, match="naive"):
        render_document(replace(data, signature=replace(data.signature, signed_at=naive)))


def test_the_waiver_says_how_the_signature_was_made(tmp_path) -> None:
    from recommendations.signing.signature_image import render_typed_signature

    data = waiver_data()
    adopted = render_typed_signature("Hélène Côté")
    typed = replace(
        data, signature=replace(data.signature, signature_png=adopted, method="Typed name adopted as signature")
    )

    pdf = render_document(typed)

    (tmp_path / "typed.pdf").write_bytes(pdf)
    assert "Signed with Typed name adopted as signature" in _text(pdf)
    assert "Signed with" not in _text(render_document(data))
