"""The chapters as plain Jupyter notebooks: what the site offers for download (``_sources/``).

A chapter's source is MyST: glued numbers (``{glue:text}``), roles (``{term}``, ``{doc}``,
``{numref}``, ``{ref}``, ``{cite:p}``, ``{cite:t}``) and directives (``{include}``,
``{exercise}``, ``{solution}``, admonitions) that only the book's build renders. JupyterLab,
classic Notebook, VS Code and Colab show them raw. This module writes, in each edition, a
notebook that reads as prose in any of them:

- a glued value becomes the text the page shows (formatted as MyST-NB formats it), followed by
  a dagger (†): the book's dataset's number, copied at build time. One note under the title
  says so, since a student who runs the chapter on their own data gets other numbers;
- ``{term}`` becomes its text, ``{doc}`` a link to the page on the site, ``{ref}`` and
  ``{numref}`` the number or title the page shows (a link when the target is on another page,
  a section of the same notebook's title in italics),
  ``{cite:p}`` and ``{cite:t}`` "(Seto et al., 2018)" and "Seto et al. (2018)", ``{eq}`` the
  equation's number as the page shows it, "(4.2)";
- a labelled equation (``$$`` closed by ``$$ (label)``) gets its number as a ``\tag``, which
  Jupyter's and Colab's math renderers show; other formulas stay as they are;
- a ``{dropdown}`` (a check of understanding's answer) becomes an HTML ``<details>``: one click
  away in Jupyter and Colab too;
- ``{include}`` becomes the included file's text (converted too); ``{exercise}`` a heading
  "Exercise <n>: <title>" and its text; ``{solution}`` (the reader's edition only) a heading
  and a blockquote; an admonition a blockquote under its bold title; ``(label)=`` lines go;
- cells the page hides (``remove-cell``, ``remove-input``, ``hide-input``) stay, for later cells
  need what they compute, but collapsed (``metadata.jupyter.source_hidden``);
- the first code cell installs the book's package (with its data) from the site when it is
  missing, as in Colab or on a fresh laptop; a chapter's own install cell is replaced by it;
- no outputs; cell ids and the notebook's metadata are kept.

A role or directive this module does not know stops the build, naming the notebook, the cell
and the role: no raw MyST reaches a download silently.

The conversion is plain functions, a notebook dict in and one out (:func:`download_notebook`,
:func:`convert_markdown`), given a :class:`Book` of what the build knows (glued values, page
titles, labels and their numbers, citations). The Sphinx extension (:func:`setup`, listed in
``_config.yml``) only gathers those and writes each page's source in place of Sphinx's copy;
the student's edition's notebooks lose their solutions first (:func:`seto2018.editions.
student_notebook`). The site's pages are not changed.
"""
from __future__ import annotations

import copy
import json
import posixpath
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from . import toc

DAGGER = "†"
BOOK_DATA_NOTE = (
    "*Numbers marked † in this notebook's text are those of the book's dataset, copied when the "
    "book was built; the code cells compute yours when you run them on your own data.*")
INSTALL_CELL_ID = "seto2018-install"
NOTE_CELL_ID = "seto2018-data-note"
INSTALL_CELL = """\
# Installs the book's package, which carries the book's data, when it is missing (Colab, a
# fresh Jupyter). It needs the network once; everything after it runs offline.
import importlib.util
if importlib.util.find_spec("seto2018") is None:
    %pip install --quiet {url}"""

#: Cell tags whose source the site's page hides: collapsed in the download.
HIDDEN_TAGS = ("remove-cell", "remove-input", "hide-input", "hide-cell")

#: Admonition directives and the title they show when none is given.
ADMONITIONS = {
    "note": "Note", "important": "Important", "warning": "Warning", "tip": "Tip",
    "hint": "Hint", "caution": "Caution", "attention": "Attention", "danger": "Danger",
    "error": "Error", "seealso": "See also", "admonition": None,
}
CODE_DIRECTIVES = ("code-block", "code", "sourcecode")


class ConversionError(ValueError):
    """MyST that the downloaded notebook cannot show as plain Markdown."""


@dataclass(frozen=True)
class Target:
    """A label's target as the site shows it.

    ``text`` is what ``{ref}`` shows (a section's title, or "Exercise 2.2" for an exercise, as
    sphinx-exercise shows it); ``number`` what ``{numref}`` puts for ``%s`` (None when the
    target is not numbered); ``kind`` the numfig type ("exercise", "figure", ...) or "section".
    """

    docname: str
    anchor: str
    text: str
    number: str | None = None
    kind: str = "section"


