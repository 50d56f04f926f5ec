"""Install-consent requests (CASL) through the signing flow, the consent record, and withdrawal."""

import hashlib
import html
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from clients.models import CAPABILITY_DISCLOSURES, PracticeProfile, Software
from clients.software import software_update
from recommendations import signing
from recommendations.documents import selectors as document_selectors
from recommendations.documents import services as document_services
from recommendations.models import Decision, DecisionRequest, WaiverDocument
from recommendations.signing.signature_image import decode_signature
from riskreg.audit.models import AuditEvent
from riskreg.mail.models import OutboundEmail
from tests.signing_helpers import delivered, document_create, latest_code, signature_data_url, token_from_mail

PRACTICE = {
    "legal_name": "Northwind Managed IT Inc.",
    "mailing_address": "200 Bay Street, Suite 1200\nToronto ON M5J 2J2",
    "email": "consent@northwind.example",
    "phone": "+1 416 555 0100",
}
WHY = "Canada's Anti-Spam Legislation (CASL, section 8) requires the express consent"
TEXT = {label: text for _, label, text in CAPABILITY_DISCLOSURES}


# --- helpers (imported by the privacy and browser tests) ---------------------------------------


def casl_practice() -> PracticeProfile:
    PracticeProfile.objects.filter(pk=PracticeProfile.load().pk).update(**PRACTICE)
    return PracticeProfile.load()


def make_program(client, name: str, **flags) -> Software:
    return Software.objects.create(
        client=client,
        name=name,
        publisher=f"{name} Software Corp.",
        function_and_purpose=f"{name} keeps the clinic's computers patched and monitored around the clock.",
        **flags,
    )


def send_consent(client_record, vcio, programs: list[Software], message: str = "") -> tuple[DecisionRequest, str]:
    """A consent request sent and its email delivered: (request, token of its signing link)."""
    request = signing.consent_request_send(
        actor=vcio,
        client=client_record,
        signatory=client_record.contacts.get(can_sign=True, erased_at__isnull=True),
        software=programs,
        message=message,
    )
    return request, token_from_mail(request)


def evidence(**overrides) -> signing.SignerEvidence:
    values = {
        "typed_name": "Hélène Côté",
        "typed_title": "Executive Director",
        "signature_png": decode_signature(signature_data_url()),
        "ip_address": "203.0.113.7",
        "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)",
        "signer_timezone": "America/Toronto",
    }
    return signing.SignerEvidence(**{**values, **overrides})


def sign_consent(request: DecisionRequest, outcomes: dict[int, str], reason: str = "") -> DecisionRequest:
    """outcomes: software pk -> Decision outcome."""
    signing.signing_code_send(request=request)
    signing.signing_code_verify(request=request, code=latest_code(request))
    items = {item.software_id: item.pk for item in request.items.all()}
    return signing.decision_request_complete(
        request=request,
        choices=[signing.ItemChoice(items[pk], outcome, reason) for pk, outcome in outcomes.items()],
        evidence=evidence(),
    )


def pdf_text(document) -> str:
    """The PDF's text without whitespace or page footers, so text running over lines and pages compares."""
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = "".join("".join((page.extract_text() or "").split()) for page in reader.pages)
    footer = (
        re.escape(squash(PRACTICE["legal_name"])) + r"?Document" + re.escape(document.document_id) + r"·page\d+of\d+"
    )
    return re.sub(footer, "", text)


def squash(text: str) -> str:
    """Whitespace-free, so text wrapped over PDF lines still compares."""
    return "".join(text.split())


def withdrawal_link(email: OutboundEmail, program: Software) -> str:
    """The program's withdrawal link in the email as its recipient received it."""
    pattern = rf"{re.escape(program.name)}.*?(https?://\S+?/withdraw/[\w-]+/)"
    return re.search(pattern, delivered(email).body, re.S).group(1)


@pytest.fixture(autouse=True)
def _remove_rendered_pdfs(db):
    """Media is shared by the whole session and the database rolls back to the same document
    ids: a PDF left behind would make the next test's file get a suffixed name."""
    yield
    for document in WaiverDocument.objects.exclude(file=""):
        document.file.storage.delete(document.file.name)


@pytest.fixture
def programs(client_record):
    casl_practice()
    rmm = make_program(
        client_record,
        "Atlas RMM agent",
        collects_personal_information=True,
        changes_settings_or_data=True,
        communicates_with_other_systems=True,
        allows_remote_access=True,
        install_status="installed",
    )
    backup = make_program(client_record, "Harbor backup agent", communicates_with_other_systems=True)
    return rmm, backup


