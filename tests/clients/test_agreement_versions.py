"""Service agreements are versioned: an edit makes a new version, earlier versions never change."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from clients.models import AgreementVersion
from clients.services import agreement_create, agreement_update
from riskreg.audit.chain import verify_chain
from riskreg.audit.models import AuditEvent
from tests.factories import ClientFactory

TERMS = {
    "reference": "MSA-2027-004",
    "effective_date": datetime.date(2026, 1, 1),
    "renewal_date": None,
    "scope": "Managed workstations and servers.",
    "responsibilities": "The MSP monitors; the client approves changes.",
    "exclusions": "Losses a declined recommendation would have prevented.",
    "has_software_consent_clause": False,
    "refusal_cadence_days": None,
}


@pytest.fixture
def agreement(vcio):
    return agreement_create(actor=vcio, client=ClientFactory(vcio=vcio), data=dict(TERMS))


@pytest.mark.django_db
def test_recording_an_agreement_writes_version_1_of_its_terms(agreement, vcio):
    [version] = agreement.versions.all()

    assert (agreement.version, version.number, version.created_by) == (1, 1, vcio)
    assert {term: getattr(version, term) for term in TERMS} == TERMS
    assert AuditEvent.objects.get(event_type="agreement.created").payload["version"] == 1


@pytest.mark.django_db
def test_an_edit_makes_a_new_version_and_leaves_the_earlier_one_as_it_was(agreement, vcio):
    agreement_update(actor=vcio, agreement=agreement, data={"exclusions": "Everything outside the managed scope."})

    agreement.refresh_from_db()
    first, second = agreement.versions.order_by("number")
    assert agreement.version == 2 and agreement.exclusions == "Everything outside the managed scope."
    assert (first.number, first.exclusions) == (1, TERMS["exclusions"])
    assert (second.number, second.exclusions) == (2, "Everything outside the managed scope.")
    event = AuditEvent.objects.get(event_type="agreement.updated")
    assert event.payload == {"fields": ["exclusions"], "version": 2}
    assert verify_chain().intact


@pytest.mark.django_db
def test_saving_without_a_change_makes_no_version(agreement, vcio):
    assert agreement_update(actor=vcio, agreement=agreement, data={"scope": TERMS["scope"]}) == []

    assert agreement.versions.count() == 1
    assert not AuditEvent.objects.filter(event_type="agreement.updated").exists()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_the_database_refuses_to_change_a_version(agreement):
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        AgreementVersion.objects.filter(agreement=agreement).update(exclusions="Nothing at all.")

    assert agreement.versions.get().exclusions == TERMS["exclusions"]


@pytest.mark.django_db
def test_agreements_recorded_before_versions_become_version_1(agreement):
    migration = importlib.import_module("clients.migrations.0006_agreement_versions")
    AgreementVersion.objects.all().delete()

    migration.existing_agreements_become_version_1(apps, None)

    [version] = agreement.versions.all()
    assert version.number == 1 and version.exclusions == TERMS["exclusions"]
    assert version.created_at == agreement.created_at


@pytest.mark.django_db
def test_staff_read_each_version_and_the_list_of_versions(vcio_client, vcio, client_record):
    agreement = client_record.agreements.get()
    agreement_update(actor=vcio, agreement=agreement, data={"exclusions": "Third-party software."})

    first = vcio_client.get(reverse("clients:agreement_version", args=[agreement.public_id, 1])).content.decode()
    second = vcio_client.get(reverse("clients:agreement_version", args=[agreement.public_id, 2])).content.decode()
    client_page = vcio_client.get(reverse("register:client_detail", args=[client_record.public_id])).content.decode()

    assert "Superseded" in first and "Losses arising from recommendations the client declined" in first
    assert "Current version" in second and "Third-party software." in second
    assert reverse("clients:agreement_version", args=[agreement.public_id, 1]) in second
    assert reverse("clients:agreement_version", args=[agreement.public_id, 2]) in client_page


@pytest.mark.django_db
def test_a_version_that_does_not_exist_is_not_found(vcio_client, client_record):
    agreement = client_record.agreements.get()

    response = vcio_client.get(reverse("clients:agreement_version", args=[agreement.public_id, 7]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_an_outsider_cannot_read_a_version(outsider_client, client_record):
    agreement = client_record.agreements.get()

    response = outsider_client.get(reverse("clients:agreement_version", args=[agreement.public_id, 1]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_admin_shows_agreements_but_does_not_edit_them(client, practice_admin, client_record):
    practice_admin.is_staff = practice_admin.is_superuser = True
    practice_admin.save()
    client.force_login(practice_admin)
    agreement = client_record.agreements.get()

    page = client.get(reverse("admin:clients_serviceagreement_change", args=[agreement.pk]))
    post = client.post(reverse("admin:clients_serviceagreement_change", args=[agreement.pk]), {"exclusions": "x"})

    assert page.status_code == 200 and 'name="exclusions"' not in page.content.decode()
    assert post.status_code == 403
    agreement.refresh_from_db()
    assert agreement.exclusions != "x"
