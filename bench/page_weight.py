"""Page weight: the bytes a first visit to a page transfers, gzip-compressed as a static host
serves them, for the book's chapter pages and for a stock Jupyter Book 1.x page with one chart.

Both are measured the same way: Chromium (empty cache) loads the page from a local server, scrolls
through it as a reader would, until every chart is drawn and the network is idle; each response body is counted at its gzip size
(level 6, what nginx or a CDN typically sends for text; fonts and images count as they are).

The stock page loads Vega, Vega-Lite and Vega-Embed from cdn.jsdelivr.net. The network here is
closed, so those requests are answered from the same files installed from npm (package.json pins
the versions the CDN resolves Altair 6.3's ranges to: vega@6, vega-lite@6.4.1, vega-embed@7):
the files the CDN would send, at their real size.
"""
from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from _common import CHROMIUM, CHROMIUM_ARGS, COMPRESSIBLE, ROOT, scroll_and_wait_for_charts, serve

NODE_MODULES = ROOT / "node_modules"
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"
CDN = re.compile(r"^https://cdn\.jsdelivr\.net/npm/(?P<name>[a-z-]+)@(?P<version>[0-9.]+)")
CDN_URLS = re.compile(r"https://cdn\.jsdelivr\.net/npm/[^\"'\s]+")
# The chart containers of each kind of page: the book's, and Altair's stock HTML output.
CHARTS = ".s18-chart, .cell_output [id^='altair-viz-']"


MATH = re.compile(r"<math\b.*?</math>", re.S)


def math_cost(site: Path, pages: list[str]) -> dict:
    """What formulas cost each page: its ``<math>`` elements (MathML written at build time,
    seto2018/mathml.py) and the gzip bytes of its HTML with them less without them. Formulas
    need no script, stylesheet or font of their own, so this is all they add to a first visit."""
    costs = {}
    for page in pages:
        html = (site / f"{page}.html").read_text(encoding="utf-8")
        stripped = MATH.sub("", html)
        costs[page] = {"formulas": len(MATH.findall(html)),
                       "bytes": _transfer_size(html.encode(), "text/html")
                       - _transfer_size(stripped.encode(), "text/html")}
    return costs


def cdn_file(url: str) -> Path:
    """The npm file the CDN sends for ``url`` (its package's `jsdelivr` entry point)."""
    match = CDN.match(url)
    if not match:
        raise LookupError(f"no local copy for {url}")
    package = NODE_MODULES / match["name"]
    manifest = json.loads((package / "package.json").read_text(encoding="utf-8"))
    wanted, installed = match["version"].split("."), manifest["version"].split(".")
    if installed[: len(wanted)] != wanted:
        raise LookupError(f"{url} asks for {match['name']}@{match['version']}, "
                          f"node_modules has {manifest['version']}: run `npm ci`")
    return package / manifest.get("jsdelivr", manifest.get("main"))


def _transfer_size(body: bytes, content_type: str) -> int:
    if any(kind in content_type for kind in COMPRESSIBLE):
        return len(gzip.compress(body, compresslevel=6))
    return len(body)


def weigh(browser, url: str) -> dict:
    """Load ``url`` with an empty cache; return its total gzip bytes and each response's."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    responses, problems = [], []

    def route(route):
        request_url = route.request.url
        if request_url.startswith(url.split("/", 3)[0] + "//" + url.split("/", 3)[2]):
            route.continue_()
            return
        try:
            local = cdn_file(request_url)
        except LookupError as error:
            problems.append(str(error))
            route.abort()
            return
        route.fulfill(status=200, body=local.read_bytes(),
                      headers={"content-type": "application/javascript; charset=utf-8"})

    def on_finished(request):
        response = request.response()
        if response is None:
            return
        body = response.body()
        size = _transfer_size(body, response.headers.get("content-type", ""))
        responses.append((request.url, size))

    page.route("**/*", route)
    page.on("requestfinished", on_finished)
    page.goto(url, wait_until="load")
    charts = scroll_and_wait_for_charts(page, CHARTS)
    page.wait_for_load_state("networkidle")
    context.close()
    if problems:
        raise RuntimeError(f"{url}: requests with no local answer: {problems}")
    return {"url": url, "bytes": sum(size for _, size in responses), "charts": charts,
            "responses": sorted(responses, key=lambda item: -item[1])}


STOCK_CONFIG = "title: A stock book\nauthor: Benchmark\nexecute:\n  execute_notebooks: force\n"
STOCK_TOC = "format: jb-book\nroot: intro\nchapters:\n  - file: chart\n"
STOCK_CELL = textwrap.dedent("""\
    import altair as alt
    import pandas as pd

    table = pd.DataFrame({"period": ["2002-2003", "2004-2005", "2006-2007"], "cases": [12, 30, 41]})
    alt.Chart(table, title="Cases by period").mark_bar().encode(x="period", y="cases")
""")


def build_stock_book(folder: Path) -> Path:
    """A minimal stock Jupyter Book 1.x: an intro and one notebook page with one Altair chart,
    built by the same installed jupyter-book with no configuration of the book's. Returns the
    chart page's HTML path."""
    import nbformat

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_config.yml").write_text(STOCK_CONFIG, encoding="utf-8")
    (folder / "_toc.yml").write_text(STOCK_TOC, encoding="utf-8")
    (folder / "intro.md").write_text("# A stock book\n\nOne page with one chart follows.\n",
                                     encoding="utf-8")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# One chart"),
                      nbformat.v4.new_code_cell(STOCK_CELL)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, folder / "chart.ipynb")
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("SETO2018")}
    result = subprocess.run([str(JUPYTER_BOOK), "build", str(folder)], capture_output=True,
                            text=True, env=env, timeout=600)
    page = folder / "_build" / "html" / "chart.html"
    if result.returncode != 0 or not page.exists():
        raise RuntimeError(f"the stock book did not build:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return page


def measure(site: Path, pages: list[str], stock_folder: Path) -> dict:
    """Weigh each of the book's ``pages`` (paths without .html) and the stock chart page."""
    from playwright.sync_api import sync_playwright

    stock_page = build_stock_book(stock_folder)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            with serve(stock_page.parent) as base:
                stock = weigh(browser, base + "chart.html")
            with serve(site) as base:
                book = {page: weigh(browser, base + f"{page}.html") for page in pages}
        finally:
            browser.close()
    if not stock["charts"]:
        raise RuntimeError("the stock page has no chart container: Altair's output changed?")
    return {"stock": stock, "book": book}


if __name__ == "__main__":
    import tempfile

    from seto2018 import toc

    # By default every chapter page of the toc, as `make bench` weighs them.
    pages = sys.argv[1:] or [name for name in toc.files(ROOT / "_toc.yml")
                             if name.startswith("chapters/")]
    with tempfile.TemporaryDirectory() as tmp:
        result = measure(ROOT / "_build" / "html", pages, Path(tmp) / "stock")
    for page, cost in math_cost(ROOT / "_build" / "html", pages).items():
        print(f"{page}: {cost['formulas']} formulas, {cost['bytes'] / 1024:.1f} KB of MathML (gzip)")
    for name, weighed in [("stock", result["stock"]), *result["book"].items()]:
        print(f"{name}: {weighed['bytes'] / 1024:.1f} KB, {weighed['charts']} charts")
        for url, size in weighed["responses"][:12]:
            print(f"   {size / 1024:8.1f} KB  {url[-70:]}")
