"""The architecture holds: the import-linter contracts in pyproject.toml pass (and would fail on a
forbidden import), no product module is part of an import cycle, and no module imports a name
another module keeps private."""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("riskreg", "clients", "recommendations")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A copy of the product's source, to add imports to without touching the real one."""
    copy = tmp_path_factory.mktemp("tree")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def _add_module(tree: Path, dotted: str, source: str) -> Path:
    path = tree.joinpath(*dotted.split(".")).with_suffix(".py")
    path.write_text(source)
    return path


def test_the_contracts_hold():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_clients_importing_recommendations_breaks_a_contract(tree):
    probe = _add_module(tree, "clients.probe", "from recommendations.models import Recommendation\n")
    try:
        result = _lint(tree)
    finally:
        probe.unlink()
    assert result.returncode != 0
    assert "clients never imports recommendations BROKEN" in result.stdout


def test_a_lower_feature_importing_a_higher_one_breaks_a_contract(tree):
    probe = _add_module(tree, "recommendations.signing.probe", "from recommendations.reack import reack_sweep\n")
    try:
        result = _lint(tree)
    finally:
        probe.unlink()
    assert result.returncode != 0
    assert "feature packages depend downwards only BROKEN" in result.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_product_module_is_part_of_an_import_cycle():
    assert _cycles(grimp.build_graph(*PACKAGES)) == []


def test_the_cycle_check_finds_a_cycle():
    graph = grimp.build_graph(*PACKAGES)
    # riskreg.mail.tasks imports the selectors; the other way round would close a cycle.
    graph.add_import(importer="riskreg.mail.selectors", imported="riskreg.mail.tasks")
    assert ["riskreg.mail.selectors", "riskreg.mail.tasks"] in _cycles(graph)


def _private_imports(source: str) -> list[str]:
    """The names imported from the project's own modules that their module keeps private (a leading
    underscore; dunders aside): what another module needs belongs to its owner's public face."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom):
            continue
        module = "." * node.level + (node.module or "")
        if node.level or module.split(".")[0] in (*PACKAGES, "tests"):
            found += [f"from {module} import {alias.name}" for alias in node.names if _is_private(alias.name)]
    return found


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_no_module_imports_a_name_another_module_keeps_private():
    found = [
        f"{path.relative_to(ROOT)}: {line}"
        for package in (*PACKAGES, "tests")
        for path in sorted((ROOT / package).rglob("*.py"))
        for line in _private_imports(path.read_text())
    ]
    assert found == []


def test_the_private_import_check_finds_one():
    source = "from recommendations.reack.core import SYSTEM, _hidden\nfrom .text import _plain\nfrom os import _exit\n"
    assert _private_imports(source) == [
        "from recommendations.reack.core import _hidden",
        "from .text import _plain",
    ]