# --- the request ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_consent_email_carries_every_casl_disclosure(client_record, vcio, programs):
    rmm, backup = programs

    request, _ = send_consent(client_record, vcio, [rmm, backup], message="Needed before the RMM rollout.")

    email = OutboundEmail.objects.get(idempotency_key=f"request:{request.public_id}:link")
    body = delivered(email).body
    assert email.kind == "consent_request" and email.to == ["helene@harbourview.example"]
    for value in (*PRACTICE.values(), WHY, "withdraw any consent you give at any time"):
        assert value in body
    for program in (rmm, backup):
        assert program.name in body and program.publisher in body and program.function_and_purpose in body
        assert withdrawal_link(email, program)
    for label, text in TEXT.items():
        assert f"{label}: {text}" in body
    # The backup agent only communicates: its block has that one disclosure, not the others.
    backup_block = body.split(backup.name, 1)[1]
    assert TEXT["Communicates with other computer systems"] in backup_block
    assert TEXT["Allows remote access"] not in backup_block
    assert withdrawal_link(email, rmm) != withdrawal_link(email, backup)


@pytest.mark.django_db
def test_sending_marks_each_program_requested_and_audits_it(client_record, vcio, programs):
    rmm, backup = programs

    request, _ = send_consent(client_record, vcio, [rmm, backup])

    assert set(Software.objects.values_list("consent_status", flat=True)) == {"requested"}
    assert request.purpose == "software_consent"
    assert list(request.items.values_list("software__name", flat=True)) == [rmm.name, backup.name]
    assert AuditEvent.objects.filter(event_type="software.consent_requested").count() == 2
    assert AuditEvent.objects.filter(event_type="request.sent", object_id=str(request.public_id)).exists()


@pytest.mark.django_db
def test_the_withdrawal_link_is_stored_only_as_a_hash(client_record, vcio, programs):
    rmm, _ = programs
    request, _ = send_consent(client_record, vcio, [rmm])
    email = OutboundEmail.objects.get(idempotency_key=f"request:{request.public_id}:link")
    token = withdrawal_link(email, rmm).rstrip("/").rsplit("/", 1)[1]

    row = rmm.withdrawal_tokens.get()

    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in email.body_text and token not in email.body_html
    assert "[personal withdrawal link 1 — withheld]" in email.body_text


@pytest.mark.django_db
def test_consent_cannot_be_asked_without_the_practice_mailing_address(client_record, vcio, programs):
    PracticeProfile.objects.update(mailing_address="")

    with pytest.raises(signing.SigningError, match="mailing address"):
        send_consent(client_record, vcio, list(programs))

    assert not DecisionRequest.objects.exists()


@pytest.mark.django_db
def test_a_program_already_consented_or_waiting_cannot_be_sent_again(client_record, vcio, programs):
    rmm, backup = programs
    send_consent(client_record, vcio, [rmm])

    with pytest.raises(signing.SigningError, match="Already waiting"):
        send_consent(client_record, vcio, [rmm, backup])
    Software.objects.filter(pk=backup.pk).update(consent_status="given")
    with pytest.raises(signing.SigningError, match="lack consent"):
        send_consent(client_record, vcio, [backup])


@pytest.mark.django_db
def test_the_start_page_states_what_casl_requires(client, client_record, vcio, programs):
    rmm, backup = programs
    request, token = send_consent(client_record, vcio, [rmm, backup])

    page = client.get(reverse("sign:start", args=[token])).content.decode()

    assert "Why we ask" in page and "Who is asking" in page and "Your right to withdraw" in page
    for value in (PRACTICE["legal_name"], "200 Bay Street, Suite 1200", PRACTICE["email"], PRACTICE["phone"]):
        assert value in page
    assert "Canada&#x27;s Anti-Spam Legislation" in page
    for program in (rmm, backup):
        assert program.name in page and html.escape(program.function_and_purpose) in page
    for label, text in TEXT.items():
        assert label in page and html.escape(text) in page
    # A page is not an email: the withdrawal links live only in the messages sent to the signatory.
    assert "/withdraw/" not in page
    assert "it is in the email that brought you this request" in page


@pytest.mark.django_db
def test_the_decide_page_offers_give_consent_or_refuse(client, client_record, vcio, programs):
    rmm, _ = programs
    request, token = send_consent(client_record, vcio, [rmm])
    client.post(reverse("sign:send_code", args=[token]))
    client.post(reverse("sign:verify", args=[token]), {"code": latest_code(request)})

    page = client.get(reverse("sign:decide", args=[token])).content.decode()

    assert "Give consent" in page and "Refuse" in page and ">Accept<" not in page
    assert "Comment (optional)" in page
    assert signing.CONSENT_INTENT_TEXT in page


