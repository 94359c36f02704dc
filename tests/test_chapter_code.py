"""The chapters' own code: one preamble, and one meaning per helper name.

A function a chapter defines is part of its lesson, so it stays in the chapter; but a name that
two chapters define must mean the same thing in both (the same signature, body and docstring),
and a function copied into three or more chapters belongs in the package
(``seto2018/preamble.py``). Where two chapters need different functions, they get different
names (``odds_ratio`` where the odds ratio is taught, ``odds_ratio_of_flags`` elsewhere).

Two definitions are the same when their whole ``def`` is the same syntax tree (``ast.dump``,
which ignores line numbers and comments): name, arguments, defaults, body and docstring. The
docstring counts because it is where a reader learns what the name means: two chapters that
describe one function in different words are already drifting apart.
"""
from __future__ import annotations

import ast
import json
from collections import defaultdict
from pathlib import Path

import pytest

from seto2018 import preamble

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
PREAMBLE = "from seto2018.preamble import *"


def _code_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]


def _parsed(path: Path) -> list[ast.Module]:
    modules = []
    for number, source in enumerate(_code_cells(path), start=1):
        # IPython's own syntax (%magic, !shell) is not Python: blank it out before parsing.
        lines = ["" if line.lstrip().startswith(("%", "!")) else line
                 for line in source.splitlines()]
        try:
            modules.append(ast.parse("\n".join(lines)))
        except SyntaxError as error:
            raise AssertionError(f"{path.name}, code cell {number}: not Python ({error})")
    return modules


def definitions(paths) -> dict[str, dict[str, set[str]]]:
    """name -> {chapter: the ``ast.dump`` of each top-level ``def`` of that name in it}."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in paths:
        for module in _parsed(path):
            for node in module.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    found[node.name][path.stem].add(ast.dump(node))
    return found


def differing(found) -> list[str]:
    """One line per name that two chapters define with different bodies (or one chapter twice)."""
    problems = []
    for name, by_chapter in sorted(found.items()):
        if len(by_chapter) < 2:
            continue
        bodies: dict[str, list[str]] = defaultdict(list)
        for chapter, dumps in sorted(by_chapter.items()):
            for dump in dumps:
                bodies[dump].append(chapter)
        if len(bodies) > 1:
            groups = "; ".join(f"body {i}: {', '.join(chapters)}"
                               for i, chapters in enumerate(bodies.values(), start=1))
            problems.append(f"{name}() has {len(bodies)} different bodies ({groups}): "
                            "give each meaning its own name, or make them one")
    return problems


def copied(found, most: int = 2) -> list[str]:
    """One line per function defined, with one body, in more than ``most`` chapters."""
    return [f"{name}() is defined in {len(by_chapter)} chapters ({', '.join(sorted(by_chapter))})"
            ": move it to seto2018/preamble.py"
            for name, by_chapter in sorted(found.items())
            if len(by_chapter) > most and len(set().union(*by_chapter.values())) == 1]


def test_there_are_chapters():
    assert NOTEBOOKS, "no chapters/*.ipynb found"


def test_one_name_has_one_body_in_every_chapter():
    problems = differing(definitions(NOTEBOOKS))
    assert not problems, "\n".join(problems)


def test_a_function_in_three_chapters_is_in_the_package():
    problems = copied(definitions(NOTEBOOKS))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_first_code_cell_starts_with_the_preamble(path):
    first = _code_cells(path)[0].lstrip() if _code_cells(path) else ""
    assert first.startswith(PREAMBLE), (
        f"{path.name}: the first code cell must start with {PREAMBLE!r}, "
        f"not {first.splitlines()[0] if first else 'nothing'!r}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_chapter_redoes_the_preamble(path):
    """What the preamble gives is not imported, defined or switched on again in a chapter."""
    given = set(preamble.__all__)
    problems = []
    for number, module in enumerate(_parsed(path), start=1):
        for node in ast.walk(module):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                again = {alias.asname or alias.name.split(".")[0] for alias in node.names} & given
                problems += [f"code cell {number} imports {name!r} again" for name in sorted(again)]
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in given:
                problems.append(f"code cell {number} defines {node.name}() again")
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and ast.unparse(node.func) == "charts.enable"):
                problems.append(f"code cell {number} calls charts.enable() again")
    assert not problems, f"{path.name}: the preamble gives these: " + "; ".join(problems)


# The checks above, on made-up chapters: each must catch what it is for.
def _chapter(tmp_path: Path, name: str, *sources: str) -> Path:
    cells = [{"cell_type": "code", "source": source, "metadata": {}, "outputs": [],
              "execution_count": None} for source in sources]
    path = tmp_path / f"{name}.ipynb"
    path.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    return path


def test_two_bodies_of_one_name_are_found(tmp_path):
    a = _chapter(tmp_path, "a", "def ratio(x):\n    return x")
    b = _chapter(tmp_path, "b", "def ratio(x, y):\n    return x / y")
    c = _chapter(tmp_path, "c", "def ratio(x):\n    '''Another meaning.'''\n    return x")
    problems = differing(definitions([a, b, c]))
    assert len(problems) == 1 and "ratio() has 3 different bodies" in problems[0], problems
    assert "a" in problems[0] and "b" in problems[0] and "c" in problems[0], problems


def test_one_body_in_three_chapters_is_found_and_in_two_is_not(tmp_path):
    same = "def styled(frame):\n    return frame.style\n"
    paths = [_chapter(tmp_path, name, same) for name in ("a", "b", "c")]
    assert not differing(definitions(paths))
    assert not copied(definitions(paths[:2]))
    problems = copied(definitions(paths))
    assert len(problems) == 1 and "styled() is defined in 3 chapters (a, b, c)" in problems[0]
