"""Two editions of the book from one source: the reader's and the student's.

The reader's edition (the default) shows each exercise's solution in a collapsed dropdown. The
student's edition, for courses that assign the exercises, holds no solution anywhere in the site:
not on its pages, not in its search index, not in the sources it offers for download.

The edition is chosen by the environment variable ``SETO2018_EDITION`` at build time
(``make book EDITION=student`` sets it). This module is a Sphinx extension (listed in
``_config.yml``); for the student's edition it

- sets sphinx-exercise's ``hide_solutions``, so solution directives never reach a page or the
  search index (the cells that re-run solutions are tagged ``remove-cell``, so never on a page);
- writes each page's downloadable source (``_sources/``) without its solutions: the notebook
  loses its ``{solution}`` directives and every cell tagged ``solution`` (the hidden cells that
  re-run a solution's code and glue its answers, :mod:`seto2018.toc`), so it still runs (with
  :mod:`seto2018.downloads` loaded, that extension writes the sources, and converts the
  student's notebook, from :func:`student_notebook`, for plain Jupyter);
- drops the Binder and Colab buttons, which would open the repository's notebook, solutions
  included;
- says "Student edition" in a banner on every page;
- reads notebook outputs from the reader's edition's execution cache, so it executes nothing
  the reader's edition has already run.

Both editions add a Sphinx tag, ``reader_edition`` or ``student_edition``, for MyST's
``{only}`` directive.
"""
from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path

from . import toc

EDITION_ENV = "SETO2018_EDITION"
EDITIONS = ("reader", "student")
DEFAULT_EDITION = "reader"
STUDENT_BANNER = "Student edition: exercises without solutions"

# An opening fence of a solution directive: three or more backticks or colons, then {solution}
# and the label of the exercise it solves.
_SOLUTION_OPEN = re.compile(r"^[ \t]{0,3}(?P<fence>`{3,}|:{3,})\{solution\}[ \t]*(?P<label>\S*)")


def edition_from_env(environ=None) -> str:
    """The edition named by ``SETO2018_EDITION`` (unset or empty: the reader's edition)."""
    environ = os.environ if environ is None else environ
    name = environ.get(EDITION_ENV, "").strip() or DEFAULT_EDITION
    if name not in EDITIONS:
        # Sphinx is imported here, not at the top: the kit (kit.py) reads solutions through this
        # module where the package is installed without Sphinx (a student's or instructor's wheel).
        from sphinx.errors import ConfigError

        raise ConfigError(
            f"{EDITION_ENV}={name!r} is not an edition of this book: use "
            + " or ".join(repr(e) for e in EDITIONS) + f" (unset means {DEFAULT_EDITION!r})")
    return name


def _parse_solutions(markdown: str, where: str) -> tuple[list[tuple[str, str]], str]:
    """(each ``{solution}`` directive's (label, body), the text without them).

    A block ends at a fence of the same character at least as long as the opening one
    (CommonMark's rule), so the shorter code fences inside a solution do not end it. A block
    that never ends is an error naming ``where`` and the line: MyST would silently run it to the
    end of the text, and the student edition would lose everything after it.
    """
    kept, solutions, body, closing, opened = [], [], [], None, 0
    for number, line in enumerate(markdown.splitlines(keepends=True), 1):
        if closing is None:
            opening = _SOLUTION_OPEN.match(line)
            if opening:
                fence, opened, label, body = opening["fence"], number, opening["label"], []
                closing = re.compile(rf"^[ \t]{{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
            else:
                kept.append(line)
        elif closing.match(line.rstrip("\r\n")):
            closing = None
            solutions.append((label, "".join(body)))
        else:
            body.append(line)
    if closing is not None:
        raise ValueError(f"{where}, line {opened}: a {{solution}} directive is not closed "
                         "(no closing fence as long as its opening one)")
    return solutions, "".join(kept)


def solutions(markdown: str, where: str = "the text") -> list[tuple[str, str]]:
    """Each ``{solution}`` directive of MyST text: (the exercise's label, the body's text)."""
    return _parse_solutions(markdown, where)[0]


def strip_solutions(markdown: str, where: str = "the text") -> str:
    """The MyST text without its ``{solution}`` directives (each block, fences included); an
    unclosed one is an error naming ``where`` and the line."""
    return re.sub(r"\n{3,}", "\n\n", _parse_solutions(markdown, where)[1])


def student_notebook(notebook: dict, where: str = "the notebook") -> dict:
    """A copy of the notebook for students: no ``{solution}`` directive in its markdown cells,
    and no cell tagged ``solution`` (each re-runs a solution's code and glues its answers; see
    :mod:`seto2018.toc`). Markdown cells left empty are dropped.
    """
    student = copy.deepcopy(notebook)
    cells = []
    for index, cell in enumerate(student["cells"]):
        if toc.is_solution_cell(cell):
            continue
        if cell["cell_type"] == "markdown":
            stripped = strip_solutions(toc.source(cell), f"{where}, cell {index}")
            if not stripped.strip():
                continue
            cell["source"] = stripped
        cells.append(cell)
    student["cells"] = cells
    return student


def student_source(path: Path) -> str:
    """A page's source as the student's edition offers it for download."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        student = student_notebook(json.loads(text), where=str(path))
        return json.dumps(student, indent=1, ensure_ascii=False) + "\n"
    return strip_solutions(text, where=str(path))


def _on_config_inited(app, config) -> None:
    config.seto2018_edition = edition = edition_from_env()
    app.tags.add(f"{edition}_edition")
    if edition != "student":
        return
    config.hide_solutions = True
    options = dict(config.html_theme_options)
    options["launch_buttons"] = {}
    options["announcement"] = STUDENT_BANNER
    config.html_theme_options = options
    if not config.nb_execution_cache_path:
        # The reader's edition's cache (myst-nb's default for a build into _build/html).
        config.nb_execution_cache_path = str(Path(app.srcdir) / "_build" / ".jupyter_cache")


def _on_builder_inited(app) -> None:
    if app.config.seto2018_edition == "student" and hasattr(app.builder, "copysource"):
        app.builder.copysource = False  # the page-context handler writes the sources instead


def _on_page_context(app, pagename, templatename, context, doctree) -> None:
    sourcename = context.get("sourcename")
    if app.config.seto2018_edition != "student" or not sourcename:
        return
    if "seto2018.downloads" in app.extensions:
        return  # it writes every page's source, the student's notebooks from student_notebook
    target = Path(app.outdir) / "_sources" / sourcename
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(student_source(Path(app.env.doc2path(pagename))), encoding="utf-8")


def setup(app):
    # Set from SETO2018_EDITION when the configuration is read, not from _config.yml.
    app.add_config_value("seto2018_edition", DEFAULT_EDITION, "env")
    app.connect("config-inited", _on_config_inited)
    app.connect("builder-inited", _on_builder_inited)
    app.connect("html-page-context", _on_page_context)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
