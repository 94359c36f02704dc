"""The chapters offered for download read as prose in plain Jupyter (seto2018/downloads.py).

The first tests convert small hand-written notebooks, with no build: each role and directive the
chapters use, the dagger that marks the book's numbers and the format specs, an unknown role
failing with the notebook, the cell and the role named, the install cell first.

Those marked `site` read both built editions' `_sources/` (`make book`, then
`make book EDITION=student`): every chapter's notebook holds no raw MyST, installs the package
from the configured site first, and shows each number its page shows, marked with a dagger.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nbformat
import pytest
import yaml
from myst_nb.core.variables import format_plain_text

from _book import ROOT, toc_files
from seto2018 import downloads, editions, wheel
from seto2018.downloads import DAGGER, Book, ConversionError, Target
from test_editions import (READER, STUDENT, distinctive_source_pieces, split_solutions, windows,
                           words)

BASEURL = "https://example.org/book/"
WHEEL = "https://example.org/book/wheel/seto2018-0.1.0-py3-none-any.whl"
INCLUDED = {
    "_notice.md": ":::{admonition} The data are synthetic\n:class: synthetic-notice\n\n"
                  "See {doc}`Support and reporting </support>`.\n:::\n",
}


def toy_book(**changes) -> Book:
    fields = dict(
        docname="chapters/toy",
        baseurl=BASEURL,
        install_url=WHEEL,
        glue={"n": "'1,965'", "share": "0.0727735368956743", "p": "'p < 0.001'",
              "big": "1234567", "odd": "'a_b*c $x$'", "pct": "38", "ci": "'95% CI [0.72, 1.62]'"},
        titles={"chapters/toy": "Toy chapter", "chapters/other": "Other chapter",
                "support": "Support and reporting"},
        targets={
            "toy-ex": Target("chapters/toy", "toy-ex", "Exercise 3.1", "3.1", "exercise"),
            "other-ex": Target("chapters/other", "other-ex", "Exercise 4.2", "4.2", "exercise"),
            "toy-section": Target("chapters/toy", "toy-section", "A section of this page"),
            "other-section": Target("chapters/other", "other-section", "Another page's section"),
        },
        equations={
            "eq-toy": Target("chapters/toy", "equation-eq-toy", "(3.1)", "3.1", "equation"),
            "eq-other": Target("chapters/other", "equation-eq-other", "(4.2)", "4.2", "equation"),
        },
        citations={"seto2018production": ("Seto et al.", "2018"),
                   "wickham2014tidy": ("Wickham", "2014"),
                   "benjamini1995controlling": ("Benjamini and Hochberg", "1995")},
        read_include=INCLUDED.__getitem__,
    )
    fields.update(changes)
    return Book(**fields)


def convert(text: str, **changes) -> str:
    return downloads.convert_markdown(text, toy_book(**changes), "chapters/toy.ipynb, cell 1")


# --- roles -----------------------------------------------------------------------------------

def test_a_glued_value_becomes_its_text_marked_with_a_dagger():
    assert convert("There are {glue:text}`n` cases.") == f"There are 1,965{DAGGER} cases."
    assert convert("Then {glue:text}`p`.") == f"Then p < 0.001{DAGGER}."
    assert convert("({glue:text}`ci`)") == f"(95% CI [0.72, 1.62]{DAGGER})"


@pytest.mark.parametrize("spec", [".1%", ".3f", ".2e", ",d", "", ".0%", ">8.2f"])
def test_a_format_spec_formats_as_myst_nb_does(spec):
    key = "big" if spec == ",d" else "share"
    expected = format_plain_text(toy_book().glue[key], spec)
    role = f"{{glue:text}}`{key}:{spec}`"
    assert convert(f"x {role} y") == f"x {expected}{DAGGER} y"


def test_the_dagger_follows_a_percent_sign_written_after_the_value():
    assert convert("a share of {glue:text}`pct`%, then") == f"a share of 38%{DAGGER}, then"


def test_a_glued_value_is_escaped_so_markdown_shows_it_as_text():
    assert convert("{glue:text}`odd`") == r"a\_b\*c \$x\$" + DAGGER


def test_a_missing_glued_value_is_an_error_naming_it():
    with pytest.raises(ConversionError, match=r"cell 1: .*'missing'"):
        convert("{glue:text}`missing:.1f`")


def test_a_term_becomes_its_text():
    assert convert("an {term}`odds ratio` and") == "an odds ratio and"
    assert convert("{term}`odds ratios <odds ratio>`") == "odds ratios"
    assert convert("the {term}`standardized residuals <standardized\nresidual>` of") == \
        "the standardized residuals of"


def test_a_doc_becomes_a_link_to_the_page_on_the_site_with_its_title():
    assert convert("see {doc}`other`.") == f"see [Other chapter]({BASEURL}chapters/other.html)."
    assert convert("see {doc}`help </support>`") == f"see [help]({BASEURL}support.html)"
    assert convert("{doc}`../support`") == f"[Support and reporting]({BASEURL}support.html)"
    with pytest.raises(ConversionError, match="not a page"):
        convert("{doc}`nowhere`")


def test_ref_and_numref_show_what_the_page_shows():
    assert convert("{numref}`toy-ex` asks") == "Exercise 3.1 asks"
    assert convert("{ref}`toy-ex`") == "Exercise 3.1"  # as sphinx-exercise shows it
    assert convert("{numref}`Ex. %s <toy-ex>`") == "Ex. 3.1"
    assert convert("({ref}`toy-section`)") == "(*A section of this page*)"  # its heading's name
    assert convert("{ref}`other-section`") == \
        f"[Another page's section]({BASEURL}chapters/other.html#other-section)"
    assert convert("{numref}`other-ex`") == f"[Exercise 4.2]({BASEURL}chapters/other.html#other-ex)"
    with pytest.raises(ConversionError, match="'nowhere'"):
        convert("{ref}`nowhere`")
    with pytest.raises(ConversionError, match="no number"):
        convert("{numref}`toy-section`")


def test_citations_read_author_year():
    assert convert("data {cite:p}`seto2018production`.") == "data (Seto et al., 2018)."
    assert convert("{cite:t}`wickham2014tidy` calls") == "Wickham (2014) calls"
    assert convert("{cite:p}`seto2018production,benjamini1995controlling`") == \
        "(Seto et al., 2018; Benjamini and Hochberg, 1995)"
    with pytest.raises(ConversionError, match="'nobody2000'"):
        convert("{cite:p}`nobody2000`")


def test_the_books_bibliography_is_read_as_its_citations_show_it():
    found = downloads.citations([ROOT / "references.bib"])
    assert found["seto2018production"] == ("Seto et al.", "2018")
    assert found["benjamini1995controlling"] == ("Benjamini and Hochberg", "1995")
    assert found["ncmecCSAM"][0] == "National Center for Missing & Exploited Children"


def test_code_is_left_as_it_is():
    text = "Write `` {term}`x` `` in MyST, or `{glue:text}`.\n\n```python\nx = '{term}`y`'\n```"
    assert convert(text) == text


# --- directives ------------------------------------------------------------------------------

def test_an_include_becomes_the_files_text_converted():
    text = convert("# Title\n\n```{include} _notice.md\n```\n\nAfter.")
    assert text == ("# Title\n\n> **The data are synthetic**\n>\n"
                    f"> See [Support and reporting]({BASEURL}support.html).\n\nAfter.")


def test_an_exercise_becomes_a_heading_with_its_number_and_its_text():
    text = convert("::::{exercise} Count the {term}`cases`\n:label: toy-ex\n\n"
                   "How many? There are {glue:text}`n`.\n::::")
    assert text == f"#### Exercise 3.1: Count the cases\n\nHow many? There are 1,965{DAGGER}."
    assert convert("```{exercise}\n:label: unknown-ex\nText.\n```") == \
        "#### Exercise unknown-ex\n\nText."


def test_a_solution_becomes_a_heading_and_a_quote_code_included():
    text = convert("````{solution} toy-ex\n:class: dropdown\n\n```python\nprint(1)\n```\n\n"
                   "So {glue:text}`n`.\n````")
    assert text == ("#### Solution to Exercise 3.1\n\n> ```python\n> print(1)\n> ```\n>\n"
                    f"> So 1,965{DAGGER}.")


def test_admonitions_become_quotes_under_their_bold_title():
    assert convert(":::{admonition} Whose numbers?\n:class: tip\nThe book's.\n:::") == \
        "> **Whose numbers?**\n>\n> The book's."
    assert convert("```{note}\nA note.\n```") == "> **Note**\n>\n> A note."
    nested = convert("`````{important}\n````{exercise} Inner\n:label: toy-ex\nDo.\n````\n`````")
    assert nested == "> **Important**\n>\n> #### Exercise 3.1: Inner\n>\n> Do."


def test_math_and_code_directives_become_jupyters_own():
    assert convert("so {math}`x^2` is") == "so $x^2$ is"
    assert convert("```{code-block} python\n:linenos:\nx = 1\n```") == "```python\nx = 1\n```"


def test_a_labelled_equation_gets_its_number_as_a_tag_and_eq_shows_it():
    text = "$$\nX^2 = \\sum_i \\frac{(O_i - E_i)^2}{E_i}\n$$ (eq-toy)\n\nBy {eq}`eq-toy`."
    assert convert(text) == (
        "$$\nX^2 = \\sum_i \\frac{(O_i - E_i)^2}{E_i}\n\\tag{3.1}\n$$\n\nBy (3.1).")
    assert convert("As {eq}`eq-other`.") == (
        f"As [(4.2)]({BASEURL}chapters/other.html#equation-eq-other).")
    assert convert("Inline $a_b * c_d$ stays.") == "Inline $a_b * c_d$ stays."


def test_an_unknown_equation_label_is_an_error_naming_it():
    with pytest.raises(ConversionError, match="'eq-none' is not a numbered equation"):
        convert("See {eq}`eq-none`.")


def test_a_dropdown_becomes_details_one_click_away():
    text = ("::::{admonition} Check your understanding\n:class: s18-check\n\nWhy?\n\n"
            ":::{dropdown} Answer\nBecause {term}`Odds ratio`.\n:::\n::::")
    assert convert(text) == ("> **Check your understanding**\n>\n> Why?\n>\n> <details>\n"
                             "> <summary>Answer</summary>\n>\n> Because Odds ratio.\n>\n"
                             "> </details>")


def test_an_unclosed_directive_is_an_error():
    with pytest.raises(ConversionError, match=r"cell 1: the fence '````\{note\}' is not closed"):
        convert("````{note}\nA note.\n```")


def test_label_targets_and_comments_are_removed():
    assert convert("(toy-section)=\n## A section\n\n% a comment\nText.") == "## A section\n\nText."


def test_an_unknown_role_or_directive_fails_naming_the_notebook_cell_and_role():
    notebook = toy_notebook()
    notebook["cells"][2]["source"] = "Press {kbd}`Ctrl`."
    with pytest.raises(ConversionError) as error:
        downloads.download_notebook(notebook, toy_book(), "chapters/toy.ipynb")
    assert re.search(r"chapters/toy\.ipynb, cell 2 \(id c2\): .*\{kbd\}", str(error.value))
    notebook["cells"][2]["source"] = "```{figure} x.png\n```"
    with pytest.raises(ConversionError, match=r"cell 2 .*\{figure\}"):
        downloads.download_notebook(notebook, toy_book(), "chapters/toy.ipynb")
    with pytest.raises(ConversionError, match=r"included file _notice\.md: .*\{kbd\}"):
        downloads.convert_markdown("```{include} _notice.md\n```", toy_book(
            read_include=lambda path: "{kbd}`x`"), "chapters/toy.ipynb, cell 0")


# --- the notebook ----------------------------------------------------------------------------

def toy_notebook() -> dict:
    def cell(kind, source, id_, tags=()):
        extra = {"outputs": [{"output_type": "stream", "name": "stdout", "text": "old"}],
                 "execution_count": 3} if kind == "code" else {}
        return {"cell_type": kind, "id": id_, "metadata": {"tags": list(tags)} if tags else {},
                "source": source, **extra}

    return {"nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"},
                         "description": "A toy chapter."},
            "cells": [
                cell("markdown", "# Toy chapter\n\n```{include} _notice.md\n```", "c0"),
                cell("code", 'import importlib.util\nif importlib.util.find_spec("seto2018") '
                             'is None:\n    subprocess.run(["git", "clone", "x"])\n'
                             '    subprocess.run(["pip", "install", "-e", "x"])', "c1",
                     ["remove-cell"]),
                cell("markdown", "## Setting up\n\nThere are {glue:text}`n` cases.", "c2"),
                cell("code", "from seto2018 import glue", "c3"),
                cell("code", "glue('n', '1,965', display=False)", "c4", ["remove-cell"]),
                cell("code", "print(n)", "c5", ["remove-input"]),
                cell("markdown", "(toy-end)=", "c6"),
            ]}


def converted() -> dict:
    return downloads.download_notebook(toy_notebook(), toy_book(), "chapters/toy.ipynb")


def test_the_first_code_cell_installs_the_package_from_the_site():
    cells = converted()["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code[0]["id"] == downloads.INSTALL_CELL_ID
    assert code[0]["source"].endswith(f"%pip install --quiet {WHEEL}")
    assert 'find_spec("seto2018") is None' in code[0]["source"]
    # The chapter's own install cell (a git clone) is replaced, not kept beside it.
    assert not any("git" in c["source"] for c in code)
    assert [c["id"] for c in cells][:3] == ["c0", "c2", downloads.INSTALL_CELL_ID]


def test_the_install_cell_is_valid_ipython():
    from IPython.core.inputtransformer2 import TransformerManager

    source = downloads.install_cell(WHEEL)["source"]
    python = TransformerManager().transform_cell(source)
    assert "get_ipython().run_line_magic('pip'" in python
    compile(python, "<install cell>", "exec")


def test_the_notebook_keeps_ids_and_metadata_and_hides_hidden_cells_with_no_outputs():
    notebook = converted()
    nbformat.validate(nbformat.from_dict(notebook))
    assert notebook["metadata"] == toy_notebook()["metadata"]
    cells = {c["id"]: c for c in notebook["cells"]}
    assert set(cells) == {"c0", "c2", "c3", "c4", "c5", downloads.INSTALL_CELL_ID}  # c6 empty
    for id_ in ("c4", "c5"):
        assert cells[id_]["metadata"]["jupyter"] == {"source_hidden": True}
        assert cells[id_]["metadata"]["tags"]  # kept
    assert "jupyter" not in cells["c3"]["metadata"]
    assert all(c["outputs"] == [] and c["execution_count"] is None
               for c in notebook["cells"] if c["cell_type"] == "code")


def test_the_note_on_the_daggers_follows_the_title():
    first = converted()["cells"][0]["source"]
    assert first.startswith("# Toy chapter\n\n" + downloads.BOOK_DATA_NOTE + "\n\n> **The data")
    plain = toy_notebook()
    plain["cells"][2]["source"] = "## Setting up"
    first = downloads.download_notebook(plain, toy_book(), "x")["cells"][0]["source"]
    assert DAGGER not in first  # no glued number, no note


def test_the_source_notebook_is_not_changed():
    notebook = toy_notebook()
    before = json.dumps(notebook)
    downloads.download_notebook(notebook, toy_book(), "x")
    assert json.dumps(notebook) == before


# --- the built editions ----------------------------------------------------------------------

site = pytest.mark.site
CHAPTERS = [name for name in toc_files() if (ROOT / f"{name}.ipynb").exists()]
RAW_MYST = [
    (re.compile(r"\{glue"), "a glue role"),
    (re.compile(r"\{term\}`"), "a {term} role"),
    (re.compile(r"\{doc\}`"), "a {doc} role"),
    (re.compile(r"\{numref\}`"), "a {numref} role"),
    (re.compile(r"\{ref\}`"), "a {ref} role"),  # the backtick: not LaTeX's \text{ref}
    (re.compile(r"\{cite"), "a {cite} role"),
    (re.compile(r"\{[\w:-]+\}`"), "a role"),
    (re.compile(r"^\s*(`{3,}|:{3,})\s*\{", re.M), "a directive fence"),
    (re.compile(r"^\s*\([^()\s]+\)=\s*$", re.M), "a label target"),
    (re.compile(r"^[\s>]*\$\$[ \t]*\(", re.M), "an equation's label"),
]
EDITIONS = {"reader": READER, "student": STUDENT}


def site_url() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["html"]["baseurl"]


def downloaded(edition: str, chapter: str) -> dict:
    site_root = EDITIONS[edition]
    if not (site_root / "index.html").exists():
        command = "make book" + (" EDITION=student" if edition == "student" else "")
        pytest.fail(f"No built {edition}'s edition at {site_root}: run `{command}` first.")
    path = site_root / "_sources" / f"{chapter}.ipynb"
    assert path.exists(), f"{path.relative_to(ROOT)} is missing"
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def markdown_of(notebook: dict) -> str:
    return "\n\n".join(source(c) for c in notebook["cells"] if c["cell_type"] == "markdown")


def shown_text(markdown: str) -> str:
    """Markdown's backslash escapes removed: the text as Jupyter shows it."""
    return re.sub(r"\\([\\`*_$|<\[\]])", r"\1", markdown)


