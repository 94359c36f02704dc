"""The statistics are taught, not only shown (issue 13): each method has its box, at its first
use, before any chapter relies on it; every chapter has checks of understanding, key terms and
further reading; the measures and findings chapters show their formulas.

This file is the checklist "taught before used" refers to (CONTRIBUTING.md, "Adding a method").
The rules are read from the chapters' sources, so they run without a build; what the built pages
show (MathML, no script) is checked by the site tests in tests/test_mathml.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from seto2018 import mathml, sphinxext, toc

from _book import ROOT, cells, tiny_site

CHAPTERS = toc.chapters()
NAMES = [path.stem for path in CHAPTERS]
FINDINGS_PARTS = ("The findings", "Going further")
FINDINGS = [Path(name).name for part in toc.parts() if part.caption in FINDINGS_PARTS
            for name in part.files]
#: Chapters that show at least five formulas (the issue: findings chapters and measures).
FORMULA_CHAPTERS = ["measures", *FINDINGS]
METHODS_PAGE = ROOT / "methods.md"

#: Every method the book must teach in a box (issue 13's list), and the code that uses it: a
#: chapter's visible code (or a solution's code) that matches a pattern relies on the method,
#: so the method's box must come earlier in the reading order (or earlier in the same chapter).
METHODS = {
    "method-chi-square": r"chi2_contingency\(|\bchi_square\(|chi2\.sf\(",
    "method-odds-ratio": r"\bodds_ratio\w*\(|Table2x2\(",
    "method-wilson": r"method=[\"']wilson[\"']|\bwilson\w*\(",
    "method-trend": r"\btrend\w*\(|linear_by_linear|cochran_armitage",
    "method-fisher": r"fisher_exact\(",
    "method-monte-carlo": r"MonteCarloMethod\(|\bpermuted\(|\bpermutation\w*\(",
    "method-logistic": r"\blogit\(|\bLogit\(|\bglm\(",
    "method-ipf": r"\bipf\w*\(|\brak(e|ing)\w*\(",
    "method-residuals": r"\badjusted_residuals?\w*\(|standardized_resids",
    "method-multiple-testing": r"multipletests\(",
    "method-crude-adjusted": r"\bcrude\w*\(",
    "method-multinomial": r"\bmnlogit\(|\bMNLogit\(",
    "method-power": r"\bpower\w*\(|solve_power\(|detectable\w*\(",
}
LEAD_INS = ("Question.", "Formula.", "Assumptions.", "Reading the result.", "When it fails.")


# --- reading a chapter's MyST --------------------------------------------------------------

@dataclass(frozen=True)
class Block:
    """A colon-fenced directive in a markdown cell."""

    chapter: str
    cell: int
    name: str
    argument: str
    options: dict
    body: str


_OPEN = re.compile(r"^(?P<colons>:{3,})\{(?P<name>[\w-]+)\}[ \t]*(?P<argument>.*)$")


def blocks(text: str, chapter: str, cell: int) -> list[Block]:
    """Every colon-fenced directive of the text, nested ones included, in order."""
    lines, found, index = text.split("\n"), [], 0
    while index < len(lines):
        opened = _OPEN.match(lines[index].strip())
        if not opened:
            index += 1
            continue
        closing = re.compile(rf"^{opened['colons']}[ \t]*$")
        end = next((i for i in range(index + 1, len(lines)) if closing.match(lines[i].strip())),
                   len(lines))
        body = lines[index + 1:end]
        options = {}
        while body and (option := re.match(r"^:([\w-]+):[ \t]*(.*)$", body[0].strip())):
            options[option[1]] = option[2].strip()
            body = body[1:]
        inner = "\n".join(body)
        found.append(Block(chapter, cell, opened["name"], opened["argument"].strip(), options,
                           inner))
        found += blocks(inner, chapter, cell)
        index = end + 1
    return found


def chapter(name: str) -> Path:
    return ROOT / "chapters" / f"{name}.ipynb"


def markdown_cells(name: str) -> list[tuple[int, str]]:
    return mathml.markdown_cells(chapter(name))


def chapter_blocks(name: str) -> list[Block]:
    return [block for index, text in markdown_cells(name) for block in blocks(text, name, index)]


def method_boxes() -> list[Block]:
    return [block for name in NAMES for block in chapter_blocks(name)
            if block.name == "admonition"
            and block.argument.startswith(sphinxext.METHOD_PREFIX)]


def section(name: str, heading: str) -> str:
    """The text of a chapter's ``## heading`` section (up to the next ``## ``)."""
    text = "\n".join(text for _, text in markdown_cells(name))
    found = re.search(rf"(?ms)^## {re.escape(heading)}[ \t]*\n(.*?)(?=^## |\Z)", text)
    assert found, f"chapters/{name}.ipynb has no '## {heading}' section"
    return found[1]


