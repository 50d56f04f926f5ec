"""Retention that a setting cannot undo: at least a year, and a litigation hold per client that
blocks erasure and the daily purge until a manager releases it."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from clients.holds import active_litigation_hold, litigation_hold_place
from clients.models import LitigationHold, PracticeProfile
from recommendations.models import Signature
from recommendations.privacy import services as privacy
from riskreg.audit.models import AuditEvent
from tests.recommendations.privacy import test_privacy
from tests.recommendations.risk.test_views import practice_form

NAME = test_privacy.NAME
# The signed history of a contact, and the clean-up of its PDFs, as the privacy tests build them.
history = test_privacy.history
_remove_rendered_pdfs = test_privacy._remove_rendered_pdfs


def hold_url(client) -> str:
    return reverse("clients:litigation_hold", args=[client.public_id])


@pytest.mark.django_db
def test_the_practice_settings_refuse_a_retention_under_one_year(client, practice_admin):
    client.force_login(practice_admin)

    response = client.post(reverse("register:practice_profile"), practice_form(retention_years=0))

    assert response.status_code == 200
    assert "kept at least 1 year after a relationship ends" in response.content.decode()
    assert PracticeProfile.load().retention_years == 7


@pytest.mark.django_db
def test_the_database_refuses_a_retention_under_one_year():
    PracticeProfile.load()
    with pytest.raises(IntegrityError), transaction.atomic():
        PracticeProfile.objects.update(retention_years=0)


@pytest.mark.django_db
def test_a_manager_places_a_hold_with_a_reason_and_it_is_audited(manager_client, manager, client_record):
    response = manager_client.post(hold_url(client_record), {"reason": "Claim 2027-114 by the client's insurer"})

    assert response.status_code == 302
    hold = active_litigation_hold(client_record)
    assert hold.placed_by == manager and hold.reason == "Claim 2027-114 by the client's insurer"
    event = AuditEvent.objects.get(event_type="client.litigation_hold_placed")
    assert event.scope == client_record.scope and event.payload == {"reason": hold.reason}
    page = manager_client.get(reverse("register:client_detail", args=[client_record.public_id])).content.decode()
    assert "Litigation hold</span>" in page and "Release hold" in page


@pytest.mark.django_db
def test_a_hold_without_a_reason_is_refused_and_changes_nothing(manager_client, client_record):
    response = manager_client.post(hold_url(client_record), {"reason": "   "})

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not LitigationHold.objects.exists()
    assert not AuditEvent.objects.filter(event_type__startswith="client.litigation_hold").exists()


@pytest.mark.django_db
def test_a_vcio_cannot_place_a_hold_on_their_own_client(vcio_client, client_record):
    assert vcio_client.get(hold_url(client_record)).status_code == 403
    assert vcio_client.post(hold_url(client_record), {"reason": "mine"}).status_code == 403
    assert not LitigationHold.objects.exists()


@pytest.mark.django_db
def test_an_outsider_vcio_gets_404(outsider_client, client_record):
    assert outsider_client.post(hold_url(client_record), {"reason": "not mine"}).status_code == 404


@pytest.mark.django_db
def test_a_second_active_hold_is_refused(manager, client_record):
    litigation_hold_place(actor=manager, client=client_record, reason="First dispute")

    with pytest.raises(Exception, match="already under a litigation hold"):
        litigation_hold_place(actor=manager, client=client_record, reason="Second dispute")
    assert LitigationHold.objects.count() == 1


@pytest.mark.django_db
def test_a_hold_blocks_erasure_and_the_erase_page_says_so(vcio_client, manager, history, client_record):
    contact = history[0]
    litigation_hold_place(actor=manager, client=client_record, reason="Pending litigation")

    page = vcio_client.get(reverse("register:contact_erase", args=[contact.public_id])).content.decode()
    vcio_client.post(reverse("register:contact_erase", args=[contact.public_id]))

    assert "is under a <strong>litigation hold</strong>" in page
    assert "Erase " + contact.name not in page
    contact.refresh_from_db()
    assert contact.erased_at is None and contact.name == NAME
    assert not AuditEvent.objects.filter(event_type="contact.erased").exists()


@pytest.mark.django_db
def test_a_hold_stops_the_daily_purge_until_it_is_released(
    vcio_client, manager_client, manager, history, client_record, django_capture_on_commit_callbacks
):
    contact, signed, _, _, _ = history
    vcio_client.post(reverse("register:contact_erase", args=[contact.public_id]))
    client_record.relationship_ended_on = datetime.date(2020, 1, 1)
    client_record.save()
    litigation_hold_place(actor=manager, client=client_record, reason="Regulator's inquiry")

    assert privacy.purge_expired_holds(today=datetime.date(2030, 1, 1)) == 0
    assert Signature.objects.get(request=signed).typed_name == NAME

    manager_client.post(hold_url(client_record), {"reason": "Inquiry closed"})
    with django_capture_on_commit_callbacks(execute=True):
        assert privacy.purge_expired_holds(today=datetime.date(2030, 1, 1)) == 1
    released = AuditEvent.objects.get(event_type="client.litigation_hold_released")
    assert released.payload["reason"] == "Inquiry closed"
    assert LitigationHold.objects.get().released_by == manager