@dataclass(frozen=True)
class Book:
    """What the build knows that a notebook's text refers to."""

    docname: str                                   # the notebook's page, e.g. chapters/measures
    baseurl: str                                   # the site's address (html.baseurl)
    install_url: str = ""                          # the wheel's address on the site
    glue: Mapping[str, str] = field(default_factory=dict)      # key -> text/plain
    titles: Mapping[str, str] = field(default_factory=dict)    # docname -> title
    targets: Mapping[str, Target] = field(default_factory=dict)  # label -> target
    citations: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # key -> (authors, year)
    equations: Mapping[str, Target] = field(default_factory=dict)  # label -> target, number "4.2"
    numfig_format: Mapping[str, str] = field(default_factory=lambda: {"exercise": "Exercise %s"})
    read_include: Callable[[str], str] | None = None  # a path relative to the page -> its text

    def page_url(self, docname: str, anchor: str = "") -> str:
        url = self.baseurl.rstrip("/") + "/" + docname + ".html"
        return f"{url}#{anchor}" if anchor else url


# --- Markdown helpers ------------------------------------------------------------------------

_ESCAPE = re.compile(r"([\\`*_$|])")


def escape(text: str) -> str:
    """Text as Markdown shows it literally: no emphasis, code, math or link from its characters."""
    text = _ESCAPE.sub(r"\\\1", text)
    text = re.sub(r"<(?=[A-Za-z/!?])", r"\\<", text)  # "p < 0.001" stays; "<b" is not a tag
    if "](" in text or "][" in text:
        text = text.replace("[", r"\[").replace("]", r"\]")
    return text


def blockquote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.strip("\n").split("\n"))


def _explicit(content: str) -> tuple[str | None, str]:
    """A role's ``text <target>`` as (text, target); (None, content) without explicit text."""
    match = re.fullmatch(r"(?s)\s*(.*?)\s*<([^<>]+)>\s*", content)
    if match and match[1]:
        return match[1], match[2].strip()
    return None, " ".join(content.split())


# --- the conversion --------------------------------------------------------------------------

_ROLE = re.compile(r"\{(?P<name>[A-Za-z][\w:.+-]*)\}(?P<ticks>`+)")
_TICKS = re.compile(r"`+")
_PLAIN = re.compile(r"[^{`\\]*")
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
_DIRECTIVE = re.compile(r"^\{(?P<name>[A-Za-z][\w:.+-]*)\}\s*(?P<argument>.*)$")
_TARGET_LINE = re.compile(r"^[ \t]{0,3}\([^()\s]+\)=[ \t]*$")
_OPTION = re.compile(r"^[ \t]*:(?P<key>[\w-]+):(?:[ \t]+(?P<value>.*))?$")
_EQUATION_END = re.compile(r"^(?P<indent>[ \t]*)\$\$[ \t]*\((?P<label>[^()\s]+)\)[ \t]*$")