SMART = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def pasted_values(page: Path) -> list[str]:
    """The glued values a built page shows, in order (with straight quotes: Sphinx's smart
    quotes curl them on the page, Jupyter does not)."""
    found = re.findall(r'<span class="pasted-text">(.*?)</span>',
                       page.read_text(encoding="utf-8"), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", value)).translate(SMART) for value in found]


@site
@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda name: name.split("/")[-1])
def test_each_downloaded_chapter_reads_in_plain_jupyter(edition, chapter):
    notebook = downloaded(edition, chapter)
    nbformat.validate(nbformat.from_dict(notebook))
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        for pattern, what in RAW_MYST:
            found = pattern.search(source(cell))
            assert not found, (f"{edition}'s {chapter}.ipynb, markdown cell {index}: {what} "
                               f"left raw: {found[0]!r}")
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    install = wheel.install_url(site_url())
    assert source(code[0]).rstrip().endswith(f"%pip install --quiet {install}"), source(code[0])
    assert sum('find_spec("seto2018")' in source(c) for c in code) == 1, "two install cells"
    assert all(not c["outputs"] for c in code)
    original = json.loads((ROOT / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    assert notebook["metadata"] == original["metadata"]
    hidden = {c["id"] for c in original["cells"]
              if set(c["metadata"].get("tags", [])) & {"remove-cell", "remove-input"}}
    for cell in code:
        if cell["id"] in hidden:
            assert cell["metadata"]["jupyter"]["source_hidden"] is True, cell["id"]


@site
@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda name: name.split("/")[-1])
def test_each_number_the_page_shows_is_in_the_download_with_its_dagger(edition, chapter):
    notebook = downloaded(edition, chapter)
    text = shown_text(markdown_of(notebook)).translate(SMART)
    values = pasted_values(EDITIONS[edition] / f"{chapter}.html")
    if not values:
        assert DAGGER not in text
        return
    assert downloads.BOOK_DATA_NOTE in source(notebook["cells"][0])
    missing = [v for v in values if f"{v}{DAGGER}" not in text and f"{v}%{DAGGER}" not in text]
    assert not missing, f"{chapter}: numbers on the page not in the download: {missing[:5]}"
    assert text.count(DAGGER) - 1 >= len(values)  # the note's own dagger aside


@site
def test_the_readers_downloads_have_each_exercise_and_solution_the_students_only_exercises():
    for chapter in CHAPTERS:
        source = markdown_of(json.loads((ROOT / f"{chapter}.ipynb").read_text(encoding="utf-8")))
        exercises = len(re.findall(r"^\s*(`{3,}|:{3,})\{exercise\}", source, re.M))
        solutions = len(split_solutions(source)[0])
        reader, student = (markdown_of(downloaded(e, chapter)) for e in ("reader", "student"))
        assert len(re.findall(r"^#### Exercise \d+\.\d+", reader, re.M)) == exercises, chapter
        assert len(re.findall(r"^#### Exercise \d+\.\d+", student, re.M)) == exercises, chapter
        assert len(re.findall(r"^#### Solution to Exercise", reader, re.M)) == solutions, chapter
        assert "Solution" not in student, chapter


@site
def test_the_students_downloads_hold_no_solution_text():
    pieces = set().union(*distinctive_source_pieces(READER).values())
    reader_found, leaked = set(), {}
    for chapter in CHAPTERS:
        notebook = {e: downloaded(e, chapter) for e in EDITIONS}
        held = {e: windows(words("\n".join(source(c) for c in nb["cells"])))
                for e, nb in notebook.items()}
        reader_found |= held["reader"] & pieces
        if held["student"] & pieces:
            leaked[chapter] = sorted(held["student"] & pieces)[:3]
    assert not leaked, f"solution text in the student's downloads: {leaked}"
    assert len(reader_found) > 100, "the control: the reader's downloads hold the solutions"


@site
@pytest.mark.parametrize("edition", EDITIONS)
def test_other_pages_sources_are_as_the_edition_has_them(edition):
    for name in toc_files():
        path = ROOT / f"{name}.md"
        if not path.exists():
            continue
        offered = (EDITIONS[edition] / "_sources" / f"{name}.md").read_text(encoding="utf-8")
        expected = (editions.student_source(path) if edition == "student"
                    else path.read_text(encoding="utf-8"))
        assert offered == expected, name
