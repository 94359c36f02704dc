"""The build is strict: a failing cell, or any Sphinx warning, fails it with a clear message."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"


def notebook(*sources: str) -> dict:
    title = {"id": "title", "cell_type": "markdown", "metadata": {}, "source": "# A page"}
    return {
        "cells": [title] + [{"id": f"cell-{i}", "cell_type": "code", "metadata": {}, "source": s,
                             "outputs": [], "execution_count": None} for i, s in enumerate(sources)],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }


def tiny_book(tmp_path: Path, page: dict | str) -> Path:
    """A one-chapter copy of the book's configuration, with the given page as its chapter."""
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    for name in ("_config.yml", "references.bib"):
        shutil.copy(ROOT / name, book / name)
    shutil.copytree(ROOT / "_static", book / "_static")
    (book / "intro.md").write_text("# Tiny\n\nA test book.\n", encoding="utf-8")
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapters/page\n",
                                   encoding="utf-8")
    if isinstance(page, dict):
        (book / "chapters" / "page.ipynb").write_text(json.dumps(page), encoding="utf-8")
    else:
        (book / "chapters" / "page.md").write_text(page, encoding="utf-8")
    return book


def build(book: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(JUPYTER_BOOK), "build", str(book), "--warningiserror", "--nitpick",
                           "--keep-going"], capture_output=True, text=True, timeout=300)


def test_a_failing_cell_fails_the_build_naming_notebook_and_cell(tmp_path):
    book = tiny_book(tmp_path, notebook("x = 1", "raise ValueError('published count drifted')"))
    result = build(book)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "page.ipynb" in output or "chapters/page" in output
    assert "published count drifted" in output and "ValueError" in output
    # The cell is named by its source, shown under nbclient's heading.
    assert "error occurred while executing the following cell" in output
    assert "raise ValueError('published count drifted')" in output


def test_a_missing_reference_fails_the_build(tmp_path):
    book = tiny_book(tmp_path, "# Page\n\nSee {ref}`a-label-that-does-not-exist`.\n")
    result = build(book)
    assert result.returncode != 0
    assert "a-label-that-does-not-exist" in result.stdout + result.stderr


def test_a_clean_tiny_book_builds(tmp_path):
    # The control: the same configuration with a good page builds, so the failures above are
    # the pages' doing.
    book = tiny_book(tmp_path, notebook("x = 1", "print(x + 1)"))
    result = build(book)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
