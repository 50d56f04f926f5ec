"""The benchmark behind `make bench`: targets, the results table and JSON.

`manage.py bench` (recommendations/management/commands/bench.py) builds the datasets and runs
one worker process per database; each worker calls `measure_portfolio` (bench/portfolio.py) or
`measure_signing` (bench/signing.py, on a throw-away copy) and hands its figures back as JSON.
This module holds what both sides share: the targets, and how results are judged and shown;
bench/timing.py holds how a figure is timed.

Every figure is the median of repeated runs after a warm-up, taken in-process (Django's test
client for pages, the services themselves otherwise), with the number of SQL queries of one
run. A figure whose feature does not exist (yet) is reported as missing — never estimated.
"""

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

# --- targets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    label: str
    unit: str
    limit: float | None = None  # None: shown for context, not judged
    higher_is_better: bool = False
    max_queries: int | None = None
    # The figure's query count must equal this other figure's (same page on the small dataset).
    same_queries_as: str | None = None

    def describe(self) -> str:
        if self.limit is None:
            return ""
        parts = [f"{'≥' if self.higher_is_better else '≤'} {self.limit:g} {self.unit}".strip()]
        if self.max_queries is not None:
            parts.append(f"≤ {self.max_queries} queries")
        if self.same_queries_as:
            parts.append("queries independent of size")
        return ", ".join(parts)


TARGETS: dict[str, Target] = {
    "dashboard": Target("Manager dashboard, {large} clients", "ms", 150, max_queries=15),
    "dashboard_small": Target("Manager dashboard, {small} clients", "ms"),
    "dashboard_ratio": Target("Dashboard {large} / {small} clients", "×", 2.0),
    "clients_list": Target("Clients list page", "ms", 80, max_queries=10),
    "client_detail": Target("Client detail page", "ms", 60, same_queries_as="client_detail_small"),
    "client_detail_small": Target("Client detail page, {small} clients", "ms"),
    "client_breakdown": Target("Risk breakdown page", "ms", 60, same_queries_as="client_breakdown_small"),
    "client_breakdown_small": Target("Risk breakdown page, {small} clients", "ms"),
    "roadmap_page": Target("Roadmap page", "ms", 60, same_queries_as="roadmap_page_small"),
    "roadmap_page_small": Target("Roadmap page, {small} clients", "ms"),
    "rescore_all": Target("rescore_clients, whole portfolio", "s", 3),
    "reack_sweep": Target("Re-acknowledgment sweep ({due} due of {refusals})", "s", 5),
    "waiver_render": Target("Waiver render", "ms", 25),
    "waiver_render_seal": Target("Waiver render + seal", "ms", 100),
    "waiver_render_seal_timestamp": Target("Waiver render + seal + timestamp (local TSA)", "ms", 150),
    "briefing_render": Target("Briefing render (figures + PDF)", "ms", 60),
    "pdf_floor": Target("One-page minimal reportlab PDF (floor)", "ms"),
    "waiver_floor_ratio": Target("Waiver render / floor", "×"),
    "decide_and_sign": Target("Decide-and-sign POST, sequential", "per s", 30, higher_is_better=True),
    # Four processes signing for different clients (POSTGRESQL_ONLY).
    "decide_and_sign_concurrent": Target("Decide-and-sign POSTs, 4 concurrent signers", "per s"),
    "decide_and_sign_scaling": Target("4 concurrent signers / sequential", "×", 1.5, higher_is_better=True),
    "csv_export": Target("CSV export, whole portfolio", "s", 2),
    "api_clients": Target("API client list, {large} clients (50 a page)", "ms", 60, same_queries_as="api_clients_200"),
    "api_clients_200": Target("API client list, 200 a page", "ms"),
}
ORDER = list(TARGETS)
# Measured on PostgreSQL only: SQLite runs one write transaction at a time.
POSTGRESQL_ONLY = frozenset({"decide_and_sign_concurrent", "decide_and_sign_scaling"})
# Where a target differs with the size of the large dataset (issue 26's table for 10,000 clients).
SIZE_LIMITS: dict[int, dict[str, float]] = {10000: {"dashboard": 80, "reack_sweep": 10}}


def targets_for(size: int) -> dict[str, Target]:
    """The targets a dataset of ``size`` clients is judged against."""
    limits = SIZE_LIMITS.get(size, {})
    return {name: replace(target, limit=limits.get(name, target.limit)) for name, target in TARGETS.items()}


@dataclass
class Figure:
    value: float | None
    unit: str
    queries: int | None = None
    note: str = ""


def missing(unit: str, note: str) -> Figure:
    return Figure(value=None, unit=unit, note=f"missing: {note}")


def judge(name: str, figure: Figure, figures: dict[str, Figure], targets: dict[str, Target] = TARGETS) -> bool | None:
    """True or False against the figure's target; None when it has none. Missing is a miss."""
    target = targets.get(name)
    if target is None or target.limit is None:
        return None
    if figure.value is None:
        return False
    met = figure.value >= target.limit if target.higher_is_better else figure.value <= target.limit
    if target.max_queries is not None:
        met = met and figure.queries is not None and figure.queries <= target.max_queries
    if target.same_queries_as:
        other = figures.get(target.same_queries_as)
        met = met and other is not None and other.queries is not None and other.queries == figure.queries
    return met


def results(
    *, database: str, figures: dict[str, Figure], context: dict[str, Any], targets: dict[str, Target] = TARGETS
) -> dict[str, Any]:
    """The results document: {"database", "figures": {name: {value, unit, queries, target, met}}, ...}."""
    out = {}
    for name in [*ORDER, *sorted(set(figures) - set(ORDER))]:
        if name not in figures:
            continue
        figure = figures[name]
        target = targets.get(name)
        entry = {
            "value": None if figure.value is None else round(figure.value, 3),
            "unit": figure.unit,
            "queries": figure.queries,
            "target": target.describe() if target else "",
            "met": judge(name, figure, figures, targets),
        }
        if figure.note:
            entry["note"] = figure.note
        out[name] = entry
    return {"database": database, **context, "figures": out}


def missed(document: dict[str, Any]) -> list[str]:
    """Names of figures that have a target and did not meet it (missing ones included)."""
    return [name for name, entry in document["figures"].items() if entry["met"] is False]


def label(name: str, context: dict[str, Any]) -> str:
    target = TARGETS.get(name)
    if target is None:
        return name
    values = {key: f"{value:,}" if isinstance(value, int) else value for key, value in context.items()}
    try:
        return target.label.format(**values)
    except (KeyError, ValueError):
        return target.label


def table(document: dict[str, Any]) -> str:
    """A Markdown table of the results (it reads as well in a terminal as in the README)."""
    context = {**document.get("clients", {}), **document.get("sweep", {})}
    rows = [("Figure", "Value", "Queries", "Target", "Result")]
    for name, entry in document["figures"].items():
        value = entry["value"]
        shown = "missing" if value is None else f"{_number(value)} {entry['unit']}".strip()
        result = {True: "met", False: "MISSED", None: ""}[entry["met"]]
        queries = "" if entry["queries"] is None else str(entry["queries"])
        rows.append((label(name, context), shown, queries, entry["target"], result))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        "| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |" for row in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def write(document: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def figures_to_json(figures: dict[str, Figure]) -> dict[str, dict[str, Any]]:
    return {name: asdict(figure) for name, figure in figures.items()}


def figures_from_json(data: dict[str, dict[str, Any]]) -> dict[str, Figure]:
    return {name: Figure(**values) for name, values in data.items()}
