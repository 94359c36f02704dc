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


def notebook(*sources: str, setting_up: bool = True) -> dict:
    text = "# A page\n\n## Setting up\n\nThe code below." if setting_up else "# A page"
    title = {"id": "title", "cell_type": "markdown", "metadata": {}, "source": text}
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


def test_a_chapter_without_setting_up_fails_the_build_naming_it(tmp_path):
    """The "Run this chapter" box goes under "Setting up": without it, no silent omission."""
    book = tiny_book(tmp_path, notebook("x = 1", setting_up=False))
    done = build(book)
    output = done.stdout + done.stderr
    assert done.returncode != 0, "a chapter without a Setting up section built"
    assert "chapters/page" in output and 'no "Setting up" section' in output, output[-3000:]


def test_a_clean_tiny_book_builds(tmp_path):
    # The control: the same configuration with a good page builds, so the failures above are
    # the pages' doing.
    book = tiny_book(tmp_path, notebook("x = 1", "print(x + 1)"))
    result = build(book)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


# Every page says what it is in a meta description (search results, link previews; Lighthouse SEO).
# The mechanism: `description:` in a Markdown page's front matter, or "description" in a notebook's
# top-level metadata; seto2018.sphinxext writes it into the page's <meta name="description">.
DESCRIPTION_CHARS = (50, 200)


def page_description(path: Path) -> str | None:
    """The description a page's source gives, or None."""
    import yaml

    if path.suffix == ".ipynb":
        return json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("description")
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return None
    front_matter = yaml.safe_load(text[4:text.index("\n---", 4)]) or {}
    return front_matter.get("description")


def description_problems(root: Path, files: list[str]) -> list[str]:
    """What is wrong with the descriptions of ``files`` (toc entries, no suffix): missing, too
    short or long for a search result, or the same as another page's."""
    problems, seen = [], {}
    for name in files:
        path = next((root / f"{name}{suffix}" for suffix in (".md", ".ipynb")
                     if (root / f"{name}{suffix}").exists()), None)
        if path is None:
            problems.append(f"{name}: no .md or .ipynb source")
            continue
        description = " ".join(str(page_description(path) or "").split())
        low, high = DESCRIPTION_CHARS
        if not description:
            problems.append(f"{path.relative_to(root)}: no description (front matter `description:` "
                            "for Markdown, top-level metadata \"description\" for a notebook)")
        elif not low <= len(description) <= high:
            problems.append(f"{path.relative_to(root)}: description of {len(description)} "
                            f"characters; a search result shows {low}-{high}")
        elif description in seen:
            problems.append(f"{path.relative_to(root)}: same description as {seen[description]}")
        seen.setdefault(description, name)
    return problems


def test_every_toc_page_has_its_own_description():
    from seto2018 import toc

    assert not description_problems(ROOT, toc.files(ROOT / "_toc.yml"))


def test_a_page_without_a_description_is_named(tmp_path):
    (tmp_path / "described.md").write_text(
        "---\ndescription: A page that says what it holds in one sentence, for search results.\n"
        "---\n# Described\n", encoding="utf-8")
    (tmp_path / "bare.md").write_text("# Bare\n", encoding="utf-8")
    (tmp_path / "nb.ipynb").write_text(json.dumps(notebook("x = 1")), encoding="utf-8")
    problems = description_problems(tmp_path, ["described", "bare", "nb"])
    assert [p.split(":")[0] for p in problems] == ["bare.md", "nb.ipynb"]
