"""Two editions from one source: the student's holds no solution anywhere, the reader's holds all.

The solutions are read from the book's sources (every `{solution}` directive of every toc page,
found by markdown-it, independently of the code that removes them), and from the reader's
edition as built (each solution box, glued numbers included). The student's edition must hold
none of their distinctive text in any file it ships: pages, search index, downloadable sources.
The reader's edition must hold every piece, which shows the pieces are found as built.

The first tests need no build. Those marked `site` read both built editions:
`make book` then `make book EDITION=student` (`make test` runs both before the site tests).
"""
from __future__ import annotations

import ast
import builtins
import functools
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin
from sphinx.errors import ConfigError

from _book import ROOT, toc_files
from seto2018 import editions

READER = ROOT / "_build" / "html"
STUDENT = ROOT / "_build" / "student" / "_build" / "html"
WINDOW = 8  # words in a row: long enough to be a solution's own, short enough to catch a clause
GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)")
GLUE_CALL = re.compile(r"""glue\(\s*f?["']([^"']+)""")


# --- the book's sources --------------------------------------------------------------------

def toc_pages() -> list[Path]:
    pages = []
    for name in toc_files():
        found = [p for p in (ROOT / f"{name}.ipynb", ROOT / f"{name}.md") if p.exists()]
        assert found, f"_toc.yml lists {name!r}, which has no .ipynb or .md source"
        pages.append(found[0])
    return pages