def code_that_relies(name: str) -> list[tuple[int, str]]:
    """(cell, code) a reader sees or runs as the lesson: code cells the page does not remove,
    and the code blocks of solutions. Hidden checks (``remove-cell``) are not the lesson."""
    found = []
    for index, cell in enumerate(cells(chapter(name))):
        text = toc.source(cell)
        if cell["cell_type"] == "code":
            if "remove-cell" not in cell.get("metadata", {}).get("tags", []):
                found.append((index, re.sub(r"(?m)#.*$", "", text)))
        else:
            found += [(index, block) for block in re.findall(r"(?s)```python\n(.*?)```", text)]
    return found


# --- method boxes --------------------------------------------------------------------------

def test_each_method_box_has_its_label_class_lead_ins_and_a_numbered_formula():
    for box in method_boxes():
        where = f"chapters/{box.chapter}.ipynb, cell {box.cell}, box {box.argument!r}"
        assert box.options.get("class", "").split()[:1] == [sphinxext.METHOD_BOX_CLASS], where
        assert box.options.get("name", "").startswith("method-"), f"{where}: no :name: method-..."
        positions = [box.body.find(f"**{lead}**") for lead in LEAD_INS]
        assert all(p >= 0 for p in positions) and positions == sorted(positions), (
            f"{where}: the lead-ins {', '.join(LEAD_INS)} must each appear, in that order")
        assert re.search(r"(?m)^\$\$[ \t]*\(eq-[\w-]+\)[ \t]*$", box.body), (
            f"{where}: no labelled display formula ($$ ... $$ (eq-...))")


def test_every_method_of_the_issue_has_exactly_one_box():
    labels = [box.options.get("name") for box in method_boxes()]
    missing = sorted(set(METHODS) - set(labels))
    assert not missing, f"no box for {missing}"
    twice = sorted({label for label in labels if labels.count(label) > 1})
    assert not twice, f"boxes given twice: {twice}"
    unknown = sorted(set(labels) - set(METHODS))
    assert not unknown, (f"boxes {unknown} are not in tests/test_teaching.py's METHODS: add each "
                         "with the code that uses it")


def test_the_methods_page_links_every_box_and_nothing_else():
    page = METHODS_PAGE.read_text(encoding="utf-8")
    linked = set(re.findall(r"\{ref\}`[^`<]*<(method-[\w-]+)>`", page))
    boxes = {box.options.get("name") for box in method_boxes()}
    assert linked == boxes, (f"methods.md links {sorted(linked - boxes)} which are no box, and "
                             f"misses {sorted(boxes - linked)}")
    assert "methods" in toc.files(), "methods.md is not in _toc.yml"
    # Each link sits under the heading of the chapter whose box it is.
    groups = re.findall(r"(?ms)^\*\*In \{doc\}`chapters/([\w-]+)`:\*\*(.*?)(?=^\*\*In |\Z)", page)
    assert [g for g, _ in groups] == list(dict.fromkeys(b.chapter for b in method_boxes())), (
        "methods.md: one '**In {doc}`chapters/<name>`:**' line per chapter with a box, in order")
    for heading, links in groups:
        for label in re.findall(r"<(method-[\w-]+)>`", links):
            box = next(b for b in method_boxes() if b.options.get("name") == label)
            assert box.chapter == heading, (f"methods.md lists {label} under {heading}; its box "
                                            f"is in {box.chapter}")


@pytest.mark.parametrize("label", sorted(METHODS))
def test_no_chapter_uses_a_method_before_its_box(label):
    box = next((b for b in method_boxes() if b.options.get("name") == label), None)
    assert box is not None, f"no box for {label}"
    taught = (NAMES.index(box.chapter), box.cell)
    for position, name in enumerate(NAMES):
        for cell, code in code_that_relies(name):
            if re.search(METHODS[label], code) and (position, cell) < taught:
                pytest.fail(f"chapters/{name}.ipynb, cell {cell}, uses {label} "
                            f"(/{METHODS[label]}/), taught later, in chapters/{box.chapter}.ipynb "
                            f"cell {box.cell}: move the box to its first use")


def test_the_patterns_find_each_method_used_somewhere():
    # A pattern that matches nothing would make the ordering test pass without checking.
    for label, pattern in METHODS.items():
        assert any(re.search(pattern, code) for name in NAMES
                   for _, code in code_that_relies(name)), f"{label}: /{pattern}/ finds no use"


