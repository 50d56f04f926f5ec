from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from recommendations.relationship.conditions import relationship_conditions_sweep


@shared_task(
    name="recommendations.relationship.tasks.run_conditions_sweep",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    retry_backoff_max=600,
    max_retries=3,
)
def run_conditions_sweep() -> dict[str, int]:
    """Each condition is closed or marked overdue by a conditional update, so a duplicated tick,
    a redelivery or a retry repeats nothing (and emails no one twice)."""
    result = relationship_conditions_sweep(today=timezone.localdate())
    return {"closed": result.closed, "overdue": result.overdue}
