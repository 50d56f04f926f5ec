"""`make bench`: build the large demo dataset once, measure the product on it, judge the targets.

Each dataset lives in its own cached database — SQLite files under .bench/, or, when
DATABASE_URL names a PostgreSQL server, databases named after it (`<name>_bench_2000`,
`<name>_bench_20`) — and is measured by a worker process pointed at it, so the developer's own
database is never touched. The decide-and-sign figure commits real signings, so it runs on a
throw-away copy of the large database. Workers never see REDIS_URL: a task published during
the benchmark must not reach a developer's running worker, which would act on another database.
"""

import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from recommendations.bench import benchmark
from recommendations.bench.portfolio import Settings, measure_portfolio, ratio
from recommendations.bench.signing import measure_signing

WORKER_KINDS = ("large", "small", "signing")


class Command(BaseCommand):
    help = (
        "Measure the product on a 2,000-client dataset (or --clients 10000; each built once and cached) "
        "and judge the performance targets."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Exit non-zero when a target is missed.")
        parser.add_argument("--clients", type=int, default=2000, help="Clients in the large dataset.")
        parser.add_argument("--small-clients", type=int, default=20, help="Clients in the small dataset (ratio).")
        parser.add_argument("--recommendations", type=int, default=30, help="Recommendations per generated client.")
        parser.add_argument("--repeat", type=int, default=15, help="Timed runs per page or document figure.")
        parser.add_argument("--heavy-repeat", type=int, default=5, help="Timed runs per whole-portfolio figure.")
        parser.add_argument("--signings", type=int, default=40, help="Timed decide-and-sign POSTs.")
        parser.add_argument("--dir", default=str(settings.BASE_DIR / ".bench"), help="Where the cache and results go.")
        parser.add_argument("--output", default="", help="Results JSON (default: <dir>/results.json).")
        parser.add_argument("--worker", choices=WORKER_KINDS, help="internal: measure one database")
        parser.add_argument("--result", default="", help="internal: where a worker writes its figures")

    def handle(self, *args: Any, **options: Any) -> None:
        bench = Settings(repeat=options["repeat"], heavy_repeat=options["heavy_repeat"], signings=options["signings"])
        if options["worker"]:
            self.work(options["worker"], bench, options)
        else:
            self.orchestrate(bench, options)

    # --- the orchestrator ---------------------------------------------------------------------

    def orchestrate(self, bench: Settings, options: dict[str, Any]) -> None:
        root = Path(options["dir"]).resolve()
        backend = Backend.from_environment(root)
        started = time.monotonic()
        # Other work on the machine slows every figure: the load before the run says how busy it was.
        load_before = [round(load, 2) for load in os.getloadavg()]
        figures: dict[str, benchmark.Figure] = {}
        context: dict[str, Any] = {}
        large, small = options["clients"], options["small_clients"]
        self.stdout.write(f"Benchmark on {backend.description}; datasets of {large} and {small} clients.")
        large_env = backend.environment(f"bench_{large}")
        output = self.run_worker("large", large_env, root, options, clients=large)
        figures |= benchmark.figures_from_json(output["figures"])
        context["dataset"] = output["dataset"]
        small_output = self.run_worker("small", backend.environment(f"bench_{small}"), root, options, clients=small)
        figures |= benchmark.figures_from_json(small_output["figures"])
        ratio(figures, "dashboard_ratio", "dashboard", "dashboard_small")
        copy_env = backend.copy(f"bench_{large}", f"bench_{large}_signing")
        try:
            signing = self.run_worker("signing", copy_env, root, options, clients=large)
            figures |= benchmark.figures_from_json(signing["figures"])
        finally:
            backend.drop(f"bench_{large}_signing")
        context |= {
            "size": large,
            "clients": {"large": large, "small": small},
            "sweep": {"due": output["dataset"]["due"], "refusals": output["dataset"]["refusals"]},
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "system": platform.system(),
                "load_average_before": load_before,
            },
            "measured_at": timezone.now().isoformat(timespec="seconds"),
            "seconds": round(time.monotonic() - started, 1),
        }
        document = benchmark.results(
            database=backend.description, figures=figures, context=context, targets=benchmark.targets_for(large)
        )
        path = Path(options["output"]) if options["output"] else root / "results.json"
        benchmark.write(document, path)
        # The latest run of each database, and of each database and size, to compare the tables side by side.
        for suffix in (backend.kind, f"{backend.kind}-{large}"):
            benchmark.write(document, path.with_name(f"{path.stem}-{suffix}{path.suffix}"))
        self.stdout.write("")
        self.stdout.write(benchmark.table(document))
        self.stdout.write(f"\nWritten to {path} in {context['seconds']} s.")
        failed = benchmark.missed(document)
        if failed and options["check"]:
            raise CommandError(f"{len(failed)} target(s) missed: {', '.join(failed)}")
        if failed:
            self.stdout.write(self.style.WARNING(f"{len(failed)} target(s) missed: {', '.join(failed)}"))
        else:
            self.stdout.write(self.style.SUCCESS("Every target met."))

    def run_worker(
        self, kind: str, env: dict[str, str], root: Path, options: dict[str, Any], *, clients: int
    ) -> dict[str, Any]:
        result = root / f"worker-{kind}.json"
        result.unlink(missing_ok=True)
        command = [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "bench",
            "--worker",
            kind,
            "--result",
            str(result),
            "--clients",
            str(clients),
            "--recommendations",
            str(options["recommendations"]),
            "--repeat",
            str(options["repeat"]),
            "--heavy-repeat",
            str(options["heavy_repeat"]),
            "--signings",
            str(options["signings"]),
        ]
        self.stdout.write(f"— {kind} dataset ({clients} clients)")
        self.stdout.flush()
        completed = subprocess.run(command, env=env, cwd=settings.BASE_DIR, check=False)
        if completed.returncode != 0 or not result.exists():
            raise CommandError(f"the {kind} benchmark worker failed (exit {completed.returncode})")
        return json.loads(result.read_text())

    # --- a worker ---------------------------------------------------------------------------------

    def work(self, kind: str, bench: Settings, options: dict[str, Any]) -> None:
        from riskreg.celery import app
        from riskreg.startup import freeze_loaded_code

        # Measured as a served process runs: set up like a gunicorn worker (riskreg/wsgi.py).
        freeze_loaded_code()
        # Whatever the settings say, tasks published while measuring stay in this process.
        app.conf.broker_url = "memory://"
        call_command("migrate", interactive=False, verbosity=0)
        facts: dict[str, Any] = {}
        if kind != "signing":
            facts["build_seconds"] = self.ensure_dataset(options["clients"], options["recommendations"])
            vacuum()
        if not settings.RISKREG_SEAL_PKCS12.exists():
            call_command("create_seal_certificate", if_missing=True, verbosity=0)
        if kind == "signing":
            figures = measure_signing(bench)
        else:
            figures, dataset = measure_portfolio(bench, full=kind == "large")
            facts |= dataset
        Path(options["result"]).write_text(
            json.dumps({"figures": benchmark.figures_to_json(figures), "dataset": facts})
        )

    def ensure_dataset(self, clients: int, recommendations: int) -> float | None:
        """Build the dataset unless this database already holds it; the seconds it took, or None."""
        from clients.models import Client

        if Client.objects.count() >= clients:
            return None
        self.stdout.write(f"Building the {clients}-client dataset (once; it is cached)…")
        started = time.monotonic()
        call_command("seed_demo", clients=clients, recommendations=recommendations)
        elapsed = time.monotonic() - started
        self.stdout.write(f"Dataset built in {elapsed:.0f} s.")
        return round(elapsed, 1)


