import datetime

import pytest
import time_machine
from django.urls import reverse

from recommendations.briefing.selectors import briefings_due_context
from recommendations.briefing.services import briefing_issue, briefing_reminders_send, next_briefing_due
from recommendations.tasks import run_reack_sweep
from riskreg.audit.models import AuditEvent
from riskreg.mail.models import OutboundEmail
from tests.factories import ClientFactory, UserFactory

TODAY = datetime.date(2026, 3, 10)
NOW = datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC)


def reminders() -> list[str]:
    return sorted(OutboundEmail.objects.filter(kind="briefing_reminder").values_list("idempotency_key", flat=True))


def days(count: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=count)


@pytest.mark.django_db
def test_the_vcio_is_reminded_14_and_3_days_before_once_each_however_often_the_sweep_runs(client_record):
    client_record.briefing_due_on = days(14)
    client_record.save()
    key = f"briefing-reminder:{client_record.public_id}:{days(14).isoformat()}"

    sent = [briefing_reminders_send(today=TODAY) for _ in range(3)]
    for day in (1, 2, 11):
        briefing_reminders_send(today=days(day))
    sent.append(briefing_reminders_send(today=days(11)))

    assert sent == [1, 0, 0, 0]
    assert reminders() == [f"{key}:14", f"{key}:3"]
    [early] = OutboundEmail.objects.filter(idempotency_key=f"{key}:14")
    assert early.to == [client_record.vcio.email] and "24 March" in early.subject


@pytest.mark.django_db
def test_a_briefing_set_two_days_ahead_gets_only_the_3_day_reminder(client_record):
    client_record.briefing_due_on = days(2)
    client_record.save()

    briefing_reminders_send(today=TODAY)

    assert reminders() == [f"briefing-reminder:{client_record.public_id}:{days(2).isoformat()}:3"]


@pytest.mark.django_db
def test_no_reminder_for_a_briefing_further_off_past_or_of_a_former_client(client_record):
    client_record.briefing_due_on = days(15)
    client_record.save()
    ClientFactory(briefing_due_on=days(-1))
    ClientFactory(briefing_due_on=days(3), status="former")

    assert briefing_reminders_send(today=TODAY) == 0
    assert reminders() == []


@pytest.mark.django_db
def test_the_daily_sweep_task_sends_the_reminders(client_record, celery_eager):
    client_record.briefing_due_on = days(3)
    client_record.save()

    with time_machine.travel(NOW, tick=False):
        run_reack_sweep.delay()
        run_reack_sweep.delay()

    assert len(reminders()) == 1


@pytest.mark.django_db
def test_issuing_a_briefing_schedules_the_next_from_the_cadence(client_record, vcio):
    client_record.briefing_cadence_months = 3
    client_record.save()

    with time_machine.travel(datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC), tick=False):
        briefing_issue(actor=vcio, client=client_record, note="")

    client_record.refresh_from_db()
    assert client_record.briefing_due_on == datetime.date(2027, 2, 28), "the 30th of a short month is its last day"
    assert next_briefing_due(datetime.date(2026, 1, 15), 12) == datetime.date(2027, 1, 15)


@pytest.mark.django_db
def test_the_schedule_form_sets_the_cadence_and_due_date_and_refuses_bad_input(vcio_client, client_record):
    url = reverse("briefing:schedule", args=[client_record.public_id])

    bad = vcio_client.post(url, {"cadence_months": "5", "due_on": "not a date"})
    client_record.refresh_from_db()
    assert bad.status_code == 400 and client_record.briefing_due_on is None
    assert "Select a valid choice" in bad.content.decode() and "Enter a valid date" in bad.content.decode()

    vcio_client.post(url, {"cadence_months": "6", "due_on": "2026-04-01"})
    client_record.refresh_from_db()
    assert (client_record.briefing_cadence_months, client_record.briefing_due_on) == (6, datetime.date(2026, 4, 1))
    assert AuditEvent.objects.filter(event_type="client.briefing_schedule_set").count() == 1


@pytest.mark.django_db
def test_another_vcio_cannot_set_the_schedule(outsider_client, client_record):
    response = outsider_client.post(
        reverse("briefing:schedule", args=[client_record.public_id]), {"cadence_months": "1", "due_on": "2026-04-01"}
    )

    client_record.refresh_from_db()
    assert response.status_code == 404 and client_record.briefing_due_on is None


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["register:dashboard", "register:reack"])
def test_the_dashboard_and_reack_page_list_briefings_due_in_30_days(vcio_client, client_record, vcio, page):
    with time_machine.travel(NOW, tick=False):
        client_record.briefing_due_on = days(30)
        client_record.save()
        ClientFactory(name="Later Ltd", vcio=vcio, briefing_due_on=days(31))
        ClientFactory(name="Overdue Ltd", vcio=vcio, briefing_due_on=days(-2))
        ClientFactory(name="Someone Else's", vcio=UserFactory(), briefing_due_on=days(1))

        html = vcio_client.get(reverse(page)).content.decode()

    section = html[html.index("Risk briefings due in the next 30 days") :]
    assert "Harbourview Clinic" in section and "Overdue Ltd" in section and "(overdue)" in section
    assert "Later Ltd" not in section and "Someone Else" not in section
    assert section.index("Overdue Ltd") < section.index("Harbourview Clinic")


@pytest.mark.django_db
def test_the_due_list_shows_the_ten_soonest_in_one_query(vcio, django_assert_num_queries):
    for offset in range(12):
        ClientFactory(vcio=vcio, briefing_due_on=days(offset))

    with django_assert_num_queries(1):
        context = briefings_due_context(vcio, today=TODAY)

    assert [client.briefing_due_on for client in context["briefings_due"]] == [days(n) for n in range(10)]
    assert context["briefings_due_more"] is True