def _cell_source(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def markdown_parts(page: Path) -> list[tuple[str, str]]:
    """A page as (kind, text) parts in order: kind is "markdown", "code", "solution" (a cell
    tagged `solution`) or "hidden" (another `remove-cell` code cell)."""
    if page.suffix == ".md":
        return [("markdown", page.read_text(encoding="utf-8"))]
    parts = []
    for cell in json.loads(page.read_text(encoding="utf-8"))["cells"]:
        kind, tags = cell["cell_type"], cell.get("metadata", {}).get("tags", [])
        if "solution" in tags:
            kind = "solution"
        elif kind == "code" and "remove-cell" in tags:
            kind = "hidden"
        parts.append((kind, _cell_source(cell)))
    return parts


_MARKDOWN = MarkdownIt("commonmark").use(colon_fence_plugin)


def split_solutions(markdown: str) -> tuple[list[str], str]:
    """(the body of each `{solution}` directive, the rest of the text), directives nested in
    other directives included."""
    solutions, rest = [], markdown.splitlines(keepends=True)
    for token in _MARKDOWN.parse(markdown):
        if token.type not in ("fence", "colon_fence") or token.map is None:
            continue
        start, end = token.map
        if token.info.strip().startswith("{solution}"):
            solutions.append(token.content)
            rest[start:end] = [""] * (end - start)
        elif token.info.strip().startswith("{"):
            inner, inner_rest = split_solutions(token.content)
            if inner:
                solutions += inner
                rest[start:end] = [inner_rest] + [""] * (end - start - 1)  # keeps line numbers
    return solutions, "".join(rest)


@functools.lru_cache(maxsize=None)
def book_sources() -> tuple[dict[str, list[str]], dict[str, list[str]], str]:
    """(each page's solutions, each page's cells tagged `solution` (they re-run a solution),
    all other text of the book's sources)."""
    solutions, checks, other = {}, {}, []
    for page in toc_pages():
        name = page.relative_to(ROOT).as_posix()
        solutions[name], checks[name] = [], []
        for kind, text in markdown_parts(page):
            if kind == "solution":
                checks[name].append(text)
                continue
            found, rest = split_solutions(text) if kind == "markdown" else ([], text)
            solutions[name] += found
            other.append(rest)
    return solutions, checks, "\n".join(other)


# --- text as words ---------------------------------------------------------------------------

def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def windows(tokens: list[str]) -> set[str]:
    return {" ".join(tokens[i:i + WINDOW]) for i in range(len(tokens) - WINDOW + 1)}


def source_segments(markdown: str) -> list[list[str]]:
    """The words of MyST text as a reader sees them, in runs that the build renders unchanged.

    A run ends where the build puts text of its own: a role (a glued number, a reference's
    title, a term), a link's address, a list's number, a fence or an option line.
    """
    segments, in_math = [], False
    for line in markdown.splitlines():
        if line.strip().startswith("$$"):  # a display formula: MathML on the page, not words
            in_math = not in_math if line.strip() == "$$" or in_math else False
        if in_math or line.strip().startswith("$$") or re.match(
                r"\s*(```|~~~|:::|:\w[\w-]*:)", line):
            segments.append(None)
            continue
        line = re.sub(r"^\s*(\d+[.)]|[-*+])\s+", "", line)
        for piece in re.split(r"\{[\w:-]+\}`[^`]*`|\]\([^)]*\)|\$[^$\n]+\$", line):
            segments.append(piece)
            segments.append(None)
        segments.pop()
    runs, current = [], []
    for piece in segments:
        if piece is None:
            runs.append(current)
            current = []
        else:
            current += words(piece)
    return [run for run in runs + [current] if run]


def segment_windows(markdown: str) -> set[str]:
    return set().union(*(windows(run) for run in source_segments(markdown)))


class _PageText(HTMLParser):
    """A built page's text, split into what sits inside solution boxes and everything else."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.solutions: list[list[str]] = []
        self.other: list[str] = []
        self._depth = 0  # open elements inside the current solution box, 0 when outside

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self._depth:
            self._depth += tag not in _VOID
        elif "solution" in classes and tag not in _VOID:
            self._depth = 1
            self.solutions.append([])
        # A formula's LaTeX (its alttext) is its text for the search index, as for a reader.
        self._text(" " + (dict(attrs).get("alttext") or "") + " " if tag == "math" else " ")

    def handle_endtag(self, tag):
        self._text(" ")
        if self._depth and tag not in _VOID:
            self._depth -= 1

    def handle_data(self, data):
        self._text(data)

    def _text(self, text):
        (self.solutions[-1] if self._depth else self.other).append(text)


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


def file_text(path: Path) -> str | None:
    """What a file of a built site holds as text (None for binary files): a page's text, a
    notebook's cell sources, any other file as it is."""
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None
    if path.suffix == ".html":
        parser = _PageText()
        parser.feed(raw)
        return " ".join(parser.other + [" ".join(s) for s in parser.solutions])
    if path.suffix == ".ipynb":
        return "\n".join(_cell_source(c) for c in json.loads(raw)["cells"])
    return html.unescape(raw)


@functools.lru_cache(maxsize=None)
def site_windows(site: Path) -> dict[str, set[str]]:
    """Every run of WINDOW words in every text file of a built site, by file."""
    found = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        text = file_text(path)
        if text is not None:
            found[path.relative_to(site).as_posix()] = windows(words(text))
    return found


def leaks(site: Path, pieces: set[str]) -> dict[str, list[str]]:
    """Which files of the site hold which of the pieces (runs of words)."""
    return {name: sorted(held & pieces)[:3] for name, held in site_windows(site).items()
            if held & pieces}


# --- the edition switch, without a build ---------------------------------------------------

def test_edition_defaults_to_the_readers_and_names_the_student_edition():
    assert editions.edition_from_env({}) == "reader"
    assert editions.edition_from_env({"SETO2018_EDITION": ""}) == "reader"
    assert editions.edition_from_env({"SETO2018_EDITION": "student"}) == "student"


def test_an_unknown_edition_is_refused_naming_the_variable_and_the_choices():
    with pytest.raises(ConfigError) as error:
        editions.edition_from_env({"SETO2018_EDITION": "teacher"})
    message = str(error.value)
    assert "SETO2018_EDITION" in message and "'teacher'" in message
    assert "'reader'" in message and "'student'" in message


EXERCISE_PAGE = """\
Text before.

````{exercise} Count the cases
:label: toy-ex-count

How many cases?
````

````{solution} toy-ex-count
:class: dropdown

```python
print(len(cases))
```

There are {glue:text}`ex_n` cases, as the solution's own sentence says.
````

:::{solution} toy-ex-count
A colon-fenced solution.
:::

`````{note}
A note.

````{solution} toy-ex-count
A solution nested in another directive.
````
`````

Text after.
"""


def toy_notebook() -> dict:
    def cell(kind, source, tags=(), answers=None):
        extra = {"outputs": [], "execution_count": None} if kind == "code" else {}
        metadata = {"tags": list(tags)} if tags else {}
        if answers:
            metadata["seto2018"] = {"answers": answers}
        return {"cell_type": kind, "metadata": metadata, "source": source, **extra}

    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        cell("code", "from seto2018 import glue", ["remove-cell"]),
        cell("markdown", EXERCISE_PAGE),
        cell("code", "n = 3\nassert n == 3\nglue('ex_n', n, display=False)",
             ["remove-cell", "solution"], answers="toy-ex-count"),
        cell("markdown", "````{solution} toy-ex-count\nOnly a solution.\n````\n"),
        cell("code", "print('a visible cell after a solution stays')"),
        cell("markdown", "## Summary"),
    ]}


