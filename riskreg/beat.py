"""The periodic tasks the beat schedules: what runs when, and why (settings.CELERY_BEAT_SCHEDULE)."""

from celery.schedules import crontab


def beat_schedule(*, sweep_hour: int) -> dict[str, dict]:
    """Each entry names its task by the task's pinned name. `sweep_hour` (UTC) is when the morning
    sweeps run (RISKREG_SWEEP_HOUR)."""
    schedule: dict[str, dict] = {}
    # Sends outbox emails whose on-commit task never ran (broker down) or whose last attempt failed.
    schedule["outbox-retry-sweep"] = {"task": "riskreg.mail.tasks.retry_unsent_emails", "schedule": 120.0}
    # Trends need one score per client per day; taken late so that day's sweep (lapses, expiries) is in it.
    schedule["daily-risk-snapshot"] = {
        "task": "recommendations.tasks.take_daily_risk_snapshots",
        "schedule": crontab(hour=23, minute=45),
    }
    # The dashboard's "refusals due within 30/60/90 days" are stored per client as of a day: the
    # first run after midnight (in TIME_ZONE, whichever hour that is in UTC) counts them again.
    schedule["hourly-due-counts"] = {
        "task": "recommendations.tasks.refresh_due_counts",
        "schedule": crontab(minute=5),
    }
    # Renders signed requests whose on-commit render was lost (broker down, a worker killed mid-render):
    # an outage only delays a PDF, by a few minutes rather than the broker's hour-long redelivery.
    schedule["render-missing-documents"] = {
        "task": "recommendations.tasks.render_missing_documents",
        "schedule": 120.0,
    }
    # Delivers webhooks whose on-commit task never ran (broker down) or whose last attempt failed and is due again.
    schedule["webhook-retry-sweep"] = {"task": "riskreg.webhooks.tasks.retry_due_webhooks", "schedule": 60.0}
    # Refusals fall due by the day: one morning run sends that day's heads-ups, requests and lapses before office hours.
    schedule["daily-reacknowledgment-sweep"] = {
        "task": "recommendations.tasks.run_reack_sweep",
        "schedule": crontab(hour=sweep_hour, minute=0),
    }
    # Relationship conditions: met ones close, overdue ones are flagged and their manager emailed,
    # with the morning sweep.
    schedule["daily-relationship-conditions"] = {
        "task": "recommendations.relationship.tasks.run_conditions_sweep",
        "schedule": crontab(hour=sweep_hour, minute=10),
    }
    # Erased contacts' signed records are kept only while their legal hold lasts (SPEC section 10); the day it
    # passes they must be anonymised without anyone having to remember. Early, outside office hours.
    schedule["daily-privacy-hold-purge"] = {
        "task": "recommendations.tasks.purge_expired_holds",
        "schedule": crontab(hour=2, minute=30),
    }
    # A copy of the audit-chain head outside the database is what makes a later rewrite of history detectable.
    schedule["daily-audit-digest"] = {
        "task": "riskreg.audit.tasks.email_audit_digest",
        "schedule": crontab(hour=0, minute=15),
    }
    # A digest that was never taken (beat down, task failed) is itself news: the admins hear the next day.
    schedule["daily-audit-digest-watch"] = {
        "task": "riskreg.audit.tasks.report_missing_digests",
        "schedule": crontab(hour=6, minute=30),
    }
    # Every stored document against its sealing event in the chain; reads every file, so weekly, at night.
    schedule["weekly-document-check"] = {
        "task": "riskreg.audit.tasks.check_documents_weekly",
        "schedule": crontab(day_of_week="sunday", hour=1, minute=30),
    }
    return schedule