class _Converter:
    def __init__(self, book: Book, where: str):
        self.book = book
        self.where = where
        self.glued = 0  # values marked with a dagger

    def fail(self, what: str) -> None:
        raise ConversionError(
            f"{self.where}: {what}; the downloaded notebook would show it raw "
            "(seto2018/downloads.py converts each role and directive it knows)")

    # -- blocks --

    def markdown(self, text: str) -> str:
        lines = text.split("\n")
        out, paragraph, index = [], [], 0

        def flush():
            if paragraph:
                out.append(self.inline("\n".join(paragraph)))
                paragraph.clear()

        while index < len(lines):
            line = lines[index]
            fence = _FENCE.match(line)
            if fence and not (fence["fence"][0] == "`" and "`" in fence["info"]):
                flush()
                end = self._closing(lines, index, fence)
                body = lines[index + 1:end]
                directive = _DIRECTIVE.match(fence["info"].strip())
                if directive:
                    converted = self.directive(directive["name"], directive["argument"].strip(),
                                               _dedent(body, fence["indent"]))
                    out.append(_indent(converted, fence["indent"]))
                elif fence["fence"][0] == ":":
                    self.fail(f"a colon fence with no directive ({line.strip()!r})")
                else:  # a code block: as it is
                    out.append("\n".join(lines[index:end + 1]))
                index = end + 1
                continue
            equation_end = _EQUATION_END.match(line)
            if equation_end:  # "$$ (label)": the number as a tag inside the formula
                number = self.equation(equation_end["label"]).number
                paragraph += [f"{equation_end['indent']}\\tag{{{number}}}",
                              f"{equation_end['indent']}$$"]
            elif _TARGET_LINE.match(line) or line.lstrip().startswith("%") or line.strip() == "+++":
                flush()  # a label target, a MyST comment or a block break: nothing to show
            else:
                paragraph.append(line)
            index += 1
        flush()
        return re.sub(r"\n{3,}", "\n\n", "\n".join(out))

    def _closing(self, lines: list[str], start: int, fence: re.Match) -> int:
        char, length = fence["fence"][0], len(fence["fence"])
        closing = re.compile(rf"^[ \t]*{re.escape(char)}{{{length},}}[ \t]*$")
        for index in range(start + 1, len(lines)):
            if closing.match(lines[index]):
                return index
        self.fail(f"the fence {lines[start].strip()!r} is not closed")

    def directive(self, name: str, argument: str, body: list[str]) -> str:
        options, content = _options(body)
        if name == "include":
            return self.include(argument, options)
        if name == "exercise":
            return self.exercise(argument, options, content)
        if name == "solution":
            return self.solution(argument, content)
        if name in ADMONITIONS:
            title = argument or ADMONITIONS[name]
            if not title:
                self.fail(f"the directive {{{name}}} has no title")
            inner = self.markdown(content).strip()
            text = f"**{self.inline(title)}**" + (f"\n\n{inner}" if inner else "")
            return blockquote(text)
        if name == "dropdown":  # an answer one click away, as on the page
            summary = self.inline(argument) if argument else "Show"
            return (f"<details>\n<summary>{summary}</summary>\n\n"
                    f"{self.markdown(content).strip()}\n\n</details>")
        if name in CODE_DIRECTIVES:
            return f"```{argument}\n{content}\n```" if content else ""
        if name == "math":
            return f"$$\n{content.strip()}\n$$"
        self.fail(f"the directive {{{name}}} is not converted")

    def include(self, path: str, options: dict) -> str:
        if options:
            self.fail(f"the {{include}} of {path!r} has options ({', '.join(options)}), "
                      "which are not converted")
        if self.book.read_include is None:
            self.fail(f"the {{include}} of {path!r} cannot be read here")
        text = self.book.read_include(path)
        outer, self.where = self.where, f"{self.where}, included file {path}"
        try:
            return self.markdown(text).strip("\n")
        finally:
            self.where = outer

    def exercise(self, title: str, options: dict, content: str) -> str:
        label = options.get("label", "")
        target = self.book.targets.get(label) if label else None
        number = target.number if target and target.number else label
        heading = "#### Exercise" + (f" {number}" if number else "")
        if title:
            heading += f": {self.inline(title)}"
        return heading + "\n\n" + self.markdown(content).strip("\n")

    def solution(self, label: str, content: str) -> str:
        target = self.book.targets.get(label)
        heading = "#### Solution"
        if target and target.number:
            heading += f" to {self.book.numfig_format.get(target.kind, '%s') % target.number}"
        return heading + "\n\n" + blockquote(self.markdown(content))

    # -- inline --

    def inline(self, text: str) -> str:
        out, position = [], 0
        while position < len(text):
            role = _ROLE.match(text, position)
            if role:
                ticks = role["ticks"]
                end = text.find(ticks, role.end())
                while end != -1 and text[end + len(ticks):end + len(ticks) + 1] == "`":
                    end = text.find(ticks, end + len(ticks) + 1)
                if end == -1:
                    self.fail(f"the role {{{role['name']}}} is not closed")
                content = text[role.end():end]
                position = end + len(ticks)
                shown = self.role(role["name"], content)
                if role["name"] == "glue:text":
                    self.glued += 1
                    if text.startswith("%", position):  # "38%†", not "38†%"
                        shown += "%"
                        position += 1
                    shown += DAGGER
                out.append(shown)
                continue
            ticks = _TICKS.match(text, position)
            if ticks:  # a code span: as it is, roles in it included
                end = _code_span_end(text, ticks.end(), len(ticks[0]))
                out.append(text[position:end])
                position = end
                continue
            if text[position] == "\\":
                out.append(text[position:position + 2])
                position += 2
                continue
            plain = _PLAIN.match(text, position + 1)  # up to the next "{", "`" or "\\"
            out.append(text[position:plain.end()])
            position = plain.end()
        return "".join(out)

    def role(self, name: str, content: str) -> str:
        book = self.book
        if name == "glue:text":
            return self.glue(content)
        if name == "term":
            shown, term = _explicit(content)
            return shown or term
        if name == "doc":
            shown, target = _explicit(content)
            docname = _docname(book.docname, target)
            if docname not in book.titles:
                self.fail(f"{{doc}}`{content}` names {docname!r}, which is not a page of the book")
            return f"[{escape(shown or book.titles[docname])}]({book.page_url(docname)})"
        if name in ("ref", "numref"):
            shown, label = _explicit(content)
            target = book.targets.get(label.lower()) or book.targets.get(label)
            if target is None:
                self.fail(f"{{{name}}}`{content}` names the label {label!r}, which the book "
                          "does not define")
            if name == "numref":
                if target.number is None:
                    self.fail(f"{{numref}}`{content}`: {label!r} has no number")
                pattern = shown or book.numfig_format.get(target.kind, "%s")
                text = (pattern.replace("%s", target.number)
                        .replace("{number}", target.number).replace("{name}", target.text))
            else:
                text = shown or target.text
            if target.docname == book.docname:  # in this notebook: its number or its heading
                return escape(text) if name == "numref" or target.number else f"*{escape(text)}*"
            return f"[{escape(text)}]({book.page_url(target.docname, target.anchor)})"
        if name in ("cite:p", "cite:t"):
            cited = []
            for key in (k.strip() for k in content.split(",")):
                if key not in book.citations:
                    self.fail(f"{{{name}}}`{content}` cites {key!r}, which the bibliography "
                              "does not hold")
                cited.append(book.citations[key])
            if name == "cite:p":
                return "(" + "; ".join(f"{authors}, {year}" for authors, year in cited) + ")"
            return ", ".join(f"{authors} ({year})" for authors, year in cited)
        if name == "math":
            return f"${content}$"
        if name == "eq":
            shown, label = _explicit(content)
            target = self.equation(label)
            text = shown or f"({target.number})"
            if target.docname == book.docname:
                return escape(text)
            return f"[{escape(text)}]({book.page_url(target.docname, target.anchor)})"
        self.fail(f"the role {{{name}}}`{content}` is not converted")

    def equation(self, label: str) -> Target:
        target = self.book.equations.get(label)
        if target is None or not target.number:
            self.fail(f"the equation label {label!r} is not a numbered equation of the book")
        return target

    def glue(self, content: str) -> str:
        from .adapters import format_glued_text

        # As MyST-NB's {glue:text} reads it: key, then an optional format spec after the last ":".
        key, _, fmt_spec = content.rpartition(":") if ":" in content else (content, "", "s")
        if "::" in content:
            self.fail(f"{{glue:text}}`{content}` pastes from another page, which is not converted")
        if key not in self.book.glue:
            self.fail(f"{{glue:text}}`{content}`: nothing is glued as {key!r} on this page")
        try:
            return escape(format_glued_text(self.book.glue[key], fmt_spec))
        except Exception as error:
            self.fail(f"{{glue:text}}`{content}` cannot be formatted: {error}")


