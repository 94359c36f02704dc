"""Formulas as MathML, written into the pages when the book is built: a Sphinx extension
(``_config.yml``: ``sphinx.extra_extensions`` and ``html_math_renderer: mathml``).

Why: MathJax would be a script every reader downloads (from a CDN, or about 380 KB served by the
site) before a formula shows; a page on a school network or offline would show raw LaTeX. MathML
is HTML's own markup for mathematics: every current browser draws it with the reader's math
font, and screen readers read it as mathematics. The conversion runs in Python at build time
(``latex2mathml``, pinned in requirements.txt), so ``make book`` needs nothing but the Python
environment, and a page carries no script to typeset and no font for its formulas (only a few
inline lines that make a too-wide formula's scroll box reachable by keyboard). In Jupyter and
Colab the same ``$...$`` renders as usual (their MathJax).

latex2mathml converts a subset of LaTeX, and what it does not know it passes through silently
(``\\foo`` becomes the letters "\\foo"; ``&`` and ``<`` can come out unescaped). :func:`to_mathml`
therefore checks what it returns: a formula with an unknown command, an alignment ``&``, a
malformed structure or more than one equation in a block is an error naming the formula, and in
the build a warning at the page and line (the book builds with ``-W``, so it fails).

Check a chapter's formulas without building: ``python -m seto2018.mathml chapters/<name>.ipynb``.
"""
from __future__ import annotations

import html
import re
import sys
import xml.etree.ElementTree as ElementTree

MATHML_NS = "{http://www.w3.org/1998/Math/MathML}"

#: How many children each MathML layout element must have (MathML Core).
ARITY = {"mfrac": 2, "msub": 2, "msup": 2, "msubsup": 3, "munder": 2, "mover": 2,
         "munderover": 3, "mroot": 2}

#: Operators latex2mathml writes as identifiers (``<mi>``): as operators they get an
#: operator's spacing and a screen reader reads them as operators.
OPERATORS_AS_IDENTIFIERS = ("&#x000B1;", "&#x02213;")  # plus-minus, minus-plus

_TOKEN = re.compile(r"<(?P<tag>mi|mo|mn|mtext|ms)(?P<attrs>(?: [^<>]*)?)>(?P<text>.*?)</(?P=tag)>",
                    re.S)
# "log x" as TeX sets it: a function name, then a thin space before its argument (none before a
# parenthesis); U+2061 tells a screen reader it is a function applied, "log of x".
_FUNCTION = re.compile(r"(<mi>(?:log|ln|exp|Pr|max|min)</mi>)(?!<mo[^>]*>&#x00028;)")
# latex2mathml writes \mathrm{OR} letter by letter; one multi-letter <mi> is upright by default
# and a screen reader reads it as a word ("OR"), not as "O R".
_UPRIGHT_WORD = re.compile(r'(?:<mi mathvariant="normal">[A-Za-z]</mi>){2,}')
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);")


class FormulaError(ValueError):
    """A formula the book cannot show as valid MathML."""


