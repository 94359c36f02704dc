"""The built site in a real browser: every page of the toc, as a reader gets it.

Playwright drives Debian's Chromium over _build/html served on localhost. For each page: it
loads, every chart draws (an SVG or canvas in each chart container), no request leaves localhost
(any other request is blocked and reported), no console error, and axe-core finds no serious or
critical accessibility violation. A full-page screenshot of each is kept in _build/screenshots/.
"""
from __future__ import annotations

import functools
import json
import os
import re
import http.server
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest
from _book import toc_files

from seto2018.sphinxext import SCROLL_THROUGH

pytestmark = pytest.mark.site

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")  # CI elsewhere may point at Chrome
# As the machine's notes advise: without the background-networking flags Chromium tries to reach
# Google's hosts at start-up, which is not the page's doing and is refused here anyway.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERIOUS = {"serious", "critical"}


def toc_pages() -> list[str]:
    """Every page of _toc.yml as a path relative to the site root, root page first."""
    return ["index"] + toc_files()[1:]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base_url():
    if not (SITE / "index.html").exists():
        pytest.fail("No built site at _build/html: run `make book` first.")
    handler = functools.partial(QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def test_toc_pages_were_built():
    missing = [page for page in toc_pages() if not (SITE / f"{page}.html").exists()]
    assert not missing, f"pages in _toc.yml with no built HTML: {missing}"


class _ReportFigures(HTMLParser):
    """Collect each figure of the report re-created on a page: what it holds inside."""

    def __init__(self):
        super().__init__()
        self.found: dict[str, set[str]] = {}
        self._current: str | None = None
        self._depth = 0
        self._dt = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        if tag == "figure" and "data-report" in attrs:
            self._current, self._depth = attrs["data-report"], 0
            self.found.setdefault(self._current, set())
        if self._current is None:
            return
        if tag == "figure":
            self._depth += 1
        parts = self.found[self._current]
        if "s18-chart" in classes:
            parts.add("chart")
        if tag == "table" and "s18-table" in classes:
            parts.add("table")
        if tag == "dl" and "s18-compare" in classes:
            parts.add("compare")
        if tag == "figcaption":
            parts.add("caption")
        self._dt = tag == "dt"

    def handle_data(self, data):
        if self._current is not None and self._dt and data.strip() in {"Published", "Synthetic"}:
            self.found[self._current].add(data.strip().lower())
        self._dt = False

    def handle_endtag(self, tag):
        if self._current is not None and tag == "figure":
            self._depth -= 1
            if self._depth == 0:
                self._current = None


def test_every_figure_and_table_of_the_report_is_re_created():
    """Figures 1-24, Table 1 and Table 3: each with its chart, table, caption and the
    published-beside-synthetic pair, somewhere in the built book."""
    found: dict[str, set[str]] = {}
    for page in toc_pages():
        parser = _ReportFigures()
        parser.feed((SITE / f"{page}.html").read_text(encoding="utf-8"))
        for report, parts in parser.found.items():
            found.setdefault(report, set()).update(parts)
    wanted = [f"Figure {n}" for n in range(1, 25)] + ["Table 1", "Table 3"]
    missing = [report for report in wanted if report not in found]
    assert not missing, f"not re-created anywhere in the book: {missing}"
    complete = {"chart", "table", "caption", "compare", "published", "synthetic"}
    partial = {report: sorted(complete - found[report]) for report in wanted
               if complete - found[report]}
    assert not partial, f"re-created without all their parts (missing parts listed): {partial}"


@pytest.mark.parametrize("page_path", toc_pages())
def test_page_in_browser(page_path, base_url, browser, axe):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    outside, errors = [], []

    def guard(route):
        url = route.request.url
        if url.startswith(base_url) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", guard)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

    response = page.goto(base_url + f"{page_path}.html", wait_until="load")
    assert response is not None and response.ok, f"{page_path}: HTTP {response and response.status}"
    if page_path == "index":  # the front door's refresh sends the browser on: check that page
        page.wait_for_url(f"**/{toc_files()[0]}.html")
        page.wait_for_load_state("load")

    n_charts = page.locator(".s18-chart").count()
    if n_charts:
        # Charts draw as they come near the view (the extension's bundle): scroll as a reader would.
        page.evaluate(SCROLL_THROUGH)
        page.wait_for_function(
            "n => [...document.querySelectorAll('.s18-chart')]"
            ".filter(c => c.querySelector('svg, canvas')).length === n",
            arg=n_charts, timeout=15_000,
        )
        unlabelled = page.evaluate(
            "[...document.querySelectorAll('.s18-chart')]"
            ".filter(c => !(c.getAttribute('aria-label') || '').trim()).map(c => c.id)")
        assert not unlabelled, f"{page_path}: charts drawn without an ARIA label: {unlabelled}"
    # Formulas are MathML the browser lays out itself (seto2018/mathml.py): each one shown
    # (outside a closed answer) has a size; none is left as text for a script to typeset.
    formulas = page.evaluate(
        "[...document.querySelectorAll('math')].filter(m => !m.closest('details:not([open])'))"
        ".map(m => [m instanceof MathMLElement, m.getBoundingClientRect().width > 0"
        " && m.getBoundingClientRect().height > 0, m.textContent.slice(0, 40)])")
    undrawn_math = [text for is_mathml, sized, text in formulas if not (is_mathml and sized)]
    assert not undrawn_math, f"{page_path}: formulas not laid out as MathML: {undrawn_math[:5]}"
    # A chart shown without the book's renderer reaches the page as its text repr, not a chart.
    undrawn = page.locator(".cell_output").filter(has_text="alt.").filter(has_text="Chart(").count()
    assert undrawn == 0, f"{page_path}: {undrawn} chart outputs are text, not charts (charts.enable()?)"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{page_path.replace('/', '__')}.png"), full_page=True)

    page_errors = list(errors)  # before axe runs: its own fetches are not the page's doing
    # preload off: axe re-fetches stylesheets to read them and resolves the theme's @import
    # against the page instead of the stylesheet, a 404 that is axe's, not the site's.
    results = axe.run(page, options={"preload": False})
    serious = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    context.close()

    assert not outside, f"{page_path}: requests left localhost: {outside}"
    # The theme's Font Awesome (script and fonts, about 800 KB) is replaced by the book's icons.
    heavy = [url for url in requested if "fontawesome" in url.lower()]
    assert not heavy, f"{page_path}: Font Awesome requested (seto2018-icons.css?): {heavy}"
    assert not page_errors, f"{page_path}: console errors: {page_errors}"
    assert not serious, f"{page_path}: axe-core serious/critical violations: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in serious
    )


