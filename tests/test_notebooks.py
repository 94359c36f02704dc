"""Chapters as files: stored without outputs, all in the toc, runnable on Colab, complete."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_installs_the_book_on_colab_and_is_hidden(path):
    first = next(c for c in cells(path) if c["cell_type"] == "code")
    source = "".join(first["source"])
    assert 'find_spec("seto2018") is None' in source and "pip" in source
    assert "remove-cell" in first.get("metadata", {}).get("tags", [])


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
