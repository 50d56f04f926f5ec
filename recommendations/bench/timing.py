"""How a benchmark figure is timed: median of repeated runs, and the SQL statements of one."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from recommendations.bench.benchmark import Figure

# --- timing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    median: float  # seconds
    queries: int
    runs: int


class QueryCounter:
    """Counts the SQL statements run on the default connection while active.

    An execute wrapper rather than CaptureQueriesContext: that keeps only the last 9,000
    queries, and the sweep runs more."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self) -> "QueryCounter":
        self._wrapping = connection.execute_wrapper(self)
        self._wrapping.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._wrapping.__exit__(*exc)


def timed(work: Callable[[], Any], *, repeat: int, warmup: int = 1) -> Timing:
    """Median wall time of `repeat` runs after `warmup` runs; the queries of the first warm-up run.

    Queries are counted on a warm-up run only: counting them costs time of its own."""
    with QueryCounter() as counter:
        work()
    queries = counter.count
    for _ in range(warmup - 1):
        work()
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        durations.append(time.perf_counter() - started)
    return Timing(statistics.median(durations), queries, repeat)


def rolled_back(work: Callable[[], Any]) -> Callable[[], None]:
    """Run `work` in a transaction that is rolled back, so every run does the same work.

    The on-commit callbacks it queues (task publishing) run before the rollback, as they would
    after a commit, so their cost is in the figure."""

    def run() -> None:
        with transaction.atomic():
            start = len(connection.run_on_commit)
            work()
            callbacks = connection.run_on_commit[start:]
            del connection.run_on_commit[start:]
            for _, callback, _ in callbacks:
                callback()
            transaction.set_rollback(True)

    return run


def figure_of(timing: Timing, unit: str) -> Figure:
    scale = {"ms": 1000, "s": 1}[unit]
    return Figure(value=timing.median * scale, unit=unit, queries=timing.queries)