@pytest.mark.django_db
def test_a_signer_gives_and_refuses_consent_through_the_pages(client, client_record, vcio, programs):
    rmm, backup = programs
    request, token = send_consent(client_record, vcio, [rmm, backup])
    client.post(reverse("sign:send_code", args=[token]))
    client.post(reverse("sign:verify", args=[token]), {"code": latest_code(request)})
    items = {item.software_id: item.pk for item in request.items.all()}
    data = {
        "consent": "on",
        "intent": "on",
        "typed_name": "Hélène Côté",
        "typed_title": "Executive Director",
        "signature": signature_data_url(),
        "signer_timezone": "America/Toronto",
        f"outcome_{items[rmm.pk]}": "consent_given",
        f"reason_{items[rmm.pk]}": "",
        f"outcome_{items[backup.pk]}": "consent_refused",
        f"reason_{items[backup.pk]}": "",
    }

    response = client.post(reverse("sign:decide", args=[token]), data, follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "your decision is recorded" in page
    assert "You can withdraw this consent at any time, at no cost, with the personal withdrawal link" in page
    assert "/withdraw/" not in page
    assert dict(Software.objects.values_list("name", "consent_status")) == {rmm.name: "given", backup.name: "refused"}


@pytest.mark.django_db
def test_a_refusal_needs_no_reason_for_consent(client_record, vcio, programs):
    rmm, backup = programs
    request, _ = send_consent(client_record, vcio, [rmm, backup])

    sign_consent(request, {rmm.pk: "consent_refused", backup.pk: "consent_refused"})

    assert set(Decision.objects.values_list("outcome", "reason")) == {("consent_refused", "")}


@pytest.mark.django_db
def test_completing_records_decisions_statuses_and_audit_events(client_record, vcio, programs):
    rmm, backup = programs
    request, _ = send_consent(client_record, vcio, [rmm, backup])

    sign_consent(request, {rmm.pk: "consent_given", backup.pk: "consent_refused"}, reason="Not this quarter")

    request.refresh_from_db()
    rmm.refresh_from_db()
    backup.refresh_from_db()
    assert request.status == "completed"
    assert (rmm.consent_status, backup.consent_status) == ("given", "refused")
    assert rmm.consent_changed_at is not None
    outcomes = dict(Decision.objects.values_list("item__software__name", "outcome"))
    assert outcomes == {rmm.name: "consent_given", backup.name: "consent_refused"}
    assert request.signature.intent_text == signing.CONSENT_INTENT_TEXT
    assert request.signature.intent_version == signing.CONSENT_INTENT_VERSION
    given = AuditEvent.objects.get(event_type="software.consent_given")
    assert given.object_id == str(rmm.public_id) and given.actor_label.startswith("signer:")
    assert AuditEvent.objects.filter(event_type="software.consent_refused", object_id=str(backup.public_id)).exists()
    signed = AuditEvent.objects.get(event_type="request.signed", object_id=str(request.public_id))
    assert "consent given for 1, refused for 1" in signed.summary


@pytest.mark.django_db
def test_recommendation_outcomes_are_rejected_for_programs(client_record, vcio, programs):
    rmm, _ = programs
    request, _ = send_consent(client_record, vcio, [rmm])

    with pytest.raises(signing.SigningError, match="does not match"):
        sign_consent(request, {rmm.pk: "accept"})

    assert not Decision.objects.exists()
    assert Software.objects.get(pk=rmm.pk).consent_status == "requested"


@pytest.mark.django_db
def test_a_program_described_differently_after_sending_voids_the_request(client_record, vcio, programs):
    rmm, _ = programs
    request, _ = send_consent(client_record, vcio, [rmm])
    signing.signing_code_send(request=request)
    signing.signing_code_verify(request=request, code=latest_code(request))

    software_update(actor=vcio, software=rmm, data={"allows_remote_access": False})

    request.refresh_from_db()
    assert request.status == "voided" and "description of Atlas RMM agent changed" in request.close_reason
    with pytest.raises(signing.SigningError, match="changed after this request was sent"):
        signing.decision_request_complete(
            request=request,
            choices=[signing.ItemChoice(request.items.get().pk, "consent_given", "")],
            evidence=evidence(),
        )
    assert Software.objects.get(pk=rmm.pk).consent_status == "requested"


@pytest.mark.django_db
def test_resending_a_consent_request_keeps_its_programs(client_record, vcio, programs):
    request, old_token = send_consent(client_record, vcio, list(programs))

    new_request = signing.decision_request_resend(actor=vcio, request=request)

    assert new_request.purpose == "software_consent" and new_request.replaces == request
    assert signing.request_for_token(old_token) is None
    assert set(new_request.items.values_list("software", flat=True)) == {p.pk for p in programs}


# --- the consent record (PDF) -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_consent_pdf_records_every_disclosure_and_where_the_withdrawal_link_is(
    client_record, vcio, programs, django_capture_on_commit_callbacks
):
    rmm, backup = programs
    request, _ = send_consent(client_record, vcio, [rmm, backup])
    sign_consent(request, {rmm.pk: "consent_given", backup.pk: "consent_refused"})

    with django_capture_on_commit_callbacks(execute=True):
        document = document_services.request_document_create(request_id=request.pk)

    assert document.kind == "consent"
    text = pdf_text(document)
    assert squash("Record of consent to install computer programs") in text
    for value in (*PRACTICE.values(), WHY, "withdraw its consent at any time"):
        assert squash(value) in text
    for program in (rmm, backup):
        assert squash(program.name) in text and squash(program.function_and_purpose) in text
    assert squash("Consent given") in text and squash("Consent refused") in text
    for label, disclosure in TEXT.items():
        assert squash(f"{label}: {disclosure}") in text
    # A stored document holds no working link; it says where the signer's link is.
    assert "/withdraw/" not in text
    where = "with the personal withdrawal link emailed to helene@harbourview.example with this record"
    assert text.count(squash(where)) == 1, "a refused program has no consent to withdraw"
    assert squash(signing.CONSENT_INTENT_TEXT) in text


