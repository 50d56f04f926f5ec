"""What the signed record says about each item and about the provider (issue 21, item 11): the
advisor who made the recommendation, the day it was first presented, the cost the signer was
shown, and the provider's contact details under the e-sign disclosure that refers to them. All
of it from the request's frozen snapshot; a snapshot taken before these facts existed still
renders as it did."""

import datetime
import json
import subprocess

import pytest
from django.core.files.storage import default_storage

from clients.models import PracticeProfile
from recommendations import signing
from recommendations.documents.selectors import document_data_for_request
from recommendations.models import DecisionRequest, Recommendation, WaiverDocument
from recommendations.signing.snapshot import canonical_json, snapshot_sha256
from riskreg.accounts.models import User
from tests.recommendations.documents.test_pipeline import REASON, evidence
from tests.recommendations.signing.test_consent import PRACTICE, casl_practice
from tests.recommendations.signing.test_snapshots import PRESENTED_ON, presented
from tests.signing_helpers import document_create, latest_code

CONTACT_BLOCK = (
    "Contact details of the provider Northwind Managed IT Inc. 200 Bay Street, Suite 1200 Toronto ON M5J 2J2 "
    "Email: consent@northwind.example Phone: +1 416 555 0100"
)
NEW_FACTS = ("Recommended by", "First presented", "To be quoted", "Contact details of the provider")


@pytest.fixture
def dana(db) -> User:
    return User.objects.create_user(username="dana", first_name="Dana", last_name="Whitfield")


def send_and_sign(client_record, vcio, advisor: User, outcomes: dict[str, str]) -> DecisionRequest:
    """Three recommendations by `advisor`, first presented on 3 March 2026, sent and signed through
    the services; the document is not rendered yet (its task runs on commit)."""
    casl_practice()
    costs = {
        "Multi-factor authentication": {"one_time_cost_cents": 120000, "recurring_monthly_cost_cents": 4500},
        "Offsite backups": {},
        "Endpoint detection": {"recurring_monthly_cost_cents": 900},
    }
    recommendations = [
        presented(client_record, advisor, on=PRESENTED_ON, title=title, likelihood=5 - n, impact=5, **costs[title])
        for n, title in enumerate(outcomes)
    ]
    request = signing.decision_request_send(
        actor=vcio, client=client_record, signatory=client_record.contacts.get(), recommendations=recommendations
    )
    signing.signing_code_send(request=request)
    signing.signing_code_verify(request=request, code=latest_code(request))
    choices = [
        signing.ItemChoice(
            item_id=item.pk,
            outcome=outcomes[item.recommendation.title],
            reason=REASON if outcomes[item.recommendation.title] == "refuse" else "",
        )
        for item in request.items.select_related("recommendation")
    ]
    return signing.decision_request_complete(request=request, choices=choices, evidence=evidence())


def sealed_text(request: DecisionRequest) -> str:
    """The sealed PDF as pdftotext reads it, whitespace collapsed."""
    document = document_create(request) or WaiverDocument.objects.get(request=request)
    with default_storage.open(document.file.name, "rb") as handle:
        pdf = handle.read()
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())


@pytest.mark.django_db
def test_the_waiver_names_the_advisor_the_first_presented_day_and_the_cost_of_each_item(client_record, vcio, dana):
    request = send_and_sign(
        client_record,
        vcio,
        dana,
        {"Multi-factor authentication": "refuse", "Offsite backups": "refuse", "Endpoint detection": "accept"},
    )

    text = sealed_text(request)

    assert text.count("Recommended by Dana Whitfield") == 2, "once per waived item"
    assert text.count("First presented to the Client 3 March 2026") == 2
    assert "Estimated cost 1,200.00 one-time + 45.00 per month" in text
    # The signer was shown "To be quoted" for a recommendation without a cost: the record says so too.
    assert "Estimated cost To be quoted" in text


@pytest.mark.django_db
def test_the_confirmation_names_the_advisor_and_the_first_presented_day_too(client_record, vcio, dana):
    request = send_and_sign(client_record, vcio, dana, {"Endpoint detection": "accept"})

    text = sealed_text(request)

    assert "Confirmation of accepted security recommendations" in text
    assert "Recommended by Dana Whitfield" in text
    assert "First presented to the Client 3 March 2026" in text
    assert "Estimated cost 9.00 per month" in text


@pytest.mark.django_db
def test_the_providers_contact_details_are_printed_directly_under_the_disclosure(client_record, vcio, dana):
    request = send_and_sign(client_record, vcio, dana, {"Offsite backups": "refuse"})

    text = sealed_text(request)

    disclosure = " ".join(request.signature.consent_text.split())
    assert "contact details of the managed service provider below" in disclosure
    assert f"{disclosure} {CONTACT_BLOCK} Statement of intent" in text


@pytest.mark.django_db
def test_the_facts_come_from_the_snapshot_not_the_live_rows(client_record, vcio, dana):
    request = send_and_sign(client_record, vcio, dana, {"Offsite backups": "refuse"})
    # After sending: the owner renamed and replaced, the status date and the practice's contacts edited.
    User.objects.filter(pk=dana.pk).update(first_name="Changed", last_name="Later")
    Recommendation.objects.filter(client=client_record).update(
        owner=vcio, status_changed_at=PRESENTED_ON + datetime.timedelta(days=60), one_time_cost_cents=99900
    )
    PracticeProfile.objects.update(phone="+1 000 000 0000", mailing_address="Moved away")

    text = sealed_text(request)

    assert "Recommended by Dana Whitfield" in text and "Changed Later" not in text
    assert "First presented to the Client 3 March 2026" in text
    assert "Estimated cost To be quoted" in text and "999.00" not in text
    assert CONTACT_BLOCK in text and "Moved away" not in text


def as_format_1(request: DecisionRequest) -> None:
    """Rewrite the request's stored snapshot as one sent before it held these facts."""
    shown = json.loads(request.snapshot)
    shown["format"] = "riskreg-signing-snapshot/1"
    del shown["disclosure"]["contact"]
    for item in shown["items"]:
        del item["advisor"], item["first_presented_on"]
    text = canonical_json(shown)
    DecisionRequest.objects.filter(pk=request.pk).update(snapshot=text, content_hash=snapshot_sha256(text))
    request.refresh_from_db()


@pytest.mark.django_db
def test_a_snapshot_taken_before_these_facts_renders_as_before(client_record, vcio, dana):
    request = send_and_sign(
        client_record,
        vcio,
        dana,
        {"Multi-factor authentication": "refuse", "Offsite backups": "refuse", "Endpoint detection": "accept"},
    )
    as_format_1(request)

    data = document_data_for_request(request)
    text = sealed_text(request)

    assert data.disclosure_contact is None
    assert [(item.advisor, item.first_presented_on) for item in data.items] == [("", None)] * 3
    # No cost line where it was to be quoted, as before; the costs it held print as they did.
    assert [item.estimated_cost for item in data.items] == [
        "1,200.00 one-time + 45.00 per month",
        None,
        "9.00 per month",
    ]
    for fact in NEW_FACTS:
        assert fact not in text, fact
    assert "Estimated cost 1,200.00 one-time + 45.00 per month" in text
    assert PRACTICE["legal_name"] in text, "the letterhead still names the practice"
