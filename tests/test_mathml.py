"""Formulas as MathML at build time (seto2018/mathml.py): what it writes, what it refuses, and a
tiny MyST site built with it (numbered equations, {eq}, no MathJax)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

import pytest

from seto2018 import mathml, toc
from _book import ROOT, tiny_site


def parse(markup: str):
    return ElementTree.fromstring(re.sub(r"&#x?[0-9A-Fa-f]+;", "x", markup))


@pytest.mark.parametrize("latex", [
    r"X^2 = \sum_{i}\sum_{j} \frac{(O_{ij} - E_{ij})^2}{E_{ij}}",
    r"\operatorname{logit}(p) = \log\frac{p}{1-p} = \beta_0 + \beta_1 x",
    r"\mathrm{SE}(\log \widehat{\mathrm{OR}}) = \sqrt{\tfrac{1}{a}+\tfrac{1}{b}+\tfrac{1}{c}+\tfrac{1}{d}}",
    r"p_{(k)} \le \frac{k}{m}\alpha \qquad \hat p \pm z \sqrt{\hat p (1 - \hat p)/n}",
    r"\left(\frac{a}{b}\right) \text{ if } a < b",
])
def test_a_formula_becomes_one_well_formed_math_element(latex):
    written = mathml.to_mathml(latex, display=True)
    root = parse(written)
    assert root.tag == mathml.MATHML_NS + "math" and root.get("display") == "block"
    assert "\\" not in re.sub(r'alttext="[^"]*"', "", written)  # every command converted


def test_raw_less_than_and_ampersand_are_escaped():
    written = mathml.to_mathml(r"\text{a < b} + \&")
    assert "&lt;" in written and " < " not in written.replace("&#x000A0;", " ")
    parse(written)


def test_plus_minus_is_an_operator_for_spacing_and_screen_readers():
    assert "<mo>&#x000B1;</mo>" in mathml.to_mathml(r"a \pm b")


@pytest.mark.parametrize("latex, says", [
    (r"\foo x", r"\foo is not a command"),
    (r"a &= b", "'&' aligns equations"),
    (r"\frac{a}", "<mfrac> has 1 parts, not 2"),
    ("", "an empty formula"),
])
def test_what_cannot_be_shown_is_an_error_naming_the_formula(latex, says):
    with pytest.raises(mathml.FormulaError, match=re.escape(says)):
        mathml.to_mathml(latex)


def test_two_equations_in_one_display_block_are_refused():
    with pytest.raises(mathml.FormulaError, match="one equation per"):
        mathml.to_mathml("a = b\n\nc = d", display=True)


def test_formulas_are_found_in_markdown_but_not_in_code_or_prices():
    text = ("Costs \\$5, $p = a/b$, `$x$`.\n\n```python\nprint('$y$')\n```\n\n"
            "$$\nX^2 = 1\n$$ (eq-x)\n")
    assert mathml.formulas(text) == [("\nX^2 = 1\n", True), ("p = a/b", False)]


def test_the_command_line_names_the_cell_and_fails(tmp_path, capsys):
    page = tmp_path / "page.md"
    page.write_text("Fine $a^2$, not fine $\\foo$.\n")
    assert mathml.main([str(page)]) == 1
    out = capsys.readouterr().out
    assert "cell 0" in out and "\\foo" in out and "2 formula(s), 1 cannot be shown" in out


# ------------------------------------------------------------------------------ a tiny site
CONF = '''\
project = "tiny"
extensions = ["myst_parser", "seto2018.mathml"]
myst_enable_extensions = ["dollarmath"]
html_math_renderer = "mathml"
numfig = True
'''
PAGE = '''\
# Tiny

Inline $\\hat p = x/n$.

$$
X^2 = \\sum_{i} \\frac{(O_i - E_i)^2}{E_i}
$$ (eq-tiny)

As {eq}`eq-tiny` says.
'''


def build(folder, page: str) -> tuple[str, str]:
    _, warnings, html_text = tiny_site(folder, CONF, (".md", page))
    return warnings, html_text


def test_a_site_gets_mathml_numbered_equations_and_no_script(tmp_path):
    warnings, page = build(tmp_path, PAGE)
    assert not warnings, warnings
    assert page.count("<math ") == 2
    assert 'id="equation-eq-tiny"' in page and '<span class="eqno">(1)' in page
    assert re.search(r'href="#equation-eq-tiny"[^>]*>.*?\(1\)', page)  # the {eq} reference
    shown = re.sub(r'alttext="[^"]*"', "", page)
    assert not re.search(r"<script[^>]*mathjax", page, re.I) and "\\frac" not in shown


def test_a_formula_that_cannot_be_shown_warns_at_its_page(tmp_path):
    warnings, page = build(tmp_path, "# Tiny\n\nBad $\\foo$.\n")
    assert "index.md" in warnings and "\\foo is not a command" in warnings
    assert "<code>\\foo</code>" in page


# ------------------------------------------------------------------------------ the built site
SITE = ROOT / "_build" / "html"
FORMULA_PAGES = ["chapters/measures"] + [name for part in toc.parts()
                                         if part.caption in ("The findings", "Going further")
                                         for name in part.files]


@pytest.mark.site
@pytest.mark.parametrize("page", FORMULA_PAGES)
def test_the_measures_and_findings_pages_show_five_formulas_as_mathml(page):
    html_text = (SITE / f"{page}.html").read_text(encoding="utf-8")
    assert html_text.count("<math ") >= 5, f"{page}.html: {html_text.count('<math ')} formulas"


@pytest.mark.site
def test_no_page_loads_a_math_script():
    pages = [path for path in SITE.rglob("*.html") if "_static" not in path.parts]
    assert pages, "no built site at _build/html: run `make book` first"
    for path in pages:
        scripts = re.findall(r"<script[^>]*>", path.read_text(encoding="utf-8"))
        assert not [s for s in scripts if re.search(r"mathjax|katex", s, re.I)], path


def test_function_names_and_upright_words_read_as_tex_sets_them():
    written = mathml.to_mathml(r"\mathrm{SE} = \log \mathrm{OR} + \log(x)")
    assert "<mi>SE</mi>" in written and "<mi>OR</mi>" in written  # a word, not "O R"
    # "log OR" gets a function application and a thin space; "log(x)" no space.
    assert written.count("<mo>&#x2061;</mo><mspace") == 1


def test_the_latex_is_the_formulas_text_alternative():
    written = mathml.to_mathml(r"a < \frac{b}{c}")
    assert written.startswith('<math alttext="a &lt; \\frac{b}{c}" ')
