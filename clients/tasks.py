"""Celery tasks for clients: thin interfaces over the CSV import's services."""

from celery import shared_task
from django.contrib.auth import get_user_model

from clients.imports import services


@shared_task(name="clients.tasks.check_import", acks_late=True, soft_time_limit=600, time_limit=660)
def check_import(batch_id: int, language: str | None = None) -> str:
    """Make the preview of an uploaded file, its row messages in the uploader's language.
    Claimed first: a redelivery does nothing."""
    batch = services.import_batch_check(batch_id=batch_id, language=language)
    return "checked" if batch else "skipped"


@shared_task(name="clients.tasks.apply_import", acks_late=True, soft_time_limit=600, time_limit=660)
def apply_import(batch_id: int, actor_id: int, language: str | None = None) -> str:
    """Apply a checked file in one transaction. A redelivery finds it applied and does nothing."""
    actor = get_user_model().objects.get(pk=actor_id)
    batch = services.import_batch_apply(batch_id=batch_id, actor=actor, language=language)
    return "applied" if batch else "skipped"
