"""A contact's personal data: the JSON export, erasure with legal hold, and the hold purge."""

import datetime
import hashlib
import json

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone

from clients.models import Contact, PracticeProfile
from recommendations import signing
from recommendations.documents import services as document_services
from recommendations.documents import verify as verification
from recommendations.models import Decision, DecisionRequest, Signature, WaiverDocument
from recommendations.privacy import services as privacy
from riskreg.audit.chain import verify_chain
from riskreg.audit.models import AuditEvent
from riskreg.mail.models import OutboundEmail
from riskreg.mail.services import email_enqueue
from tests.recommendations.signing.test_consent import evidence
from tests.signing_helpers import latest_code, send_request

NAME, EMAIL, PHONE = "Hélène Côté", "helene@harbourview.example", "+1 902 555 0199"
NEEDLES = ("Hélène", "Côté", EMAIL, PHONE)
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.GenericIPAddressField)


def personal_data_rows() -> set[tuple[str, int, str]]:
    """(model, pk, field) of every text column anywhere in the database that still holds the
    contact's name, email or phone."""
    found = set()
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        for row in model._base_manager.values("pk", *[f.attname for f in fields]):
            for field in fields:
                value = json.dumps(row[field.attname], ensure_ascii=False, default=str)
                if any(needle.lower() in value.lower() for needle in NEEDLES):
                    found.add((model._meta.label, row["pk"], field.name))
    return found


def sign_for(request: DecisionRequest) -> DecisionRequest:
    signing.signing_code_send(request=request)
    signing.signing_code_verify(request=request, code=latest_code(request))
    items = list(request.items.order_by("position"))
    return signing.decision_request_complete(
        request=request,
        choices=[
            signing.ItemChoice(items[0].pk, "refuse", "The clinic cannot afford it this year."),
            *[signing.ItemChoice(item.pk, "accept", "") for item in items[1:]],
        ],
        evidence=evidence(typed_name=NAME),
    )


@pytest.fixture(autouse=True)
def _remove_rendered_pdfs(db):
    """Media is shared by the whole session and the database rolls back to the same document
    ids: a PDF left behind would make the next test's file get a suffixed name."""
    yield
    for document in WaiverDocument.objects.exclude(file=""):
        document.file.storage.delete(document.file.name)


@pytest.fixture
def history(client_record, vcio, django_capture_on_commit_callbacks):
    """The signatory has signed one request (with its sealed PDF), has one open request, and a
    staff notice mentions them by name."""
    contact = client_record.contacts.get()
    Contact.objects.filter(pk=contact.pk).update(phone=PHONE, title="Executive Director")
    contact.refresh_from_db()
    signed, _, _ = send_request(client_record, vcio)
    DecisionRequest.objects.filter(pk=signed.pk).update(message=f"{NAME}, please decide before the board meeting.")
    sign_for(signed)
    # The sealed file takes its final name when the document's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        document = document_services.request_document_create(request_id=signed.pk)
    open_request, open_token, _ = send_request(client_record, vcio, titles=("Disk encryption",))
    email_enqueue(
        idempotency_key="test:staff-notice",
        kind="staff_notice",
        to=[vcio.email],
        subject="Choose another signatory",
        template="staff_notice",
        context={"heading": "Signatory gone", "paragraphs": [f"{NAME} can no longer sign for the client."]},
        scope=client_record.scope,
    )
    return contact, signed, document, open_request, open_token


