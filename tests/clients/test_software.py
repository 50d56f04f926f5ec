"""The software register: services, staff pages, agreement evidence and the without-consent flag."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfWriter

from clients import selectors
from clients import software as software_services
from clients.models import ServiceAgreement, Software
from recommendations.dashboard import selectors as dashboard
from riskreg.audit.models import AuditEvent
from tests.factories import AgreementFactory, ClientFactory
from tests.hostile_pdfs import deep_page_tree_pdf, inflating_object_stream_pdf

RMM = {
    "name": "Atlas RMM agent",
    "publisher": "Atlas Software Corp.",
    "function_and_purpose": "Monitors and patches every workstation.",
    "collects_personal_information": True,
    "changes_settings_or_data": True,
    "communicates_with_other_systems": True,
    "allows_remote_access": True,
}


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def consent_agreement(client, reference="MSA-CLAUSE") -> ServiceAgreement:
    agreement = AgreementFactory(client=client, reference=reference, has_software_consent_clause=True)
    agreement.signed_file.name = "agreements/signed.pdf"
    agreement.save()
    return agreement


def program(client, name="Atlas RMM agent", **fields) -> Software:
    return Software.objects.create(
        client=client, name=name, publisher="Acme", function_and_purpose="Monitoring", **fields
    )


# --- services ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_creating_software_writes_an_audit_event(client_record, vcio):
    software = software_services.software_create(actor=vcio, client=client_record, data=dict(RMM))

    event = AuditEvent.objects.get(event_type="software.created")
    assert event.object_id == str(software.public_id) and event.scope == client_record.scope
    assert event.payload["capabilities"] == [
        "collects_personal_information",
        "changes_settings_or_data",
        "communicates_with_other_systems",
        "allows_remote_access",
    ]
    assert software.install_status == "planned" and software.consent_status == "none"


@pytest.mark.django_db
def test_updating_software_audits_the_changed_fields_only(client_record, vcio):
    software = software_services.software_create(actor=vcio, client=client_record, data=dict(RMM))

    assert software_services.software_update(
        actor=vcio, software=software, data={**RMM, "publisher": "Atlas Inc."}
    ) == ["publisher"]
    assert (
        software_services.software_update(actor=vcio, software=software, data={**RMM, "publisher": "Atlas Inc."}) == []
    )
    assert AuditEvent.objects.filter(event_type="software.updated").count() == 1


@pytest.mark.django_db
def test_install_and_consent_states_cannot_be_edited_directly(client_record, vcio):
    software = program(client_record)

    with pytest.raises(ValueError):
        software_services.software_update(actor=vcio, software=software, data={"consent_status": "given"})


@pytest.mark.django_db
def test_marking_installed_then_removed_is_audited_and_not_repeatable(client_record, vcio):
    software = program(client_record)

    software_services.software_mark_installed(actor=vcio, software=software)
    with pytest.raises(ValidationError, match="already installed"):
        software_services.software_mark_installed(actor=vcio, software=software)
    software_services.software_mark_removed(actor=vcio, software=software)

    assert Software.objects.get().install_status == "removed"
    assert list(AuditEvent.objects.filter(object_id=str(software.public_id)).values_list("event_type", flat=True)) == [
        "software.installed",
        "software.removed",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("clause", "signed_file", "same_client"),
    [(False, "agreements/signed.pdf", True), (True, "", True), (True, "agreements/signed.pdf", False)],
)
def test_only_this_clients_signed_agreement_with_a_clause_can_stand_as_consent(
    client_record, vcio, clause, signed_file, same_client
):
    owner = client_record if same_client else ClientFactory()
    agreement = AgreementFactory(client=owner, reference="MSA-X", has_software_consent_clause=clause)
    agreement.signed_file.name = signed_file
    agreement.save()

    with pytest.raises(ValidationError, match="consent clause"):
        software_services.software_create(
            actor=vcio, client=client_record, data={**RMM, "consent_by_agreement": agreement}
        )

    assert not Software.objects.exists()


# --- the flag ---------------------------------------------------------------------------------

FLAG_CASES = [
    # install, consent, by agreement, flagged
    ("installed", "none", False, True),
    ("installed", "requested", False, True),
    ("installed", "refused", False, True),
    ("installed", "withdrawn", False, True),
    ("installed", "given", False, False),
    ("installed", "none", True, False),
    ("planned", "none", False, False),
    ("removed", "withdrawn", False, False),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("install", "consent", "by_agreement", "flagged"), FLAG_CASES)
def test_the_flag_follows_install_and_consent_states(client_record, install, consent, by_agreement, flagged):
    agreement = consent_agreement(client_record) if by_agreement else None
    program(client_record, install_status=install, consent_status=consent, consent_by_agreement=agreement)

    (row,) = selectors.software_for_client(client_record)

    assert row.without_consent is flagged
    assert selectors.clients_with_unconsented_software().filter(pk=client_record.pk).exists() is flagged
    # The dashboard counts with the very same definition.
    assert dashboard.software_without_consent_all().exists() is flagged


@pytest.mark.django_db
def test_an_agreement_that_lost_its_signed_copy_no_longer_counts(client_record):
    agreement = consent_agreement(client_record)
    program(client_record, install_status="installed", consent_by_agreement=agreement)
    assert not selectors.clients_with_unconsented_software().exists()

    ServiceAgreement.objects.filter(pk=agreement.pk).update(signed_file="")

    assert list(selectors.clients_with_unconsented_software()) == [client_record]


@pytest.mark.django_db
def test_the_client_page_flags_software_installed_without_consent(vcio_client, client_record, vcio):
    software = program(client_record, install_status="installed")
    url = reverse("register:client_detail", args=[client_record.public_id]) + "?section=software"

    flagged = vcio_client.get(url).content.decode()
    Software.objects.filter(pk=software.pk).update(consent_status="given")
    cleared = vcio_client.get(url).content.decode()

    assert "1 program installed without consent" in flagged and "Installed without consent" in flagged
    assert "installed without consent" not in cleared.lower()
    assert "Atlas RMM agent" in cleared


@pytest.mark.django_db
def test_the_client_page_query_count_does_not_grow_with_software(vcio_client, client_record):
    url = reverse("register:client_detail", args=[client_record.public_id]) + "?section=software"
    agreement = consent_agreement(client_record)
    program(client_record, name="Program 0", consent_by_agreement=agreement)
    with CaptureQueriesContext(connection) as one:
        vcio_client.get(url)
    for index in range(1, 15):
        program(client_record, name=f"Program {index}", install_status="installed", consent_by_agreement=agreement)

    with CaptureQueriesContext(connection) as many:
        response = vcio_client.get(url)

    assert "Program 14" in response.content.decode()
    assert len(many) == len(one)


# --- staff pages ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_add_software_from_the_client_page(vcio_client, client_record):
    url = reverse("clients:software_create", args=[client_record.public_id])

    response = vcio_client.post(url, {**RMM, "install_status": "installed", "consent_by_agreement": ""})

    assert response.status_code == 302 and response.url.endswith("#software")
    software = Software.objects.get()
    assert (software.client, software.install_status, software.allows_remote_access) == (
        client_record,
        "installed",
        True,
    )


@pytest.mark.django_db
def test_the_software_form_reports_missing_fields_and_saves_nothing(vcio_client, client_record):
    url = reverse("clients:software_create", args=[client_record.public_id])

    response = vcio_client.post(url, {"name": "Atlas RMM agent", "install_status": "planned"})

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Software.objects.exists()


@pytest.mark.django_db
def test_the_software_form_offers_only_agreements_that_can_stand_as_consent(vcio_client, client_record):
    consent_agreement(client_record, reference="MSA-WITH-CLAUSE")
    AgreementFactory(client=client_record, reference="MSA-NO-FILE", has_software_consent_clause=True)

    page = vcio_client.get(reverse("clients:software_create", args=[client_record.public_id])).content.decode()

    assert "MSA-WITH-CLAUSE" in page
    assert "MSA-NO-FILE" not in page and "MSA-2026-001" not in page


@pytest.mark.django_db
def test_staff_edit_software_and_mark_it_installed(vcio_client, client_record):
    software = program(client_record, consent_status="given")

    vcio_client.post(reverse("clients:software_edit", args=[software.public_id]), {**RMM, "consent_by_agreement": ""})
    vcio_client.post(reverse("clients:software_mark", args=[software.public_id, "installed"]))

    software.refresh_from_db()
    assert software.publisher == "Atlas Software Corp." and software.install_status == "installed"


@pytest.mark.django_db
def test_a_get_never_marks_anything(vcio_client, client_record):
    software = program(client_record, consent_status="given")

    response = vcio_client.get(reverse("clients:software_mark", args=[software.public_id, "installed"]))

    assert response.status_code == 302
    assert Software.objects.get().install_status == "planned"


@pytest.mark.django_db
@pytest.mark.parametrize("consent", ["refused", "withdrawn", "none", "requested"])
def test_marking_installed_without_consent_asks_for_confirmation_first(vcio_client, client_record, consent):
    software = program(client_record, consent_status=consent)
    url = reverse("clients:software_mark", args=[software.public_id, "installed"])

    shown = vcio_client.get(url)
    unconfirmed = vcio_client.post(url)

    assert shown.status_code == 200 and "has no consent in force" in shown.content.decode()
    assert unconfirmed.status_code == 200 and "CASL" in unconfirmed.content.decode()
    assert Software.objects.get().install_status == "planned"
    vcio_client.post(url, {"confirmed": "yes"})
    assert Software.objects.get().install_status == "installed"


@pytest.mark.django_db
def test_the_client_page_sends_a_refused_program_to_the_confirmation(vcio_client, client_record):
    refused = program(client_record, name="Refused agent", consent_status="refused")
    covered = program(client_record, name="Covered agent", consent_by_agreement=consent_agreement(client_record))
    url = reverse("register:client_detail", args=[client_record.public_id]) + "?section=software"

    page = vcio_client.get(url).content.decode()

    mark_refused = reverse("clients:software_mark", args=[refused.public_id, "installed"])
    mark_covered = reverse("clients:software_mark", args=[covered.public_id, "installed"])
    assert f'href="{mark_refused}">Mark installed…</a>' in page
    assert f'<form method="post" action="{mark_covered}">' in page


@pytest.mark.django_db
def test_an_outsider_cannot_see_or_change_the_register(outsider_client, client_record):
    software = program(client_record)

    responses = [
        outsider_client.get(reverse("clients:software_create", args=[client_record.public_id])),
        outsider_client.post(reverse("clients:software_edit", args=[software.public_id]), {**RMM}),
        outsider_client.post(reverse("clients:software_mark", args=[software.public_id, "installed"])),
    ]

    assert {response.status_code for response in responses} == {404}
    assert Software.objects.get().install_status == "planned"


# --- the signed agreement upload --------------------------------------------------------------


def _agreement_post(vcio_client, agreement, upload) -> object:
    data = {
        "reference": agreement.reference,
        "effective_date": agreement.effective_date.isoformat(),
        "scope": agreement.scope,
        "responsibilities": agreement.responsibilities,
        "exclusions": agreement.exclusions,
        "has_software_consent_clause": "on",
        "signed_file": upload,
    }
    return vcio_client.post(reverse("clients:agreement_edit", args=[agreement.public_id]), data)


@pytest.mark.django_db
def test_a_signed_agreement_pdf_is_stored(vcio_client, client_record):
    agreement = client_record.agreements.get()

    response = _agreement_post(vcio_client, agreement, SimpleUploadedFile("msa.pdf", pdf_bytes(), "application/pdf"))

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.has_software_consent_clause
    assert agreement.signed_file.name.startswith("agreements/agreement-") and agreement.signed_file.name.endswith(
        ".pdf"
    )
    assert AuditEvent.objects.get(event_type="agreement.updated").payload["fields"] == [
        "has_software_consent_clause",
        "signed_file",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "this file is not a PDF"),
        (b"%PDF-1.7\n this is not really a PDF", "This PDF is damaged"),
        (b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), "the limit is 10.0"),
        (deep_page_tree_pdf(), "This PDF is damaged"),
        (inflating_object_stream_pdf(), "This PDF is damaged"),
    ],
    ids=["png-named-pdf", "broken-pdf", "too-large", "deep-page-tree", "inflating-object-stream"],
)
def test_a_bad_agreement_upload_is_rejected_with_a_message(vcio_client, client_record, content, message):
    agreement = client_record.agreements.get()

    response = _agreement_post(vcio_client, agreement, SimpleUploadedFile("msa.pdf", content, "application/pdf"))

    assert response.status_code == 200
    assert message in response.content.decode()
    agreement.refresh_from_db()
    assert not agreement.signed_file and not agreement.has_software_consent_clause


@pytest.mark.django_db
def test_the_agreement_form_can_send_files(vcio_client, client_record):
    page = vcio_client.get(reverse("clients:agreement_create", args=[client_record.public_id])).content.decode()

    assert 'enctype="multipart/form-data"' in page and 'name="signed_file"' in page