@pytest.mark.django_db
def test_the_signed_copy_lists_each_answer_and_only_the_signer_gets_withdrawal_links(client_record, vcio, programs):
    rmm, backup = programs
    request, _ = send_consent(client_record, vcio, [rmm, backup])
    sign_consent(request, {rmm.pk: "consent_given", backup.pk: "consent_refused"})

    document = document_create(request)

    signer = OutboundEmail.objects.get(idempotency_key=f"request:{request.public_id}:document:signer")
    staff = OutboundEmail.objects.get(idempotency_key=f"request:{request.public_id}:document:vcio")
    for email in (signer, staff):
        assert document.document_id in email.body_text
        assert f"{rmm.name} ({rmm.publisher}): consent given" in email.body_text
        assert f"{backup.name} ({backup.publisher}): consent refused" in email.body_text
    request_link = withdrawal_link(OutboundEmail.objects.get(kind="consent_request"), rmm)
    signer_links = re.findall(r"https?://\S+?/withdraw/[\w-]+/", delivered(signer).body)
    assert signer_links == [withdrawal_link(signer, rmm)] and signer_links != [request_link]
    assert "/withdraw/" not in signer.body_text and "[personal withdrawal link 1 — withheld]" in signer.body_text
    # A withdrawal is the client's act: staff never get the links.
    assert "/withdraw/" not in delivered(staff).body and staff.to == [vcio.email]
    # Both emails' links work, each its own.
    assert rmm.withdrawal_tokens.count() == 2


@pytest.mark.django_db
def test_the_consent_pdf_renders_identically_twice(client_record, vcio, programs):
    rmm, _ = programs
    request, _ = send_consent(client_record, vcio, [rmm])
    sign_consent(request, {rmm.pk: "consent_given"})
    request = DecisionRequest.objects.select_related("client", "signature").get(pk=request.pk)

    first = document_selectors.document_data_for_request(request)
    second = document_selectors.document_data_for_request(request)

    assert first == second


# --- staff pages ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_send_a_consent_request_from_the_client(vcio_client, client_record, programs):
    rmm, backup = programs
    url = reverse("register:consent_request_create", args=[client_record.public_id])
    signatory = client_record.contacts.get()

    page = vcio_client.get(url).content.decode()
    response = vcio_client.post(url, {"signatory": signatory.pk, "software": [rmm.pk], "message": ""})

    assert rmm.name in page and backup.name in page
    request = DecisionRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("signing:request_detail", args=[request.public_id])
    detail = vcio_client.get(response.url).content.decode()
    assert "Software-install consent request" in detail and rmm.name in detail


@pytest.mark.django_db
def test_sending_without_choosing_a_program_says_so(vcio_client, client_record, programs):
    url = reverse("register:consent_request_create", args=[client_record.public_id])

    response = vcio_client.post(url, {"signatory": client_record.contacts.get().pk, "message": ""})

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not DecisionRequest.objects.exists()


@pytest.mark.django_db
def test_an_outsider_cannot_send_a_consent_request(outsider_client, client_record, programs):
    url = reverse("register:consent_request_create", args=[client_record.public_id])

    response = outsider_client.post(url, {"signatory": client_record.contacts.get().pk, "software": [programs[0].pk]})

    assert response.status_code == 404
    assert not DecisionRequest.objects.exists()