def test_stripping_removes_every_solution_and_keeps_the_exercise():
    text = editions.strip_solutions(EXERCISE_PAGE)
    assert "solution" not in text.lower(), text
    assert "{exercise} Count the cases" in text and "How many cases?" in text
    assert "Text before." in text and "Text after." in text and "A note." in text
    # The control: the independent parser the site tests use finds the three solutions here.
    found, rest = split_solutions(EXERCISE_PAGE)
    assert len(found) == 3 and "solution" not in rest.lower() and "A note." in rest


def test_an_unclosed_solution_is_an_error_naming_the_file_and_line():
    with pytest.raises(ValueError, match=r"^chapters/x\.ipynb, cell 3, line 2: .*not closed"):
        editions.strip_solutions("Text.\n````{solution} x\nnever closed\n```\n",
                                 "chapters/x.ipynb, cell 3")


def test_students_notebook_drops_solutions_and_the_cells_tagged_solution():
    student = editions.student_notebook(toy_notebook())
    sources = [_cell_source(c) for c in student["cells"]]
    assert sources[0] == "from seto2018 import glue"  # a hidden cell not tagged solution stays
    assert not any("ex_n" in s or "{solution}" in s for s in sources), sources
    assert "print('a visible cell after a solution stays')" in sources
    assert sources[-1] == "## Summary"
    assert len(student["cells"]) == 4  # the solution-only markdown cell is gone


def test_the_tag_not_the_position_decides_what_the_student_loses():
    notebook = toy_notebook()
    answer = notebook["cells"].pop(2)  # the cell tagged solution, moved to the end
    notebook["cells"].append(answer)
    kept_hidden = {"cell_type": "code", "metadata": {"tags": ["remove-cell"]}, "outputs": [],
                   "execution_count": None, "source": "m = 4  # hidden, answers nothing"}
    notebook["cells"].insert(2, kept_hidden)  # right after the solution, but not tagged
    sources = [_cell_source(c) for c in editions.student_notebook(notebook)["cells"]]
    assert kept_hidden["source"] in sources
    assert not any("ex_n" in source for source in sources), sources


def test_solutions_are_read_with_their_labels():
    assert [label for label, _ in editions.solutions(EXERCISE_PAGE)] == ["toy-ex-count"] * 3
    label, body = editions.solutions(EXERCISE_PAGE)[0]
    assert body.startswith(":class: dropdown") and "print(len(cases))" in body


def names_lost(notebook: dict, student: dict) -> set[str]:
    """Names that a code cell kept in the student's notebook reads and that only a removed cell
    binds: the student's notebook would stop there with a NameError."""
    kept = {_cell_source(c) for c in student["cells"] if c["cell_type"] == "code"}
    removed, defined, needed = set(), set(), set()
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        stored, loaded = _names(_cell_source(cell))
        if _cell_source(cell) in kept:
            needed |= loaded - defined - stored  # a cell's own bindings: order within it ignored
            defined |= stored
        else:
            removed |= stored
    return {name for name in needed & removed - defined if not hasattr(builtins, name)}


def _names(code: str) -> tuple[set[str], set[str]]:
    """Names a cell binds and names it reads (IPython magics and shell lines are skipped)."""
    code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
    stored, loaded = set(), set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name):
            (stored if isinstance(node.ctx, ast.Store) else loaded).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            stored.add(node.name)
        elif isinstance(node, ast.arg):
            stored.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            stored |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return stored, loaded