def _file_bytes(document: WaiverDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


# --- export -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_export_contains_every_field_of_personal_data(vcio_client, history):
    contact, signed, document, open_request, _ = history
    signature = Signature.objects.get(request=signed)

    response = vcio_client.post(reverse("register:contact_export", args=[contact.public_id]))

    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert f'filename="contact-{contact.public_id}.json"' in response["Content-Disposition"]
    data = json.loads(response.content)
    assert {key: data["contact"][key] for key in ("name", "title", "email", "phone")} == {
        "name": NAME,
        "title": "Executive Director",
        "email": EMAIL,
        "phone": PHONE,
    }
    (exported,) = data["signatures"]
    assert exported == exported | {
        "typed_name": NAME,
        "typed_title": signature.typed_title,
        "email": signature.signer_email,
        "ip_address": "203.0.113.7",
        "user_agent": signature.user_agent,
        "timezone": "America/Toronto",
        "signed_at": signature.signed_at.isoformat(),
        "code_verified_at": signature.code_verified_at.isoformat(),
        "signature_image_sha256": hashlib.sha256(bytes(signature.signature_png)).hexdigest(),
        "document_id": document.document_id,
    }
    assert {r["id"] for r in data["requests_addressed_to_contact"]} == {
        str(signed.public_id),
        str(open_request.public_id),
    }
    assert f"{NAME}, please decide before the board meeting." in [
        r["message"] for r in data["requests_addressed_to_contact"]
    ]
    assert {d["outcome"] for d in data["decisions"]} == {"refuse", "accept"}
    assert "The clinic cannot afford it this year." in [d["reason"] for d in data["decisions"]]
    kinds = {e["kind"] for e in data["emails_sent_to_contact"]}
    assert {"decision_request", "signing_code", "signed_document"} <= kinds
    assert all(EMAIL in e["to"] for e in data["emails_sent_to_contact"])
    assert "staff_notice" not in kinds
    (notice,) = data["other_emails_mentioning_contact"]
    assert f"{NAME} can no longer sign" in notice["body_text"]
    assert {"request.viewed", "request.code_verified", "request.signed"} & {
        a["event"] for a in data["activity_as_signatory"]
    }


@pytest.mark.django_db
def test_every_stored_personal_value_of_the_contact_appears_in_the_export(vcio_client, history):
    contact = history[0]
    text = vcio_client.post(reverse("register:contact_export", args=[contact.public_id])).content.decode()
    rows = personal_data_rows()
    values = set()
    for label, pk, field in rows:
        if label in {"audit.AuditEvent"}:
            continue
        value = apps.get_model(label)._base_manager.values_list(field, flat=True).get(pk=pk)
        if label == "mail.OutboundEmail" and field in {"body_html", "attachments"}:
            continue  # the export carries each email's text part
        values.update(value if isinstance(value, list) else [value])

    missing = {value for value in values if json.dumps(value, ensure_ascii=False)[1:-1] not in text}

    assert values and missing == set()


@pytest.mark.django_db
def test_the_export_page_asks_first_and_the_download_is_audited(vcio_client, vcio, history):
    contact = history[0]
    url = reverse("register:contact_export", args=[contact.public_id])

    page = vcio_client.get(url)
    assert page.status_code == 200 and "Download the export" in page.content.decode()
    assert not AuditEvent.objects.filter(event_type="contact.exported").exists()

    vcio_client.post(url)

    event = AuditEvent.objects.get(event_type="contact.exported")
    assert event.actor == vcio and event.object_id == str(contact.public_id)
    assert not any(needle in f"{event.summary} {event.payload}" for needle in NEEDLES)


@pytest.mark.django_db
def test_an_outsider_can_neither_export_nor_erase(outsider_client, history):
    contact = history[0]

    export = outsider_client.post(reverse("register:contact_export", args=[contact.public_id]))
    erase = outsider_client.post(reverse("register:contact_erase", args=[contact.public_id]))

    assert (export.status_code, erase.status_code) == (404, 404)
    assert Contact.objects.get(pk=contact.pk).name == NAME


# --- erasure ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_erase_page_says_which_records_are_held_and_until_when(vcio_client, history):
    contact, signed, document, _, _ = history

    page = vcio_client.get(reverse("register:contact_erase", args=[contact.public_id])).content.decode()

    assert document.document_id in page
    assert "while a client, then 7 years" in page
    assert Contact.objects.get(pk=contact.pk).erased_at is None


@pytest.mark.django_db
def test_the_erase_page_gives_the_date_once_the_relationship_has_ended(vcio_client, history, client_record):
    contact = history[0]
    client_record.relationship_ended_on = datetime.date(2025, 3, 31)
    client_record.save()

    page = vcio_client.get(reverse("register:contact_erase", args=[contact.public_id])).content.decode()

    assert "held until <strong>2032-03-31</strong>" in page


@pytest.mark.django_db
def test_erasure_leaves_personal_data_only_inside_held_records(vcio_client, vcio, history):
    contact, signed, document, open_request, open_token = history
    before = _file_bytes(document)
    assert personal_data_rows()

    response = vcio_client.post(reverse("register:contact_erase", args=[contact.public_id]))

    assert response.status_code == 302
    held_signature = Signature.objects.get(request=signed).pk
    held_decisions = set(Decision.objects.filter(request=signed).values_list("pk", flat=True))
    leftovers = {
        (label, pk, field)
        for label, pk, field in personal_data_rows()
        if not (label == "recommendations.Signature" and pk == held_signature)
        and not (label == "recommendations.Decision" and pk in held_decisions)
    }
    assert leftovers == set()
    contact.refresh_from_db()
    assert (contact.name, contact.phone, contact.title, contact.can_sign) == ("Erased contact", "", "", False)
    assert contact.email.endswith("@erased.invalid") and contact.erased_at is not None
    # The held record is untouched and its PDF still verifies against the register.
    assert Signature.objects.get(pk=held_signature).typed_name == NAME
    document.refresh_from_db()
    after = _file_bytes(document)
    assert after == before and hashlib.sha256(after).hexdigest() == document.sha256
    assert verification.document_verify_file(pdf_bytes=after).outcome == "match"
    assert verify_chain().intact


@pytest.mark.django_db
def test_erasure_revokes_open_requests_and_stops_unsent_emails(vcio_client, history, client):
    contact, _, _, open_request, open_token = history
    # The signatory asked for a code on the open request; its email has not gone yet.
    signing.signing_code_send(request=open_request)
    pending = OutboundEmail.objects.filter(status="pending", to=[EMAIL]).count()

    vcio_client.post(reverse("register:contact_erase", args=[contact.public_id]))

    open_request.refresh_from_db()
    assert open_request.status == "revoked"
    assert signing.request_for_token(open_token) is None
    assert pending and not OutboundEmail.objects.filter(status="pending", to=[EMAIL]).exists()
    assert OutboundEmail.objects.filter(body_text=privacy.REDACTED_BODY).exclude(status="sent").count() >= pending


@pytest.mark.django_db
def test_the_erasure_is_audited_without_personal_data(vcio_client, vcio, history):
    contact, signed, _, _, _ = history

    vcio_client.post(reverse("register:contact_erase", args=[contact.public_id]))

    event = AuditEvent.objects.get(event_type="contact.erased")
    assert event.actor == vcio
    assert event.payload["held"] == [{"request": str(signed.public_id), "until": None}]
    assert not any(needle in f"{event.summary} {event.payload}" for needle in NEEDLES)


@pytest.mark.django_db
def test_erasure_only_removes_whole_word_mentions_in_other_emails(vcio_client, history, client_record, vcio):
    contact = history[0]
    Contact.objects.filter(pk=contact.pk).update(name="Ann")
    for key, text in (("mention", "Ann asked for a call."), ("word", "Annual review is due.")):
        email_enqueue(
            idempotency_key=f"test:{key}",
            kind="staff_notice",
            to=[vcio.email],
            subject=key,
            template="staff_notice",
            context={"heading": key, "paragraphs": [text]},
            scope=client_record.scope,
        )

    vcio_client.post(reverse("register:contact_erase", args=[contact.public_id]))

    assert "[erased] asked for a call." in OutboundEmail.objects.get(idempotency_key="test:mention").body_text
    assert "Annual review is due." in OutboundEmail.objects.get(idempotency_key="test:word").body_text


@pytest.mark.django_db
def test_erasing_twice_changes_nothing_more(vcio_client, history):
    contact = history[0]
    url = reverse("register:contact_erase", args=[contact.public_id])
    vcio_client.post(url)

    response = vcio_client.post(url, follow=True)

    assert "already been erased" in response.content.decode()
    assert AuditEvent.objects.filter(event_type="contact.erased").count() == 1


@pytest.mark.django_db
def test_an_erased_contact_cannot_be_edited_back(vcio_client, history):
    contact = history[0]
    vcio_client.post(reverse("register:contact_erase", args=[contact.public_id]))

    response = vcio_client.post(
        reverse("clients:contact_edit", args=[contact.public_id]),
        {"name": NAME, "email": EMAIL, "title": "", "phone": "", "can_sign": "on", "is_active": "on"},
    )

    assert response.status_code == 200 and "was erased" in response.content.decode()
    assert Contact.objects.get(pk=contact.pk).name == "Erased contact"


@pytest.mark.django_db
def test_erasure_after_the_hold_anonymises_the_signed_record_and_deletes_its_pdf(
    vcio_client, history, client_record, django_capture_on_commit_callbacks
):
    contact, signed, document, _, _ = history
    client_record.status = "former"
    client_record.relationship_ended_on = timezone.localdate() - datetime.timedelta(days=365 * 8)
    client_record.save()
    path = document.file.name

    with django_capture_on_commit_callbacks(execute=True):
        vcio_client.post(reverse("register:contact_erase", args=[contact.public_id]))

    assert personal_data_rows() == set()
    signature = Signature.objects.get(request=signed)
    assert (signature.typed_name, bytes(signature.signature_png), signature.ip_address) == (
        "Erased contact",
        b"",
        "0.0.0.0",
    )
    document.refresh_from_db()
    assert not document.file and not document.file.storage.exists(path)
    assert document.sha256, "the register still knows the document existed"


# --- the daily purge --------------------------------------------------------------------------


@pytest.mark.django_db
def test_held_records_are_anonymised_the_day_their_hold_passes(
    vcio_client, history, client_record, django_capture_on_commit_callbacks
):
    contact, signed, document, _, _ = history
    vcio_client.post(reverse("register:contact_erase", args=[contact.public_id]))
    ended = datetime.date(2026, 1, 15)
    client_record.relationship_ended_on = ended
    client_record.save()
    PracticeProfile.objects.update(retention_years=7)

    assert privacy.purge_expired_holds(today=datetime.date(2033, 1, 14)) == 0
    assert Signature.objects.get(request=signed).typed_name == NAME
    with django_capture_on_commit_callbacks(execute=True):
        assert privacy.purge_expired_holds(today=datetime.date(2033, 1, 15)) == 1
    assert privacy.purge_expired_holds(today=datetime.date(2033, 1, 16)) == 0

    assert personal_data_rows() == set()
    document.refresh_from_db()
    assert not document.file
    event = AuditEvent.objects.get(event_type="privacy.hold_released")
    assert event.object_id == str(signed.public_id) and event.payload == {"held_until": "2033-01-15"}


@pytest.mark.django_db
def test_the_purge_leaves_records_of_contacts_never_erased(history, client_record):
    _, signed, _, _, _ = history
    client_record.relationship_ended_on = datetime.date(2010, 1, 1)
    client_record.save()

    assert privacy.purge_expired_holds(today=datetime.date(2030, 1, 1)) == 0
    assert Signature.objects.get(request=signed).typed_name == NAME


@pytest.mark.django_db
def test_the_purge_runs_daily_from_beat():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["daily-privacy-hold-purge"]

    assert entry["task"] == "recommendations.tasks.purge_expired_holds"
