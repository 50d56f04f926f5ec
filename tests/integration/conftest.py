"""Real Celery workers on a real Redis broker, sharing the test run's PostgreSQL database.

Skipped unless REDIS_URL is set (CI sets it) and the tests run on PostgreSQL: a worker is
another process, so it needs a database it can open by URL (pytest-django's test database,
`test_<name>`) and rows committed by the test (`django_db(transaction=True)`). Each test gets
its own queue name, so a developer's running worker on the same Redis never takes its tasks,
and its own directory for the worker's emails (Django's file-based backend).
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
CELERY = ROOT / ".venv" / "bin" / "celery"
MANAGE = ROOT / "manage.py"
VISIBILITY_TIMEOUT = 3
MESSAGE_ID = re.compile(r"^Message-ID: (<[^>]+>)", re.MULTILINE)


def wait_for(condition: Callable[[], object], *, timeout: float, what: str, every: float = 0.25) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def run_database_url() -> str:
    """The URL of the database this test run uses (pytest-django's test_<name>)."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def backends_waiting_for_a_lock(query_like: str) -> int:
    """How many database sessions wait for a row lock in a statement matching `query_like`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE %s",
            [query_like],
        )
        return cursor.fetchone()[0]


def end_backends_waiting_for_a_lock(query_like: str) -> None:
    """A killed worker's database session may still be queued for a lock; end it as PostgreSQL
    would once it noticed the client had gone, so its half-done transaction rolls back."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE %s AND pid <> pg_backend_pid()",
            [query_like],
        )


@dataclass
class Worker:
    name: str
    process: subprocess.Popen
    log: Path

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""

    def wait_ready(self, timeout: float = 60) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"worker {self.name} exited with {self.process.returncode}:\n{self.tail()}")
            return " ready." in self.tail()

        wait_for(ready, timeout=timeout, what=f"worker {self.name} to be ready")

    def kill(self) -> None:
        """Die at once, as a crashed machine would: no warm shutdown, no acknowledgement."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Broker:
    """The test's private corner of the real broker: a queue, a mail directory, its workers."""

    queue: str
    mail_dir: Path
    env: dict[str, str]
    tmp: Path
    workers: list[Worker] = field(default_factory=list)

    def start_worker(self) -> Worker:
        name = f"{self.queue}-{len(self.workers) + 1}"
        log = self.tmp / f"{name}.log"
        command = [str(CELERY), "-A", "riskreg", "worker", "--pool", "solo", "-Q", self.queue, "-n", f"{name}@%h"]
        command += ["--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        with log.open("wb") as handle:
            process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT)
        worker = Worker(name=name, process=process, log=log)
        self.workers.append(worker)
        worker.wait_ready()
        return worker

    def manage(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(MANAGE), *args],
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )

    def delivered(self) -> Counter:
        """How many times each Message-ID was handed to the (file-based) mail server."""
        ids: Counter = Counter()
        for path in self.mail_dir.glob("*.log") if self.mail_dir.exists() else []:
            ids.update(MESSAGE_ID.findall(path.read_text(errors="replace")))
        return ids

    def mail_text(self) -> str:
        """Every message the (file-based) mail server received, as one text."""
        paths = sorted(self.mail_dir.glob("*.log")) if self.mail_dir.exists() else []
        return "\n".join(path.read_text(errors="replace") for path in paths)

    def logs(self) -> str:
        return "\n".join(f"--- {w.name}\n{w.tail()}" for w in self.workers)


@pytest.fixture
def broker(transactional_db, tmp_path, celery_eager) -> Iterator[Broker]:
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL: a real Redis broker (CI sets it)")
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker is another process and must open the test database by URL")
    queue = f"riskreg-test-{uuid.uuid4().hex[:10]}"
    mail_dir = tmp_path / "mail"
    env = {key: value for key, value in os.environ.items() if key != "CELERY_TASK_ALWAYS_EAGER"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "riskreg.settings",
        "DATABASE_URL": run_database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "RISKREG_VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SECRET_KEY": settings.SECRET_KEY,
        "PYTHONUNBUFFERED": "1",
        # A worker runs the sweep of the last day whose sweep hour has passed when it starts. From
        # hour 0 that is always today, the day the tests' own sweeps run, so the two claim the same
        # steps whatever the time of day; from 06:00 it would be yesterday's sweep before 06:00 UTC.
        "RISKREG_SWEEP_HOUR": "0",
    }
    # This process publishes to the test's queue through the real broker (no eager tasks).
    saved = celery_eager.conf.task_always_eager, celery_eager.conf.task_default_queue
    celery_eager.conf.task_always_eager, celery_eager.conf.task_default_queue = False, queue
    state = Broker(queue=queue, mail_dir=mail_dir, env=env, tmp=tmp_path)
    try:
        yield state
    finally:
        for worker in state.workers:
            worker.stop()
        celery_eager.conf.task_always_eager, celery_eager.conf.task_default_queue = saved
        with celery_eager.connection_for_write() as conn:
            conn.default_channel.client.delete(queue)