def to_mathml(latex: str, *, display: bool = False) -> str:
    """``latex`` as a ``<math>`` element (``display="block"`` for a displayed equation).

    Raises :class:`FormulaError` naming the formula and the rule it breaks."""
    from latex2mathml.converter import convert

    source = latex.strip()
    if not source:
        raise FormulaError("an empty formula")
    if display and re.search(r"\n\s*\n", source):
        raise FormulaError(f"{_shown(source)}: one equation per $$ block (a blank line splits it)")
    try:
        converted = convert(source, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises its own exceptions on unbalanced input
        raise FormulaError(f"{_shown(source)}: latex2mathml cannot read it ({error})") from error
    converted = _TOKEN.sub(lambda token: _token(token, source), converted)
    converted = _UPRIGHT_WORD.sub(
        lambda word: "<mi>" + "".join(re.findall(r">([A-Za-z])<", word[0])) + "</mi>", converted)
    converted = _FUNCTION.sub(r'\1<mo>&#x2061;</mo><mspace width="0.1667em"></mspace>', converted)
    _check_structure(converted, source)
    # The LaTeX as the formula's text alternative: what assistive technology without MathML
    # support reads, and what the search index holds for the formula (Sphinx indexes its text).
    alttext = html.escape(" ".join(source.split()), quote=True)
    return converted.replace("<math ", f'<math alttext="{alttext}" ', 1)


def _shown(latex: str) -> str:
    return "$" + " ".join(latex.split()) + "$"


def _token(match: re.Match, source: str) -> str:
    """One token element, checked and escaped: latex2mathml leaves ``<`` and ``&`` raw."""
    tag, attrs, text = match["tag"], match["attrs"], match["text"]
    unknown = re.search(r"\\[A-Za-z]+", text)
    if unknown:
        raise FormulaError(f"{_shown(source)}: {unknown[0]} is not a command latex2mathml "
                           "knows (see CONTRIBUTING.md, 'Writing a formula')")
    if text == "&":
        raise FormulaError(f"{_shown(source)}: '&' aligns equations, which the book's formulas "
                           "do not do: write one equation per $$ block")
    escaped = "".join(
        piece if _ENTITY.fullmatch(piece) else html.escape(piece, quote=False)
        for piece in re.split(r"(&(?:#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);)", text))
    if tag == "mi" and escaped in OPERATORS_AS_IDENTIFIERS:
        tag = "mo"
    return f"<{tag}{attrs}>{escaped}</{tag}>"


def _check_structure(mathml: str, source: str) -> None:
    """Parse the result and check each layout element's number of children."""
    try:
        root = ElementTree.fromstring(re.sub(r"&#x?[0-9A-Fa-f]+;", "x", mathml))
    except ElementTree.ParseError as error:
        raise FormulaError(f"{_shown(source)}: the MathML written is not well formed "
                           f"({error})") from error
    for element in root.iter():
        name = element.tag.removeprefix(MATHML_NS)
        if name in ARITY and len(element) != ARITY[name]:
            raise FormulaError(f"{_shown(source)}: <{name}> has {len(element)} parts, not "
                               f"{ARITY[name]} (a missing {{...}} argument?)")


# --- formulas in a notebook's or page's Markdown (for the command line and the tests) --------

_CODE = re.compile(r"(?ms)^[ \t]*(`{3,}|~{3,})(?!\{)[^\n]*\n.*?^[ \t]*\1[ \t]*$|`[^`\n]+`")
_DISPLAY = re.compile(r"(?s)\$\$(.+?)\$\$")
_INLINE = re.compile(r"(?<![\\$])\$(?![\s$])([^$\n]+?)(?<![\s\\])\$(?!\d)")


def formulas(markdown: str) -> list[tuple[str, bool]]:
    """Each ``$...$`` and ``$$...$$`` formula of MyST Markdown as (LaTeX, displayed?), in
    order; code blocks and code spans skipped. The build's parser (MyST's dollarmath) is the
    authority; this reads what the book's chapters write."""
    text = _CODE.sub("", markdown)
    found = [(m[1], True) for m in _DISPLAY.finditer(text)]
    text = _DISPLAY.sub("", text)
    return found + [(m[1], False) for m in _INLINE.finditer(text)]


def markdown_cells(path) -> list[tuple[int, str]]:
    """A notebook's markdown cells as (index, text); a Markdown page as one cell."""
    import json
    from pathlib import Path

    path = Path(path)
    if path.suffix != ".ipynb":
        return [(0, path.read_text(encoding="utf-8"))]
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [(index, "".join(cell["source"])) for index, cell in enumerate(notebook["cells"])
            if cell["cell_type"] == "markdown"]


def check_notebook(path) -> tuple[int, list[str]]:
    """How many formulas a notebook's (or Markdown page's) text has, and each that cannot be
    shown as "<file>, cell <n>: <why>"."""
    count, problems = 0, []
    for index, text in markdown_cells(path):
        for latex, display in formulas(text):
            count += 1
            try:
                to_mathml(latex, display=display)
            except FormulaError as error:
                problems.append(f"{path}, cell {index}: {error}")
    return count, problems


# --- the Sphinx extension ---------------------------------------------------------------------

def _warn(translator, node, error: FormulaError) -> None:
    from sphinx.util import logging

    logging.getLogger(__name__).warning(f"formula not shown: {error}", location=node,
                                        type="seto2018", subtype="math")


def visit_math(translator, node) -> None:
    """Inline math: the ``<math>`` element in the text."""
    from docutils import nodes

    try:
        translator.body.append(to_mathml(node.astext()))
    except FormulaError as error:
        _warn(translator, node, error)
        translator.body.append(f"<code>{html.escape(node.astext())}</code>")
    raise nodes.SkipNode


def visit_displaymath(translator, node) -> None:
    """A displayed equation: as Sphinx's MathJax renderer writes it (a ``div.math`` with the
    equation's id, its number and a link to it, which ``{eq}`` targets), holding MathML."""
    from docutils import nodes
    from sphinx.locale import _
    from sphinx.util.math import get_node_equation_number

    translator.body.append(translator.starttag(node, "div", CLASS="math notranslate"))
    if node.get("number"):
        number = get_node_equation_number(translator, node)
        translator.body.append(f'<span class="eqno">({number})')
        translator.add_permalink_ref(node, _("Link to this equation"))
        translator.body.append("</span>")
    try:
        translator.body.append(to_mathml(node.astext(), display=True))
    except FormulaError as error:
        _warn(translator, node, error)
        translator.body.append(f"<pre>{html.escape(node.astext())}</pre>")
    translator.body.append("</div>\n")
    raise nodes.SkipNode


#: A displayed formula wider than the column scrolls inside its box; a box that scrolls must be
#: reachable by keyboard (WCAG 2.1.1; axe-core: scrollable-region-focusable). Only the browser
#: knows which boxes overflow at the reader's width, so this marks them, and again when they resize.
SCROLLABLE_SCRIPT = """addEventListener("DOMContentLoaded", () => {
  const mark = (box) => box.scrollWidth > box.clientWidth + 1
    ? box.setAttribute("tabindex", "0") : box.removeAttribute("tabindex");
  // At once, then whenever a box or its formula changes size (fonts, width, sidebar).
  const watch = new ResizeObserver((entries) =>
    entries.forEach((entry) => mark(entry.target.closest("div.math"))));
  document.querySelectorAll("div.math, div.math > math").forEach((box) => watch.observe(box));
});"""


def _on_page_context(app, pagename, templatename, context, doctree) -> None:
    from docutils import nodes

    if doctree is not None and next(iter(doctree.findall(nodes.math_block)), None) is not None:
        app.add_js_file(None, body=SCROLLABLE_SCRIPT)  # this page only, as Sphinx's MathJax does


def setup(app):
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    app.connect("html-page-context", _on_page_context)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m seto2018.mathml <notebook or page> ...", file=sys.stderr)
        return 2
    failed = 0
    for path in argv:
        count, problems = check_notebook(path)
        failed += len(problems)
        print("\n".join(problems + [f"{path}: {count} formula(s), {len(problems)} cannot be shown"]))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
