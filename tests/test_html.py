"""Valid HTML from the book's own code.

The package's part runs anywhere: DataFrames render as plain, escaped tables
(seto2018/tables.py); the extension's fixes to sphinx-exercise's and myst-nb's HTML and the
site's front door (seto2018/pages.py). The built site's part (marked ``site``) runs the Nu HTML
Checker (bench/check_html.py) on every page and asserts that no error comes from the book's own
code; it is skipped, saying why, where Java or the checker (``npm ci``) is missing.
"""
from __future__ import annotations

import re
import sys
import types
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from docutils import nodes

from seto2018 import charts, pages, tables

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
sys.path.insert(0, str(ROOT / "bench"))

import check_html  # noqa: E402


class Tags(HTMLParser):
    """Every start tag of a piece of HTML, with its attributes, and its doctype."""

    def __init__(self, markup: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.doctype = None
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_decl(self, decl):
        self.doctype = decl

    def named(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag]


def two_seeds() -> pd.DataFrame:
    """A table with a MultiIndex of columns, as chapter 3 shows two seeds side by side."""
    columns = pd.MultiIndex.from_product([["default seed", "seed 7"], ["cases", "share"]])
    return pd.DataFrame([[10, 0.5, 12, 0.25], [20, 0.125, 18, 0.75]], columns=columns,
                        index=pd.Index(["a", "b"], name="group"))


# --- tables ---------------------------------------------------------------------------------

def test_a_multiindex_table_has_no_style_block_or_attribute_html_lacks():
    markup = tables.to_html(two_seeds())
    parsed = Tags(markup)
    assert "<style" not in markup
    assert not [attrs for _, attrs in parsed.tags if {"halign", "border"} & set(attrs)]
    headers = [attrs for attrs in parsed.named("th")]
    assert not [attrs for attrs in headers if "colspan" in attrs], "spanning headers are unsparsified"
    assert markup.count(">default seed</th>") == 2, "each column names its own top-level label"


def test_cell_text_is_escaped():
    markup = tables.to_html(pd.DataFrame({"test": ["p < 0.001"], "<b>": ["x & y"]}))
    assert "p &lt; 0.001" in markup and "&lt;b&gt;" in markup and "x &amp; y" in markup
    assert "<b>" not in markup


def body_rows(markup: str) -> int:
    return markup.split("<tbody>", 1)[1].count("<tr")


def header_cells(markup: str) -> int:
    return markup.split("</thead>", 1)[0].count("<th")


def test_a_long_table_is_cut_as_pandas_cuts_it():
    long = pd.DataFrame({f"c{i}": range(200) for i in range(30)})
    with pd.option_context("display.max_columns", 20):  # a Jupyter kernel's default
        shown, ours = long._repr_html_(), tables._display_html(long)
    assert body_rows(ours) == body_rows(shown) < 200
    assert header_cells(ours) == header_cells(shown) < 30
    assert "200 rows × 30 columns" in ours
    with pd.option_context("display.max_rows", 500):
        assert body_rows(tables._display_html(long)) == 200


def test_install_makes_ipython_show_dataframes_through_to_html():
    from IPython.core.formatters import DisplayFormatter

    shell = types.SimpleNamespace(display_formatter=DisplayFormatter())
    assert tables.install(shell)
    data, _ = shell.display_formatter.format(two_seeds())
    assert data["text/html"] == tables._display_html(two_seeds())
    assert "<style" not in data["text/html"]


def test_install_outside_ipython_changes_nothing():
    from IPython import get_ipython

    if get_ipython() is not None:
        pytest.skip("running inside IPython")
    assert tables.install() is False


def cells(markup: str) -> list[str]:
    """The text of every header and data cell, as written in the HTML."""
    return re.findall(r"<t[dh](?:\s[^>]*)?>(.*?)</t[dh]>", markup, flags=re.S)


def p_cell(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def test_a_styled_table_escapes_what_its_formatters_write():
    frame = pd.DataFrame({"result": ["p < 0.001", "p = 0.2"], "odds ratio": [1.234, 2.5],
                          "p": [0.0001, 0.2]}, index=["a < b", "c"])
    markup = (tables.styled(frame).format({"odds ratio": "{:.2f}"})
              .format(p_cell, subset=["p"]).to_html())
    written = cells(markup)
    assert "p &lt; 0.001" in written, "a cell no formatter covers is escaped"
    assert "&lt;0.001" in written, "what a formatter returns is escaped"
    assert "a &lt; b" in written, "an index label is escaped"
    assert "1.23" in written and not [c for c in written if "<" in c]
    assert 'class="dataframe"' in markup


def test_a_styled_table_formats_as_pandas_does_where_nothing_needs_escaping():
    frame = pd.DataFrame({"a": [1.23456, 2.0], "b": [0.5, 0.25], "c": ["x", "y"]})
    for chain in (lambda s: s.format("{:.2f}", subset=["a", "b"]).format({"b": "{:.1%}"}),
                  lambda s: s.format({"a": "{:.1f}"}, na_rep="–"),
                  lambda s: s.format(precision=1)):
        ours = cells(chain(tables.styled(frame)).to_html())
        pandas = cells(chain(frame.style).to_html())
        assert ours == pandas


def test_a_dict_of_formatters_takes_no_subset():
    with pytest.raises(TypeError, match="give no subset"):
        tables.styled(pd.DataFrame({"a": [1.0]})).format({"a": "{:.1f}"}, subset=["a"])


def test_a_figure_table_is_the_same_plain_table():
    markup = charts.table_html(two_seeds(), index=True)
    assert 'class="dataframe s18-table"' in markup and "halign" not in markup
    assert "<style" not in markup


# --- the extension: sphinx-exercise, myst-nb, the front door --------------------------------

def test_exercise_body_ids_become_classes():
    document = nodes.section(ids=["an-exercise"])
    for shared in pages.EXERCISE_CONTENT_IDS * 2:
        document += nodes.section(ids=[shared])
    assert pages.unique_exercise_ids(document) == 4
    ids = [i for section in document.findall(nodes.section) for i in section["ids"]]
    assert ids == ["an-exercise"]
    assert [s["classes"] for s in document.children] == [[name] for name in
                                                          pages.EXERCISE_CONTENT_IDS * 2]


def test_myst_nb_still_has_the_hidden_cell_node_the_extension_renders():
    # pages.py replaces the HTML visitor of this node: if myst-nb renames or reshapes it, this
    # fails before the built pages show the old markup again.
    from myst_nb import sphinx_

    assert pages.HideCodeCellNode is sphinx_.HideCodeCellNode
    assert callable(getattr(sphinx_, "visit_HideCellInput", None))
    node = pages.HideCodeCellNode(prompt_show="Show code cell source",
                                  prompt_hide="Hide code cell source")
    node["classes"].append("above-input")
    translator = types.SimpleNamespace(body=[])
    pages.visit_hidden_cell(translator, node)
    pages.depart_hidden_cell(translator, node)
    markup = "".join(translator.body)
    inside = markup.split("<summary", 1)[1].split("</summary>", 1)[0]
    assert "<p" not in inside
    assert '<span class="collapsed admonition-title">Show code cell source</span>' in inside
    assert '<span class="expanded admonition-title">Hide code cell source</span>' in inside
    assert markup.startswith('<details class="admonition hide above-input">')
    assert markup.endswith("</details>\n")


def test_the_front_door_is_a_page_that_redirects():
    page = pages.front_door(title="A <book>", language="en", target="intro.html",
                            favicon=pages.favicon_href("_static/favicon.svg"),
                            canonical="https://example.org/book/intro.html")
    parsed = Tags(page)
    assert parsed.doctype.lower() == "doctype html"
    assert parsed.named("html") == [{"lang": "en"}]
    assert "<title>A &lt;book&gt;</title>" in page
    assert {"rel": "icon", "href": "_static/favicon.svg"} in parsed.named("link")
    assert {"http-equiv": "refresh", "content": "0; url=intro.html"} in parsed.named("meta")
    assert {"href": "intro.html"} in parsed.named("a")


def test_favicon_href():
    assert pages.favicon_href("_static/favicon.svg") == "_static/favicon.svg"
    assert pages.favicon_href("images/icon.png") == "_static/icon.png"
    assert pages.favicon_href("https://example.org/icon.png") == "https://example.org/icon.png"
    assert pages.favicon_href("") is None


def test_a_message_is_the_books_own_unless_a_known_upstream_kind_matches(monkeypatch):
    library = check_html.Upstream("a library's ids", "somelib 1.0", "its templates",
                                  r"^Duplicate ID “somelib-")
    monkeypatch.setattr(check_html, "KNOWN_UPSTREAM", (library,))
    assert check_html.upstream_kind({"message": "Duplicate ID “somelib-x”."}) == library.name
    assert check_html.upstream_kind({"message": "Duplicate ID “exercise-content”."}) is None


def test_each_upstream_kind_names_its_source_and_the_books_reason():
    for kind in check_html.KNOWN_UPSTREAM:
        assert kind.name and kind.source and kind.why and kind.message, kind


# --- the built site -------------------------------------------------------------------------

@pytest.mark.site
def test_the_built_front_door_has_its_icon():
    index = SITE / "index.html"
    if not index.exists():
        pytest.fail("No built site at _build/html: run `make book` first.")
    parsed = Tags(index.read_text(encoding="utf-8"))
    icons = [attrs["href"] for attrs in parsed.named("link") if attrs.get("rel") == "icon"]
    assert icons and (SITE / icons[0]).exists(), f"index.html's icon {icons} is not on the site"
    refresh = [a for a in parsed.named("meta") if a.get("http-equiv") == "refresh"]
    target = refresh[0]["content"].split("url=", 1)[1]
    assert (SITE / target).exists(), f"index.html sends the reader to {target}, not on the site"


@pytest.mark.site
def test_no_html_error_from_the_books_own_code():
    try:
        check_html.checker_command()
    except check_html.CheckerMissing as missing:
        pytest.skip(str(missing))
    if not (SITE / "index.html").exists():
        pytest.fail("No built site at _build/html: run `make book` first.")
    result = check_html.check(SITE)
    assert not result.own, (result.summary() + "\n"
                            + "\n".join(check_html.describe(e) for e in result.own[:40]))
