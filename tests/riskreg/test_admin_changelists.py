"""Every Django admin changelist reads a fixed number of rows' worth of queries, however many rows."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from recommendations.demo.bulk import seed_generated_clients
from recommendations.models import Control
from riskreg.mail.models import OutboundEmail
from tests.factories import UserFactory

QUERY_CEILING = 10


def _populate(*, start: int, total: int) -> None:
    """Generated clients `start`..`total - 1`, and as many rows of every other registered model."""
    vcios = [UserFactory(username=f"vcio{n}") for n in range(start, total)]
    controls = list(Control.objects.filter(is_active=True).order_by("code"))
    seed_generated_clients(
        start=start, total=total, per_client=5, vcios=vcios, controls=controls, today=datetime.date(2026, 11, 22)
    )
    for user in vcios:
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        StaticDevice.objects.create(user=user, name="backup", confirmed=True)
        Group.objects.create(name=f"group of {user.username}")
        OutboundEmail.objects.create(
            idempotency_key=f"notice-{user.username}",
            kind="staff_notice",
            to=[user.email],
            subject="Notice",
            body_text="-",
        )
        seen = {"username": user.username, "ip_address": "192.0.2.1", "user_agent": "pytest", "path_info": "/"}
        AccessAttempt.objects.create(**seen, failures_since_start=1)
        AccessLog.objects.create(**seen)
        AccessFailureLog.objects.create(**seen)


def _changelist_queries(admin_client) -> dict[str, int]:
    counts = {}
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(url)
        assert response.status_code == 200, url
        counts[model._meta.label] = len(queries)
    return counts


@pytest.mark.django_db
def test_every_changelist_runs_the_same_few_queries_for_three_or_nine_clients(admin_client):
    _populate(start=0, total=3)
    small = _changelist_queries(admin_client)
    _populate(start=3, total=9)
    large = _changelist_queries(admin_client)

    assert large == small
    assert max(small.values()) <= QUERY_CEILING, small
