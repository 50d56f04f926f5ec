"""Celery task names are part of the wire format: queued messages and the beat schedule name them,
so moving a module must not rename a task. Each is pinned with `name=` at its definition."""

from django.conf import settings

from riskreg.celery import app

PINNED = {
    "clients.tasks.apply_import",
    "clients.tasks.check_import",
    "recommendations.relationship.tasks.run_conditions_sweep",
    "recommendations.tasks.catch_up_reack_sweep",
    "recommendations.tasks.purge_expired_holds",
    "recommendations.tasks.refresh_due_counts",
    "recommendations.tasks.render_missing_documents",
    "recommendations.tasks.render_offboarding_letter",
    "recommendations.tasks.render_request_document",
    "recommendations.tasks.run_reack_sweep",
    "recommendations.tasks.take_daily_risk_snapshots",
    "riskreg.audit.tasks.check_documents_weekly",
    "riskreg.audit.tasks.email_audit_digest",
    "riskreg.audit.tasks.report_missing_digests",
    "riskreg.mail.tasks.retry_unsent_emails",
    "riskreg.mail.tasks.send_outbound_email",
    "riskreg.webhooks.tasks.deliver_webhook",
    "riskreg.webhooks.tasks.retry_due_webhooks",
}


def _product_tasks() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_every_task_keeps_its_pinned_name():
    assert _product_tasks() == PINNED


def test_every_beat_entry_names_a_registered_task():
    tasks = _product_tasks()
    for entry, schedule in settings.CELERY_BEAT_SCHEDULE.items():
        assert schedule["task"] in tasks, entry