def vacuum() -> None:
    """On PostgreSQL, do what autovacuum would have done since the last run.

    Each run rescores the portfolio a few times (2,000 row updates each); where autovacuum is
    off (some developer servers), the dead rows pile up run after run and every scan of the
    clients table gets slower — a state no production database with its default settings is in."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


class Backend:
    """Where the benchmark databases live: SQLite files under the cache directory, or databases
    next to the one DATABASE_URL names on its PostgreSQL server."""

    def __init__(self, root: Path, url: str) -> None:
        self.root = root
        self.url = url
        self.config = dj_database_url.parse(url) if url else None

    @classmethod
    def from_environment(cls, root: Path) -> "Backend":
        url = os.environ.get("DATABASE_URL", "")
        if url and not url.startswith(("postgres://", "postgresql://")):
            raise CommandError("the benchmark runs on SQLite (no DATABASE_URL) or on PostgreSQL")
        return cls(root, url)

    @property
    def postgres(self) -> bool:
        return self.config is not None

    @property
    def kind(self) -> str:
        return "postgresql" if self.postgres else "sqlite"

    @property
    def description(self) -> str:
        if not self.postgres:
            return f"SQLite {sqlite3.sqlite_version}"
        with self._connect() as connection:
            return "PostgreSQL " + connection.execute("SHOW server_version").fetchone()[0].split()[0]

    def name(self, suffix: str) -> str:
        return f"{self.config['NAME']}_{suffix}"

    def environment(self, suffix: str) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            # Never a developer's broker, cache, media or seal key: everything lives under the cache directory.
            if key not in {"REDIS_URL", "DATABASE_URL", "MEDIA_ROOT", "RISKREG_SEAL_PKCS12", "RISKREG_SEAL_PASSPHRASE"}
        }
        env |= {
            "RISKREG_VAR_DIR": str(self.root / f"{self.kind}-{suffix}"),
            "DEBUG": "false",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "LOG_LEVEL": "WARNING",
            # Pages render without collected static files; WhiteNoise's warning about it is noise here.
            "PYTHONWARNINGS": "ignore:No directory at",
        }
        if self.postgres:
            self._ensure_database(self.name(suffix))
            env["DATABASE_URL"] = self._url_for(self.name(suffix))
        return env

    def copy(self, source: str, target: str) -> dict[str, str]:
        """A fresh copy of the `source` database, for measurements that commit changes."""
        if self.postgres:
            self.drop(target)
            with self._connect() as connection:
                version = connection.info.server_version
                # FILE_COPY (PostgreSQL 15+) copies files instead of logging every block: far faster here.
                strategy = " STRATEGY FILE_COPY" if version >= 150000 else ""
                connection.execute(f'CREATE DATABASE "{self.name(target)}" TEMPLATE "{self.name(source)}"{strategy}')
            env = self.environment(target)
        else:
            env = self.environment(target)
            destination = Path(env["RISKREG_VAR_DIR"]) / "riskreg.sqlite3"
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.unlink(missing_ok=True)
            source_path = Path(self.environment(source)["RISKREG_VAR_DIR"]) / "riskreg.sqlite3"
            with sqlite3.connect(source_path) as origin, sqlite3.connect(destination) as copy:
                origin.backup(copy)
        return env

    def drop(self, suffix: str) -> None:
        if self.postgres:
            with self._connect() as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.name(suffix)}" WITH (FORCE)')
        else:
            for extra in ("", "-wal", "-shm"):
                (self.root / f"{self.kind}-{suffix}" / f"riskreg.sqlite3{extra}").unlink(missing_ok=True)

    def _url_for(self, name: str) -> str:
        base, _, _ = self.url.partition("?")
        prefix = base.rsplit("/", 1)[0]
        query = self.url.partition("?")[2]
        return f"{prefix}/{name}" + (f"?{query}" if query else "")

    def _connect(self):
        import psycopg

        config = self.config
        return psycopg.connect(
            dbname="postgres",
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            autocommit=True,
        )

    def _ensure_database(self, name: str) -> None:
        with self._connect() as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{name}"')
