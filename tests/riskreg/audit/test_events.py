"""Audit event types are one enumeration, and the chain refuses any other."""

import pytest
from django.db import transaction

from clients.models import Software
from recommendations.models import TRANSITIONS, DecisionRequest
from riskreg.audit.chain import audit_append, audit_append_many
from riskreg.audit.events import EventType
from riskreg.audit.models import AuditEvent


@pytest.mark.django_db
def test_an_unknown_event_type_is_refused_and_nothing_is_appended():
    # Each inside the caller's transaction, which the refusal fails whole.
    with pytest.raises(ValueError, match="request.signd"), transaction.atomic():
        audit_append(actor=None, event_type="request.signd", object_type="x", object_id="1", summary="typo")
    with pytest.raises(ValueError, match="client.renamed"), transaction.atomic():
        audit_append_many([{"event_type": "client.renamed", "object_type": "x", "object_id": "1", "summary": "new"}])
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_listed_event_type_is_stored_as_its_plain_value():
    event = audit_append(actor=None, event_type=EventType.CLIENT_CREATED, object_type="x", object_id="1", summary="s")
    assert AuditEvent.objects.get(pk=event.pk).event_type == "client.created"


def test_every_type_built_from_a_status_is_listed():
    built = {f"recommendation.{target}" for _, target in TRANSITIONS.values()}
    closed = set(DecisionRequest.Status.values) - {"sent", "viewed", "completed"}
    built |= {f"request.{status}" for status in closed}
    built |= {f"software.{status}" for status in (Software.InstallStatus.INSTALLED, Software.InstallStatus.REMOVED)}
    built |= {f"software.consent_{status}" for status in Software.ConsentStatus.values if status != "none"}
    assert built <= {member.value for member in EventType}