def _code_span_end(text: str, start: int, length: int) -> int:
    """Where a code span opened by ``length`` backticks before ``start`` ends (after its closing
    backticks); an unmatched backtick string is literal text (CommonMark)."""
    for match in _TICKS.finditer(text, start):
        if len(match[0]) == length:
            return match.end()
    return start


def _options(body: list[str]) -> tuple[dict[str, str], str]:
    """A directive's options (``:key: value`` lines or a ``---`` YAML block) and its content."""
    options, index = {}, 0
    if body and body[0].strip() == "---":
        end = next((i for i in range(1, len(body)) if body[i].strip() == "---"), None)
        if end is not None:
            import yaml

            options = {str(k): str(v) for k, v in (yaml.safe_load("\n".join(body[1:end])) or {}).items()}
            index = end + 1
    else:
        while index < len(body) and (option := _OPTION.match(body[index])):
            options[option["key"]] = (option["value"] or "").strip()
            index += 1
    return options, "\n".join(body[index:]).strip("\n")


def _dedent(lines: list[str], indent: str) -> list[str]:
    return [line[len(indent):] if line.startswith(indent) else line.lstrip() for line in lines]


def _indent(text: str, indent: str) -> str:
    if not indent:
        return text
    return "\n".join(indent + line if line else line for line in text.split("\n"))


def _docname(current: str, target: str) -> str:
    target = re.sub(r"\.(md|ipynb|rst)$", "", target.strip())
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(current), target))