def test_a_kept_cell_that_needs_a_solutions_name_is_found():
    notebook = toy_notebook()
    notebook["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [],
                              "execution_count": None, "source": "print(n + 1)"})
    assert names_lost(notebook, editions.student_notebook(notebook)) == {"n"}
    assert names_lost(toy_notebook(), editions.student_notebook(toy_notebook())) == set()


@pytest.mark.parametrize("page", [p for p in toc_pages() if p.suffix == ".ipynb"],
                         ids=lambda p: p.name)
def test_each_chapters_student_notebook_keeps_its_exercises_and_still_runs(page):
    notebook = json.loads(page.read_text(encoding="utf-8"))
    student = editions.student_notebook(notebook)
    student_markdown = "\n".join(_cell_source(c) for c in student["cells"]
                                 if c["cell_type"] == "markdown")
    assert not split_solutions(student_markdown)[0], f"{page.name}: solutions left"
    original = "\n".join(_cell_source(c) for c in notebook["cells"])
    assert student_markdown.count("{exercise}") == original.count("{exercise}")
    lost = names_lost(notebook, student)
    assert not lost, f"{page.name}: kept cells use names only removed solution cells define: {lost}"


def test_the_book_has_solutions_to_hide():
    solutions, checks, _ = book_sources()
    assert sum(map(len, solutions.values())) >= 40, "fewer solutions than the chapters hold"
    assert sum(map(len, checks.values())) >= 30, "fewer hidden solution checks than expected"


# --- the built editions --------------------------------------------------------------------

def _built(site: Path, command: str) -> Path:
    if not (site / "index.html").exists():
        pytest.fail(f"No built edition at {site.relative_to(ROOT)}: run `{command}` first.")
    return site


@pytest.fixture(scope="module")
def reader():
    return _built(READER, "make book")


@pytest.fixture(scope="module")
def student():
    return _built(STUDENT, "make book EDITION=student")


@functools.lru_cache(maxsize=None)
def reader_pages(site: Path) -> tuple[set[str], set[str]]:
    """Runs of words of the reader's pages: (inside solution boxes, outside them)."""
    inside, outside = set(), set()
    for path in site.rglob("*.html"):
        parser = _PageText()
        parser.feed(path.read_text(encoding="utf-8"))
        outside |= windows(words(" ".join(parser.other)))
        for box in parser.solutions:
            inside |= windows(words(" ".join(box)))
    return inside, outside


@functools.lru_cache(maxsize=None)
def distinctive_source_pieces(reader: Path) -> dict[str, set[str]]:
    """For each solution in the sources, its runs of words found nowhere else: not in the
    rest of the sources, nor outside the solution boxes of the reader's pages (where computed
    text, such as a finding quoted from the report, may say the same)."""
    solutions, _, other = book_sources()
    elsewhere = segment_windows(other) | windows(words(other)) | reader_pages(reader)[1]
    pieces = {}
    for page, found in solutions.items():
        for number, solution in enumerate(found, 1):
            pieces[f"{page} solution {number}"] = segment_windows(solution) - elsewhere
    return pieces


def rendered_solution_pieces(site: Path) -> set[str]:
    """Runs of words inside the reader's solution boxes, glued numbers included, found
    nowhere outside them in the reader's pages, nor in the sources outside the solutions: a
    hidden cell the student's notebook keeps may quote a sentence a solution also quotes (the
    report's own words, checked against the data), which is not the solution's."""
    inside, outside = reader_pages(site)
    return inside - outside - windows(words(book_sources()[2]))


site = pytest.mark.site


@site
def test_readers_edition_holds_every_solution_as_written(reader):
    pieces = distinctive_source_pieces(reader)
    empty = [name for name, found in pieces.items() if not found]
    assert not empty, f"solutions with no text of their own to look for: {empty}"
    held = set().union(*site_windows(reader).values())
    unseen = {name: sorted(found - held)[:2] for name, found in pieces.items() if found - held}
    assert not unseen, f"solution text not found in the reader's edition as built: {unseen}"


