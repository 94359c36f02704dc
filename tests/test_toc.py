"""The book's structure from explicit metadata (seto2018.toc): the toc read as YAML, each
chapter's role, checked against what its code does."""
from __future__ import annotations

import ast
import json

import pytest
import yaml

from _book import ROOT, cell_text
from seto2018 import toc

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def test_the_toc_is_read_in_reading_order_root_first():
    raw = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = toc.files()
    assert files[0] == raw["root"] == "intro"
    assert files[1:] == [entry["file"] for part in raw["parts"] for entry in part["chapters"]]
    assert [part.caption for part in toc.parts()] == [part["caption"] for part in raw["parts"]]
    assert [p.relative_to(ROOT).as_posix() for p in toc.chapters()] == [
        f"{name}.ipynb" for name in files if (ROOT / f"{name}.ipynb").exists()]
    assert set(toc.chapters()) == set(CHAPTERS)


def test_a_toc_without_parts_with_sections_and_a_missing_page(tmp_path):
    (tmp_path / "intro.md").write_text("# Intro\n")
    (tmp_path / "a.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}))
    (tmp_path / "b.md").write_text("# B\n")
    path = tmp_path / "_toc.yml"
    path.write_text("format: jb-book\nroot: intro\nchapters:\n  - file: a\n    sections:\n"
                    "      - file: b\n")
    assert toc.files(path) == ["intro", "a", "b"]
    assert toc.chapters(path) == [tmp_path / "a.ipynb"]
    path.write_text("format: jb-book\nroot: intro\nchapters:\n  - file: gone\n")
    with pytest.raises(ValueError, match=r"_toc\.yml: `file: gone` has no source"):
        toc.chapters(path)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_chapter_has_a_role_its_code_agrees_with(path):
    role = toc.role(path)  # an unknown or missing role raises, naming the allowed ones
    code = cell_text(path, "code")
    calls = {node.func.id for node in ast.walk(ast.parse(_python(code)))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    if role == "no-data":
        assert "load" not in calls, f"{path.name}: role no-data, but its code calls load()"
    else:
        assert "load" in calls, f"{path.name}: role {role}, but its code never calls load()"


def _python(code: str) -> str:
    """Code cells without IPython's magics and shell lines, which are not Python."""
    return "\n".join(line for line in code.splitlines()
                     if not line.lstrip().startswith(("%", "!")))


@pytest.mark.parametrize("metadata", [{}, {"seto2018": {"role": "data"}}])
def test_a_missing_or_unknown_role_names_the_notebook_and_the_roles(tmp_path, metadata):
    path = tmp_path / "new-chapter.ipynb"
    path.write_text(json.dumps({"cells": [], "metadata": metadata}))
    with pytest.raises(ValueError) as caught:
        toc.role(path)
    message = str(caught.value)
    assert str(path) in message and "seto2018.role" in message
    assert all(f'"{role}"' in message for role in toc.ROLES), message


def test_the_roles_select_the_chapters():
    roles = {path.stem: toc.role(path) for path in CHAPTERS}
    assert set(roles.values()) == set(toc.ROLES)
    assert toc.chapters(roles=("simulation",)) == [
        p for p in toc.chapters() if roles[p.stem] == "simulation"]
