"""Every notice the product sends staff (and the reminders it sends signatories) is written in its
own pair of templates, templates/emails/notices/<notice>.html and .txt, from a context of data:
the Python that queues it says what happened, never how to word it."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from riskreg.mail.services import email_enqueue

ROOT = Path(__file__).resolve().parents[3]
NOTICES = Path(settings.BASE_DIR) / "templates" / "emails" / "notices"
CLIENT = "Côté & Fils <Ltd>"
ITEMS = [{"title": "Offsite backups", "level_label": "Critical", "valid_until": datetime.date(2026, 11, 20)}]
LINK = "https://riskreg.example/somewhere/"

# One example context per notice, as its caller builds it, and a sentence its text part must say.
EXAMPLES: dict[str, tuple[dict, str]] = {
    "audit_digest": (
        {
            "day": "2027-03-01",
            "chain_intact": False,
            "event_count": 12,
            "head_sequence": 12,
            "head_hash": "ab" * 32,
            "taken_at": "2027-03-01T00:15:00+00:00",
            "path": "/var/digests/audit-digest-2027-03-01.json",
            "file_name": "audit-digest-2027-03-01.json",
            "token_file_name": "audit-digest-2027-03-01.json.tsr",
            "timestamped": True,
        },
        "Verification: BROKEN.\n\nEvents checked: 12.",
    ),
    "audit_digest_missing": (
        {"days": ["2027-02-27", "2027-02-28"]},
        "No digest file was written for: 2027-02-27, 2027-02-28.",
    ),
    "integrity_alert": (
        {"problems": ["RR-2026-000001: the file changed.", "The audit chain is broken: event 4"]},
        "It found 2 problems:\n\nRR-2026-000001: the file changed.\n\nThe audit chain is broken: event 4",
    ),
    "webhook_disabled": (
        {
            "endpoint_url": "https://hooks.example/in",
            "consecutive_failures": 8,
            "last_error": "HTTP 503",
            "link_url": LINK,
        },
        "after 8 failed attempts in a row with no successful delivery in between. The last error: HTTP 503.",
    ),
    "consent_withdrawn": (
        {
            "client_name": CLIENT,
            "software_name": "Atlas RMM",
            "publisher": "Atlas Inc.",
            "withdrawn_at": datetime.datetime(2026, 12, 5, 14, 30, tzinfo=datetime.UTC),
            "installed": True,
            "link_url": LINK,
        },
        f"was withdrawn on 2026-12-05 14:30 UTC. It is installed: uninstall it from {CLIENT}'s computers",
    ),
    "request_locked": (
        {"client_name": CLIENT, "max_code_attempts": 5, "link_url": LINK},
        f"The signing request for {CLIENT} received 5 wrong one-time codes and has been locked.",
    ),
    "request_reminder": (
        {
            "signatory_name": "Hélène Côté",
            "client_name": CLIENT,
            "sent_on": datetime.date(2026, 12, 1),
            "expires_on": datetime.date(2026, 12, 15),
            "vcio_name": "",
            "vcio_email": "",
        },
        "it works until 15 December 2026. If you cannot find the email, ask your provider for a new link.",
    ),
    "request_expired": (
        {"purpose_label": "Re-acknowledgment", "signatory_name": "Hélène Côté", "sent_on": datetime.date(2026, 12, 1)}
        | {"link_url": LINK},
        "The re-acknowledgment request sent to Hélène Côté on 1 December 2026 was not answered",
    ),
    "reack_escalation": (
        {
            "grace_days": 14,
            "clients": [
                {"name": CLIENT, "liability_coverage": 44.4, "risk_score": 99, "items": ITEMS, "url": LINK},
                {"name": "Northwind", "liability_coverage": 50, "risk_score": 75, "items": ITEMS, "url": LINK},
            ],
            "link_url": LINK,
        },
        "Refusals have lapsed\n\n",
    ),
    "reack_heads_up": (
        {"signatory_name": "Hélène Côté", "client_name": CLIENT, "days_left": 1, "items": ITEMS},
        "due for review in 1 day\n\nHello Hélène Côté,",
    ),
    "reack_signatory_gone": (
        {"client_name": CLIENT, "signatory_name": "", "items": ITEMS * 2, "grace_days": 14, "link_url": LINK},
        f"2 signed refusals at {CLIENT} must be re-acknowledged. The person who signed them can no longer sign",
    ),
    "condition_overdue": (
        {
            "client_name": CLIENT,
            "decided_on": datetime.date(2026, 9, 1),
            "due_on": datetime.date(2026, 11, 30),
            "condition": "Enable MFA for every admin",
            "owner_name": "Vera Castillo",
            "risk_score": 81,
            "uncovered_exposure": Decimal("125000.00"),
            "link_url": LINK,
        },
        "Owner: Vera Castillo. Risk score now 81, uncovered exposure 125000.00.",
    ),
}


def notice_names() -> set[str]:
    return {path.stem for path in NOTICES.glob("*.*") if not path.name.startswith("_")}


def send(notice: str, context: dict):
    return email_enqueue(
        idempotency_key=f"notice:{notice}",
        kind=notice,
        to=["vera@msp.example"],
        subject="A notice",
        template=f"notices/{notice}",
        context=context,
    )


def test_every_notice_has_an_html_and_a_text_template_and_an_example_here():
    html = {path.stem for path in NOTICES.glob("*.html") if not path.name.startswith("_")}
    text = {path.stem for path in NOTICES.glob("*.txt") if not path.name.startswith("_")}

    assert html == text
    assert html == set(EXAMPLES)


@pytest.mark.django_db
@pytest.mark.parametrize("notice", sorted(EXAMPLES))
def test_each_notice_words_its_data_in_both_parts(notice):
    context, sentence = EXAMPLES[notice]

    email = send(notice, context)

    assert sentence in email.body_text
    # Data is escaped in the HTML part only: the text part goes out as plain text.
    if CLIENT in email.body_text:
        assert "Côté &amp; Fils &lt;Ltd&gt;" in email.body_html
        assert "&amp;" not in email.body_text
    if context.get("link_url"):
        assert f'<a href="{LINK}"' in email.body_html
        assert f": {LINK}\n" in email.body_text


@pytest.mark.django_db
def test_the_refusals_a_notice_lists_are_one_line_each():
    email = send("reack_heads_up", EXAMPLES["reack_heads_up"][0] | {"items": ITEMS * 2, "days_left": 7})

    assert "• Offsite backups (Critical risk), valid until 20 November 2026\n" * 2 in email.body_text
    assert "review them again: you may accept a recommendation" in email.body_text
    assert email.body_html.count("<li>Offsite backups (Critical risk), valid until 20 November 2026</li>") == 2


@pytest.mark.django_db
def test_a_notice_to_a_signatory_names_their_vcio_when_the_client_has_one():
    context = EXAMPLES["request_reminder"][0] | {"vcio_name": "Vera Castillo", "vcio_email": "vera@msp.example"}

    email = send("request_reminder", context)

    assert "ask Vera Castillo (vera@msp.example) for a new link." in email.body_text


@pytest.mark.django_db
def test_the_consent_withdrawal_time_is_shown_in_the_practices_time_zone(settings):
    settings.TIME_ZONE = "America/Toronto"
    context = EXAMPLES["consent_withdrawn"][0] | {"installed": False}

    with timezone.override("America/Toronto"):
        email = send("consent_withdrawn", context)

    assert f"was withdrawn on 2026-12-05 09:30 EST. It is not installed: do not install it at {CLIENT}." in (
        email.body_text
    )


def test_no_product_code_words_a_notice_in_python():
    """Only the generic admins notice (riskreg/audit/tasks.py, for callers that pass their own
    paragraphs) may still render the paragraph template; every other email names its own."""
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("riskreg", "clients", "recommendations")
        for path in (ROOT / package).rglob("*.py")
        if re.search(r"template=\"staff_notice\"", path.read_text()) and path != ROOT / "riskreg" / "audit" / "tasks.py"
    ]

    assert offenders == []