def test_every_page_has_a_meta_description():
    # toc_files(), not toc_pages(): index.html only redirects to the root page.
    missing = [page for page in toc_files()
               if '<meta name="description" content="' not in (SITE / f"{page}.html").read_text(encoding="utf-8")]
    assert not missing, f"pages with no meta description in their HTML: {missing}"


# A chart draws aggregated numbers (counts, percentages, estimates), never the dataset's rows: a
# chart of raw rows puts a whole table into the page for every reader to download.
MAX_CHART_ROWS = 100
SPEC = re.compile(r'<script type="application/json" class="s18-spec"[^>]*>(.*?)</script>', re.S)


def chart_rows(spec: dict) -> int:
    """How many data rows a Vega-Lite spec carries inline (named datasets and inline values)."""
    rows = sum(len(values) for values in spec.get("datasets", {}).values())

    def walk(node):
        nonlocal rows
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                rows += len(data["values"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({key: value for key, value in spec.items() if key != "datasets"})
    return rows


def test_no_chart_embeds_raw_rows():
    heavy = []
    for page in toc_pages():
        for match in SPEC.finditer((SITE / f"{page}.html").read_text(encoding="utf-8")):
            spec = json.loads(match.group(1))
            if chart_rows(spec) > MAX_CHART_ROWS:
                heavy.append(f"{page}: {spec.get('title')!r} carries {chart_rows(spec)} rows")
    assert not heavy, f"charts with more than {MAX_CHART_ROWS} rows (aggregate first): {heavy}"


def test_a_chart_of_raw_rows_is_caught():
    import altair as alt
    import pandas as pd

    from seto2018 import data

    cases = data.load("modern")["cases"]  # one row per case
    raw = alt.Chart(cases).mark_bar().encode(x="count()", y="structure").to_dict()
    counts = cases.groupby("structure", observed=True).size().reset_index(name="cases")
    aggregated = alt.Chart(counts).mark_bar().encode(x="cases", y="structure").to_dict()
    assert chart_rows(raw) == len(cases) > MAX_CHART_ROWS
    assert chart_rows(aggregated) == len(counts) <= MAX_CHART_ROWS
    layered = alt.layer(alt.Chart(pd.DataFrame({"x": range(3)})).mark_point().encode(x="x"),
                        alt.Chart(pd.DataFrame({"x": range(4)})).mark_rule().encode(x="x")).to_dict()
    assert chart_rows(layered) == 7


def test_search_finds_a_glossary_term(base_url, browser):
    # Pages other than the search page load no search index (seto2018.sphinxext): the search page
    # must still load its own and answer.
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    page.goto(base_url + "search.html?q=odds", wait_until="load")
    page.wait_for_selector("#search-results ul li", timeout=20_000)
    found = page.locator("#search-results ul li a").all_inner_texts()
    context.close()
    assert not errors, f"search page: console errors: {errors}"
    assert any("Glossary" in text for text in found), f"search for 'odds' found {found}"