@site
def test_students_edition_holds_no_solution_text_anywhere(reader, student):
    pieces = set().union(*distinctive_source_pieces(reader).values())
    found = leaks(student, pieces)
    assert not found, f"solution text in the student's edition: {found}"


@site
def test_students_edition_holds_no_rendered_solution_or_glued_answer(reader, student):
    pieces = rendered_solution_pieces(reader)
    assert len(pieces) > 1000, "the reader's edition shows too little solution text to compare"
    found = leaks(student, pieces)
    assert not found, f"the reader's solution boxes' text in the student's edition: {found}"


@site
def test_answers_glue_names_are_only_in_the_readers_sources(reader, student):
    solutions, checks, other = book_sources()
    answers = {name for page in checks.values() for cell in page for name in GLUE_CALL.findall(cell)}
    shown = set(GLUE_ROLE.findall(other))  # glued into an exercise's own text: not an answer
    only_answers = {name for name in answers - shown if "{" not in name}
    assert only_answers, "no answer names found in the hidden solution cells"
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(only_answers))) + r")\b")

    def holding(site):
        return sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                      if p.is_file() and (text := file_text(p)) and pattern.search(text))

    assert any(name.startswith("_sources/") for name in holding(reader))
    assert holding(student) == [], "answer names in the student's edition"


@site
def test_students_search_index_holds_no_word_only_solutions_use(reader, student):
    from sphinx.search.en import SearchEnglish

    language = SearchEnglish({})
    inside, outside = set(), set()
    for path in reader.rglob("*.html"):
        parser = _PageText()
        parser.feed(path.read_text(encoding="utf-8"))
        outside |= {w.lower() for w in language.split(" ".join(parser.other))}
        for box in parser.solutions:
            inside |= {w.lower() for w in language.split(" ".join(box))}
    stems = {language.stem(w) for w in inside - outside} - {language.stem(w) for w in outside}

    def terms(site):
        text = (site / "searchindex.js").read_text(encoding="utf-8")
        index = json.loads(text[text.index("(") + 1:text.rindex(")")])
        return set(index["terms"]) | set(index["titleterms"])

    in_reader = stems & terms(reader)
    assert len(in_reader) >= 20, "too few solution-only words in the reader's search index"
    assert not in_reader & terms(student), sorted(in_reader & terms(student))[:20]


@site
def test_students_edition_is_marked_and_offers_no_solution_or_launch_link(reader, student):
    for site, is_student in ((reader, False), (student, True)):
        for page in toc_files():
            path = site / f"{page}.html"
            text = path.read_text(encoding="utf-8")
            assert (editions.STUDENT_BANNER in text) == is_student, f"{path}: banner"
            boxes = re.search(r'class="[^"]*\bsolution\b', text) is not None
            launch = re.search(r"mybinder\.org|colab\.research\.google\.com", text) is not None
            if is_student:
                assert not boxes and not launch, f"{path}: solution box or launch link"
                assert "Solution to" not in text, f"{path}: a solution's title"
    # The control: the reader's chapters do have both.
    notebook = next(p for p in toc_pages() if p.suffix == ".ipynb").relative_to(ROOT)
    chapter = (reader / notebook.with_suffix(".html")).read_text(encoding="utf-8")
    assert "mybinder.org" in chapter or "colab.research" in chapter
    assert any('class="solution' in (reader / f"{p}.html").read_text(encoding="utf-8")
               for p in toc_files())


@site
def test_students_edition_keeps_the_checks_of_understanding_and_their_answers(reader, student):
    # They are for self-study, not assessment: the student edition removes solutions only.
    for page in toc_files():
        if not page.startswith("chapters/"):
            continue
        counts = []
        for site in (reader, student):
            text = (site / f"{page}.html").read_text(encoding="utf-8")
            checks = re.findall(r'<div class="[^"]*\bs18-check\b[^"]*"', text)
            answers = re.findall(r'<details class="[^"]*sd-dropdown', text)
            counts.append((len(checks), len(answers)))
        assert counts[0] == counts[1] and counts[0][0] >= 3 and counts[0][1] >= counts[0][0], (
            f"{page}: (checks, dropdowns) reader {counts[0]}, student {counts[1]}")
