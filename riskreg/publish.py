"""Publishing a Celery task from a web request without ever failing that request."""

import logging
import threading
import time
from typing import Any

from celery import Task

from riskreg.celery import app

# After a failed publish, this process skips publishing for this long: with Redis black-holed
# each attempt would cost its socket timeout, and a page that queues several emails would add
# them up. What is not published waits in the database for the outbox and document sweeps.
BROKER_RETRY_SECONDS = 30

_state_lock = threading.Lock()
_broker_down_until = 0.0


def broker_marked_down() -> bool:
    return time.monotonic() < _broker_down_until


def broker_retry_now() -> None:
    """Forget a publish failure (each test starts from none)."""
    global _broker_down_until
    with _state_lock:
        _broker_down_until = 0.0


def registered_task(name: str) -> Task:
    """The task registered under its pinned name (`name=` on its decorator). Services queue their
    tasks by name, so a service module need not import the task module that imports it back."""
    if name not in app.tasks:
        # Outside a worker the task modules load on first use (Celery's autodiscovery).
        app.loader.import_default_modules()
    return app.tasks[name]


def task_publish(task: Task, *args: Any, logger: logging.Logger, on_failure: str) -> bool:
    """Queue `task(*args)` once; on any publishing error log `on_failure` and return False.

    For work whose trigger is already committed and which a periodic sweep picks up when this
    publish is lost: one attempt and no publish retries, so a signer's POST never waits on a
    dead broker.
    """
    global _broker_down_until
    # Eager tasks (CELERY_TASK_ALWAYS_EAGER) run in this process and never touch the broker.
    if broker_marked_down() and not task.app.conf.task_always_eager:
        logger.warning(on_failure + " (the broker failed moments ago)")
        return False
    try:
        task.apply_async(args=list(args), retry=False)
    except Exception:
        # kombu, redis-py or socket errors alike: the caller's change is committed and must
        # not turn into an error page.
        with _state_lock:
            _broker_down_until = time.monotonic() + BROKER_RETRY_SECONDS
        logger.warning(on_failure, exc_info=True)
        return False
    return True