def convert_markdown(text: str, book: Book, where: str = "the text") -> str:
    """MyST Markdown as plain Markdown (glued values marked with a dagger)."""
    return _Converter(book, where).markdown(text)


# --- the notebook ----------------------------------------------------------------------------

def is_install_cell(cell: dict) -> bool:
    """A chapter's own cell that installs the book's package when it is missing."""
    source = toc.source(cell)
    return (cell["cell_type"] == "code" and re.search(r"find_spec\(\s*['\"]seto2018['\"]", source)
            is not None and re.search(r"\bpip\b|install", source) is not None)


def install_cell(url: str) -> dict:
    """The first code cell of a downloaded chapter: installs the book's package from ``url``."""
    if not url:
        raise ConversionError("no address to install the book's package from (html.baseurl)")
    return {"cell_type": "code", "execution_count": None, "id": INSTALL_CELL_ID, "metadata": {},
            "outputs": [], "source": INSTALL_CELL.format(url=url)}


def download_notebook(notebook: dict, book: Book, where: str = "the notebook") -> dict:
    """The notebook as the site offers it for download: plain Markdown, the book's numbers
    marked, hidden cells collapsed, an install cell first, no outputs."""
    result = copy.deepcopy(notebook)
    cells, glued = [], 0
    for index, cell in enumerate(result["cells"]):
        label = f"{where}, cell {index}" + (f" (id {cell['id']})" if cell.get("id") else "")
        if is_install_cell(cell):
            continue  # replaced by the install cell below
        if cell["cell_type"] == "markdown":
            converter = _Converter(book, label)
            cell["source"] = converter.markdown(toc.source(cell)).strip("\n")
            glued += converter.glued
            if not cell["source"].strip():
                continue
        elif cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
            tags = cell.get("metadata", {}).get("tags", [])
            if any(tag in tags for tag in HIDDEN_TAGS):
                cell.setdefault("metadata", {}).setdefault("jupyter", {})["source_hidden"] = True
        cells.append(cell)
    first_code = next((i for i, c in enumerate(cells) if c["cell_type"] == "code"), len(cells))
    cells.insert(first_code, install_cell(book.install_url))
    if glued:
        _add_note(cells)
    result["cells"] = cells
    return result


def _add_note(cells: list[dict]) -> None:
    """The dagger's note, after the title of the first markdown cell (or in a cell of its own
    after it when that cell starts with no title)."""
    first = next((i for i, c in enumerate(cells) if c["cell_type"] == "markdown"), None)
    if first is not None:
        lines = toc.source(cells[first]).split("\n")
        if lines[0].startswith("# "):
            rest = "\n".join(lines[1:]).strip("\n")
            cells[first]["source"] = lines[0] + "\n\n" + BOOK_DATA_NOTE + ("\n\n" + rest if rest else "")
            return
    cells.insert(0 if first is None else first + 1, {
        "cell_type": "markdown", "id": NOTE_CELL_ID, "metadata": {}, "source": BOOK_DATA_NOTE})


# --- the build: what the notebooks refer to --------------------------------------------------

def citations(bibfiles) -> dict[str, tuple[str, str]]:
    """Each entry's (authors as cited, year): "Seto et al.", "Benjamini and Hochberg", as the
    book's author-year citations show them."""
    from pybtex.backends.plaintext import Backend
    from pybtex.database import parse_file
    from pybtex.richtext import Text

    def plain(latex: str) -> str:
        return Text.from_latex(latex).render(Backend())

    found = {}
    for path in bibfiles:
        for key, entry in parse_file(str(path)).entries.items():
            people = entry.persons.get("author") or entry.persons.get("editor") or []
            names = [plain(" ".join(p.prelast_names + p.last_names)) for p in people]
            if not names:
                authors = plain(entry.fields.get("title", key))
            elif len(names) == 1:
                authors = names[0]
            elif len(names) == 2:
                authors = f"{names[0]} and {names[1]}"
            else:
                authors = f"{names[0]} et al."
            found[key] = (authors, entry.fields.get("year", "n.d."))
    return found


def targets(env, numfig_format: Mapping[str, str]) -> dict[str, Target]:
    """Every label of the book (the std domain's, sphinx-exercise's included) as the site
    shows it, with its number where it has one."""
    std = env.get_domain("std")
    found = {}
    for label, (docname, anchor, title) in std.labels.items():
        numbers = env.toc_fignumbers.get(docname, {})
        kind = next((k for k, ids in numbers.items() if anchor in ids), None)
        number = ".".join(map(str, numbers[kind][anchor])) if kind else None
        if number and (kind == "exercise" or not title) and kind in numfig_format:
            title = numfig_format[kind] % number  # "Exercise 2.2", as sphinx-exercise's {ref}
        found[label] = Target(docname, anchor, title or label, number, kind or "section")
    return found


