"""Chapters as files: stored without outputs, all in the toc, runnable on Colab, complete."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from seto2018 import toc
from _book import cell_text, cells, toc_files

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def markdown(path: Path) -> str:
    return cell_text(path, "markdown")


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs(path):
    dirty = [i for i, c in enumerate(cells(path)) if c["cell_type"] == "code"
             and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, f"{path.name}: cells {dirty} are stored with outputs; strip them"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernel_is_python3(path):
    meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]
    assert meta.get("kernelspec", {}).get("name") == "python3"


def test_every_chapter_is_in_the_toc_and_every_toc_entry_exists():
    listed = set(toc_files())
    chapters = {f"chapters/{p.stem}" for p in (ROOT / "chapters").glob("*")
                if p.suffix in {".md", ".ipynb"} and not p.name.startswith("_")}
    assert chapters <= listed, f"chapters missing from _toc.yml: {sorted(chapters - listed)}"
    missing = [f for f in listed if not any((ROOT / f).with_suffix(s).exists() for s in (".md", ".ipynb"))]
    assert not missing, f"_toc.yml lists files that do not exist: {missing}"


ADDRESS = re.compile(r"github\.com|github\.io|/content/book|git clone|\.whl\b")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_chapter_writes_the_sites_or_repositorys_address(path):
    """The addresses live in _config.yml only: the site adds the install cell to the notebooks
    it offers for download (seto2018/downloads.py) and the "Run this chapter" box to each page."""
    found = sorted({m.group(0) for m in ADDRESS.finditer(cell_text(path))})
    assert not found, f"{path.name} writes {found}: take the address from _config.yml"


def _code(cell) -> ast.Module:
    # IPython's own syntax (%magic, !shell) is not Python: blank it out before parsing.
    lines = ["" if line.lstrip().startswith(("%", "!")) else line
             for line in "".join(cell["source"]).splitlines()]
    return ast.parse("\n".join(lines))


def _hidden(cell) -> bool:
    return "remove-cell" in cell.get("metadata", {}).get("tags", [])


REPORT_CHECKS = {"equal", "holds", "finding", "check"}


def _report_checks(tree: ast.Module) -> list[str]:
    """Calls of checks.equal/holds/finding and findings.check in a cell."""
    return [f"{node.func.value.id}.{node.func.attr}" for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.attr in REPORT_CHECKS
            and node.func.value.id in {"checks", "findings"}]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_checks_against_the_report_are_hidden_and_every_assert_says_what_failed(path):
    """A student reads the analysis, not the checks (those against the report run through
    seto2018.checks, on the book's dataset only; asserts of rules true of every dataset run
    too): all in hidden cells, and an assert says what it expected when it fails."""
    for index, cell in enumerate(cells(path)):
        if cell["cell_type"] != "code":
            continue
        tree = _code(cell)
        shown = _report_checks(tree)
        assert _hidden(cell) or not shown, (
            f"{path.name}, cell {index}: {shown[0]} in a visible cell; move it to a hidden one")
        asserts = [node for node in ast.walk(tree) if isinstance(node, ast.Assert)]
        assert _hidden(cell) or not asserts, (
            f"{path.name}, cell {index}, line {asserts[0].lineno}: an assert in a visible cell; "
            "move it to the hidden cell after it")
        bare = [node.lineno for node in asserts if node.msg is None]
        assert not bare, (f"{path.name}, cell {index}, line {bare[0]}: an assert with no "
                          "message; say what was expected")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_chapter_that_reads_data_says_which_dataset_once(path):
    """One visible sentence: the book's dataset (checks run) or another (checks skipped)."""
    code = [c for c in cells(path) if c["cell_type"] == "code"]
    if toc.role(path) == "no-data":
        pytest.skip(f"{path.name} reads no dataset (its role in its metadata)")
    announcing = [c for c in code if "checks.announce()" in "".join(c["source"])]
    assert len(announcing) == 1, f"{path.name}: checks.announce() {len(announcing)} times"
    assert not _hidden(announcing[0]), f"{path.name}: checks.announce() in a hidden cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_has_objectives_exercises_solutions_and_summary(path):
    text = markdown(path)
    assert re.search(r"^## Learning objectives", text, re.M), f"{path.name}: no learning objectives"
    assert re.search(r"^## Summary", text, re.M), f"{path.name}: no summary"
    exercises = re.findall(r"```\{exercise\}", text)
    solutions = re.findall(r"```\{solution\}", text)
    assert len(exercises) >= 4, f"{path.name}: {len(exercises)} exercises, at least 4 expected"
    assert len(solutions) == len(exercises), f"{path.name}: every exercise needs a solution"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_lists_its_prerequisites_after_its_objectives(path):
    """intro.md promises that each chapter lists what it expects: the chapters to read first,
    the statistics and the Python it assumes."""
    text = markdown(path)
    objectives = re.search(r"^## Learning objectives", text, re.M)
    prerequisites = re.search(r"^## Prerequisites\n(.*?)(?=^## )", text, re.M | re.S)
    assert prerequisites, f"{path.name}: no '## Prerequisites' section"
    assert objectives.start() < prerequisites.start(), f"{path.name}: prerequisites before objectives"
    between = text[objectives.end():prerequisites.start()]
    assert not re.search(r"^## ", between, re.M), f"{path.name}: prerequisites must follow objectives"
    body = prerequisites.group(1)
    for part in ("**Chapters:**", "**Statistics:**", "**Python:**"):
        assert part in body, f"{path.name}: the prerequisites do not say {part}"
