"""The benchmark harness: how figures are judged, what results.json holds, and when CHECK fails."""

import json

import pytest
from django.core.management import CommandError, call_command

from recommendations.bench import benchmark
from recommendations.bench.benchmark import Figure


def _document(**figures: Figure) -> dict:
    return benchmark.results(database="SQLite", figures=figures, context={"clients": {"large": 2000, "small": 20}})


def test_a_fast_page_with_too_many_queries_misses_its_target():
    document = _document(dashboard=Figure(value=40.0, unit="ms", queries=16))

    assert document["figures"]["dashboard"]["met"] is False
    assert benchmark.missed(document) == ["dashboard"]


def test_a_page_within_time_and_queries_meets_its_target():
    document = _document(dashboard=Figure(value=149.9, unit="ms", queries=15))

    assert document["figures"]["dashboard"] == {
        "value": 149.9,
        "unit": "ms",
        "queries": 15,
        "target": "≤ 150 ms, ≤ 15 queries",
        "met": True,
    }
    assert benchmark.missed(document) == []


def test_signings_per_second_must_reach_the_target_from_below():
    assert _document(decide_and_sign=Figure(value=29.9, unit="per s"))["figures"]["decide_and_sign"]["met"] is False
    assert _document(decide_and_sign=Figure(value=30.0, unit="per s"))["figures"]["decide_and_sign"]["met"] is True


def test_a_missing_figure_is_reported_as_missing_and_counts_as_missed():
    document = _document(reack_sweep=benchmark.missing("s", "not built yet (No module named 'recommendations.reack')"))

    entry = document["figures"]["reack_sweep"]
    assert entry["value"] is None
    assert entry["met"] is False
    assert entry["note"].startswith("missing: not built yet")
    assert "| missing |" in benchmark.table(document).replace("  ", "")


def test_a_figure_without_a_target_is_never_judged():
    document = _document(pdf_floor=Figure(value=900.0, unit="ms", queries=0))

    assert document["figures"]["pdf_floor"]["met"] is None
    assert benchmark.missed(document) == []


def test_the_detail_page_must_issue_as_many_queries_at_2000_clients_as_at_20():
    same = _document(
        client_detail=Figure(value=20.0, unit="ms", queries=12),
        client_detail_small=Figure(value=18.0, unit="ms", queries=12),
    )
    grows = _document(
        client_detail=Figure(value=20.0, unit="ms", queries=13),
        client_detail_small=Figure(value=18.0, unit="ms", queries=12),
    )

    assert same["figures"]["client_detail"]["met"] is True
    assert grows["figures"]["client_detail"]["met"] is False


def test_the_table_labels_figures_with_the_dataset_sizes():
    document = _document(dashboard=Figure(value=90.0, unit="ms", queries=9))

    assert "Manager dashboard, 2,000 clients | 90.0 ms" in benchmark.table(document).replace("  ", "")


def test_a_tiny_benchmark_run_writes_every_figure_and_check_fails_exactly_when_a_target_is_missed(
    tmp_path, monkeypatch
):
    # SQLite files under tmp_path, whatever database the test run itself uses.
    monkeypatch.delenv("DATABASE_URL", raising=False)
    output = tmp_path / "results.json"
    options = {
        "clients": 3,
        "small_clients": 2,
        "recommendations": 8,
        "repeat": 1,
        "heavy_repeat": 1,
        "signings": 1,
        "dir": str(tmp_path),
        "output": str(output),
        "check": True,
    }

    try:
        call_command("bench", **options)
        error = None
    except CommandError as raised:
        error = str(raised)

    document = json.loads(output.read_text())
    assert json.loads((tmp_path / "results-sqlite.json").read_text()) == document
    assert json.loads((tmp_path / "results-sqlite-3.json").read_text()) == document
    assert document["database"].startswith("SQLite")
    assert document["size"] == 3
    assert document["clients"] == {"large": 3, "small": 2}
    assert document["dataset"]["clients"] == 3
    assert set(document["figures"]) == set(benchmark.TARGETS) - benchmark.POSTGRESQL_ONLY
    for entry in document["figures"].values():
        assert {"value", "unit", "queries", "target", "met"} <= set(entry)
    assert document["figures"]["dashboard"]["queries"] > 0
    missed = benchmark.missed(document)
    if missed:
        assert error == f"{len(missed)} target(s) missed: {', '.join(missed)}"
    else:
        assert error is None


def _fake_worker(self, kind, env, root, options, *, clients):
    """A worker whose dashboard feature is not built: every run has a missed target."""
    figures = {"dashboard": benchmark.missing("ms", "not built yet")} if kind == "large" else {}
    return {"figures": benchmark.figures_to_json(figures), "dataset": {"clients": clients, "due": 0, "refusals": 0}}


@pytest.mark.parametrize("check", [True, False])
def test_check_turns_a_missed_target_into_a_failure_and_without_it_the_run_succeeds(check, tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    command = "recommendations.management.commands.bench"
    monkeypatch.setattr(f"{command}.Command.run_worker", _fake_worker)
    monkeypatch.setattr(f"{command}.Backend.copy", lambda self, source, target: {})
    monkeypatch.setattr(f"{command}.Backend.drop", lambda self, suffix: None)

    if check:
        with pytest.raises(CommandError, match="target\\(s\\) missed: dashboard, dashboard_ratio"):
            call_command("bench", dir=str(tmp_path), check=True)
    else:
        call_command("bench", dir=str(tmp_path))

    figures = json.loads((tmp_path / "results.json").read_text())["figures"]
    assert figures["dashboard"]["met"] is False
    assert figures["dashboard_ratio"]["note"] == "missing: dashboard is missing"


def test_the_api_client_list_must_issue_as_many_queries_at_200_a_page_as_at_50():
    same = _document(
        api_clients=Figure(value=20.0, unit="ms", queries=2), api_clients_200=Figure(value=50.0, unit="ms", queries=2)
    )
    grows = _document(
        api_clients=Figure(value=20.0, unit="ms", queries=2), api_clients_200=Figure(value=50.0, unit="ms", queries=5)
    )
    slow = _document(
        api_clients=Figure(value=61.0, unit="ms", queries=2), api_clients_200=Figure(value=90.0, unit="ms", queries=2)
    )

    assert same["figures"]["api_clients"]["met"] is True
    assert grows["figures"]["api_clients"]["met"] is False
    assert slow["figures"]["api_clients"]["met"] is False
    assert "API client list, 2,000 clients (50 a page)" in benchmark.table(same)


def test_the_10000_client_run_is_judged_against_the_tighter_targets_of_that_size():
    large, default = benchmark.targets_for(10000), benchmark.targets_for(2000)
    figures = {"dashboard": benchmark.Figure(value=120, unit="ms", queries=13)}

    assert (large["dashboard"].limit, large["reack_sweep"].limit) == (80, 10)
    assert default == benchmark.TARGETS
    assert benchmark.judge("dashboard", figures["dashboard"], figures, default) is True
    assert benchmark.judge("dashboard", figures["dashboard"], figures, large) is False
    document = benchmark.results(database="SQLite", figures=figures, context={}, targets=large)
    assert document["figures"]["dashboard"]["target"] == "≤ 80 ms, ≤ 15 queries"