# --- checks of understanding, key terms, further reading ------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_each_chapter_has_three_checks_of_understanding_with_answers(name):
    checks = [b for b in chapter_blocks(name)
              if b.name == "admonition" and b.argument == "Check your understanding"]
    assert len(checks) >= 3, f"chapters/{name}.ipynb: {len(checks)} checks of understanding"
    for check in checks:
        answers = [b for b in blocks(check.body, name, check.cell) if b.name == "dropdown"]
        assert len(answers) == 1 and answers[0].argument == "Answer", (
            f"chapters/{name}.ipynb, cell {check.cell}: a check's answer is one "
            "':::{dropdown} Answer'")
        assert "s18-check" in check.options.get("class", ""), f"{name}, cell {check.cell}"
        assert "{solution}" not in check.body, "a check's answer is not an exercise's solution"


@pytest.mark.parametrize("name", NAMES)
def test_each_chapter_ends_with_key_terms_and_further_reading(name):
    headings = re.findall(r"(?m)^## (.+)$", "\n".join(t for _, t in markdown_cells(name)))
    assert headings.index("Summary") < headings.index("Key terms") < headings.index(
        "Further reading"), f"{name}: Summary, Key terms, Further reading, in that order"
    terms = re.findall(r"\{term\}`", section(name, "Key terms"))
    assert len(terms) >= 5, f"chapters/{name}.ipynb: {len(terms)} key terms, fewer than five"
    items = re.findall(r"(?m)^- (.+(?:\n  .+)*)", section(name, "Further reading"))
    assert 2 <= len(items) <= 4, f"chapters/{name}.ipynb: {len(items)} further readings"
    for item in items:
        assert re.match(r"\{cite:[tp]\}`[^`]+`", item), f"{name}: {item[:60]!r} cites nothing"
        annotation = re.sub(r"\{cite:[tp]\}`[^`]+`", "", item)
        assert len(annotation.split()) >= 15, f"{name}: {item[:60]!r} has no annotation"


# --- formulas ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_every_formula_converts_to_mathml(name):
    count, problems = mathml.check_notebook(chapter(name))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", FORMULA_CHAPTERS)
def test_the_measures_and_findings_chapters_show_five_formulas(name):
    shown = {" ".join(latex.split()) for _, text in markdown_cells(name)
             for latex, _ in mathml.formulas(text)}
    substantial = {latex for latex in shown if re.search(r"[=<>\\]|\\le|\\ge", latex)}
    assert len(substantial) >= 5, (f"chapters/{name}.ipynb shows {len(substantial)} formulas "
                                   f"(with a relation or a command): {sorted(substantial)}")


@pytest.mark.parametrize("name", FINDINGS)
def test_each_findings_chapter_has_an_exercise_by_hand_from_its_own_formula(name):
    labels = {label for _, text in markdown_cells(name)
              for label in re.findall(r"(?m)^\$\$[ \t]*\((eq-[\w-]+)\)", text)}
    by_hand = []
    for _, text in markdown_cells(name):
        for exercise in re.finditer(r"(?ms)^(`{3,})\{exercise\}.*?^\1[ \t]*$", text):
            if re.search(r"(?m)^:class:.*\bs18-by-hand\b", exercise[0]):
                by_hand += re.findall(r"\{eq\}`(eq-[\w-]+)`", exercise[0])
    assert set(by_hand) & labels, (
        f"chapters/{name}.ipynb: no exercise with :class: s18-by-hand that refers ({{eq}}) to an "
        "equation labelled in the chapter")


# --- a box's label shows its title (seto2018/sphinxext.py) ---------------------------------

def test_a_bare_ref_to_a_method_box_shows_the_methods_name(tmp_path):
    conf = ('extensions = ["myst_parser"]\nmyst_enable_extensions = ["colon_fence"]\n'
            "def setup(app):\n    from seto2018 import sphinxext\n"
            '    app.connect("doctree-read", sphinxext.title_method_boxes)\n')
    page = ("# Tiny\n\n:::{admonition} Method: Chi-square test\n:class: s18-method\n"
            ":name: method-tiny\n\n**Question.** Q.\n:::\n\nSee {ref}`method-tiny`.\n")
    _, warnings, built = tiny_site(tmp_path, conf, (".md", page))
    assert not warnings, warnings
    assert re.search(r'href="#method-tiny"><span class="std std-ref">Chi-square test</span>', built)