def equations(env) -> dict[str, Target]:
    """Every labelled equation's page, anchor and number as the page shows it: "4.2" when
    equations are numbered by chapter (``math_numfig``), as Sphinx's math domain numbers them."""
    from docutils.nodes import make_id

    found = {}
    for label, (docname, number) in env.get_domain("math").equations.items():
        anchor = make_id(f"equation-{label}")
        numbers = env.toc_fignumbers.get(docname, {}).get("displaymath", {}).get(anchor)
        shown = ".".join(map(str, numbers)) if numbers and env.config.math_numfig else str(number)
        found[label] = Target(docname, anchor, f"({shown})", shown, "equation")
    return found


def _book(app, docname: str) -> Book:
    from . import adapters, wheel

    env = app.env
    source_dir = Path(env.doc2path(docname)).parent

    def read_include(path: str) -> str:
        # As MyST's {include}: relative to the page, or to the book's root with a leading "/".
        found = Path(app.srcdir) / path[1:] if path.startswith("/") else source_dir / path
        return found.read_text(encoding="utf-8")

    numfig_format = dict(app.config.numfig_format)
    return Book(
        docname=docname,
        baseurl=app.config.html_baseurl,
        install_url=wheel.install_url(app.config.html_baseurl),
        glue=adapters.glue_cache(env, docname),
        titles={name: title.astext() for name, title in env.titles.items()},
        targets=targets(env, numfig_format),
        citations=app.env.seto2018_citations,
        equations=equations(env),
        numfig_format=numfig_format,
        read_include=read_include,
    )


def page_source(app, docname: str) -> str:
    """A page's source as the site offers it: a notebook converted, other pages as the edition
    has them."""
    from . import editions

    path = Path(app.env.doc2path(docname))
    student = getattr(app.config, "seto2018_edition", "reader") == "student"
    if path.suffix != ".ipynb":
        return editions.student_source(path) if student else path.read_text(encoding="utf-8")
    notebook = json.loads(path.read_text(encoding="utf-8"))
    where = str(app.env.doc2path(docname, False))
    if student:
        notebook = editions.student_notebook(notebook, where=where)
    import nbformat

    converted = nbformat.from_dict(download_notebook(notebook, _book(app, docname), where=where))
    nbformat.validate(converted)
    return nbformat.writes(converted)  # as Jupyter writes a notebook: sources as lists of lines


_converted: list[float] = []  # seconds per notebook written in this build


def _on_builder_inited(app) -> None:
    if hasattr(app.builder, "copysource"):
        app.builder.copysource = False  # the page-context handler writes the sources instead
    app.env.seto2018_citations = citations(Path(app.srcdir) / name
                                           for name in app.config.bibtex_bibfiles)
    _converted.clear()


def _on_page_context(app, pagename, templatename, context, doctree) -> None:
    from sphinx.errors import ExtensionError

    sourcename = context.get("sourcename")
    if not sourcename or pagename not in app.env.all_docs:
        return
    target = Path(app.outdir) / "_sources" / sourcename
    target.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    source = Path(app.env.doc2path(pagename))
    student = getattr(app.config, "seto2018_edition", "reader") == "student"
    if source.suffix != ".ipynb" and not student:
        shutil.copyfile(source, target)  # as Sphinx's own copy
        return
    try:
        text = page_source(app, pagename)
    except ConversionError as error:
        raise ExtensionError(f"downloadable notebook: {error}", modname=__name__) from error
    target.write_text(text, encoding="utf-8")
    if sourcename.endswith(".ipynb"):
        _converted.append(time.perf_counter() - start)


def _on_build_finished(app, exception) -> None:
    if exception is None and _converted:
        from sphinx.util import logging

        logging.getLogger(__name__).info(
            f"seto2018.downloads: {len(_converted)} notebook(s) for plain Jupyter written to "
            f"_sources/ in {sum(_converted):.2f} s")


def setup(app):
    app.setup_extension("seto2018.editions")  # the edition decides what the sources hold
    app.connect("builder-inited", _on_builder_inited)
    app.connect("html-page-context", _on_page_context)
    app.connect("build-finished", _on_build_finished)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
