"""Publishing a Celery task from a web request without ever failing that request."""

import logging
from typing import Any

from celery import Task


def task_publish(task: Task, *args: Any, logger: logging.Logger, on_failure: str) -> bool:
    """Queue `task(*args)` once; on any publishing error log `on_failure` and return False.

    For work whose trigger is already committed and which a periodic sweep picks up when this
    publish is lost: one attempt and no publish retries, so a signer's POST never waits on a
    dead broker.
    """
    try:
        task.apply_async(args=list(args), retry=False)
    except Exception:
        # kombu, redis-py or socket errors alike: the caller's change is committed and must
        # not turn into an error page.
        logger.warning(on_failure, exc_info=True)
        return False
    return True
