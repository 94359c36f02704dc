"""What the benchmarks share: a local static server, the browser, and the table of figures."""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import gzip
import http.server
import os
import threading
from pathlib import Path

from seto2018.sphinxext import SCROLL_THROUGH

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium calls Google's hosts at start-up: not the page's doing.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclasses.dataclass
class Figure:
    """One measured figure beside its budget. ``budget`` is a maximum unless ``at_least``."""

    name: str
    value: float | None  # None: not measured (``note`` says why)
    budget: float | None
    unit: str
    stock: str = ""  # the stock Jupyter Book's figure, where there is one to compare
    at_least: bool = False
    note: str = ""
    exact: bool | None = None  # a further condition the figure must meet (see ``note``)

    @property
    def ok(self) -> bool | None:
        if self.exact is False:
            return False
        if self.budget is None:
            return True if self.value is not None else None
        if self.value is None:
            return None
        return self.value >= self.budget if self.at_least else self.value <= self.budget


COMPRESSIBLE = ("text/", "javascript", "json", "xml", "svg")


class _StaticHostHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files as a static host does (GitHub Pages, nginx): text gzip-compressed when the
    browser accepts it. Python's own server sends everything uncompressed, which would make
    Lighthouse time a 400 KB stylesheet that a reader receives as 65 KB."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        content_type = self.guess_type(str(path))
        if ("gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file()
                or not any(kind in content_type for kind in COMPRESSIBLE)):
            return super().do_GET()
        body = _gzipped(path, path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@functools.lru_cache(maxsize=512)
def _gzipped(path: Path, _mtime_ns: int) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6)


@contextlib.contextmanager
def serve(directory: Path):
    """Serve ``directory`` on localhost (an ephemeral port), as a static host would; yield
    the base URL."""
    handler = functools.partial(_StaticHostHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "not measured"
    if unit == "KB":
        return f"{value:,.1f} KB"
    if unit == "s":
        return f"{value:,.1f} s" if value >= 10 else f"{value:.2f} s"
    if unit == "score":
        return f"{value:.2f}"
    if unit == "notebooks":
        return f"{value:g} notebook" + ("" if value == 1 else "s")
    return f"{value:g} {unit}".strip()


def print_table(figures: list[Figure]) -> None:
    rows = [("figure", "measured", "budget", "stock Jupyter Book", "status")]
    for f in figures:
        budget = "" if f.budget is None else ("≥ " if f.at_least else "≤ ") + _number(f.budget, f.unit)
        status = {True: "ok", False: "OVER", None: "not measured"}[f.ok]
        if f.ok is False and f.at_least:
            status = "UNDER"
        rows.append((f.name, _number(f.value, f.unit), budget, f.stock, status))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    for f in figures:
        if f.note:
            print(f"  {f.name}: {f.note}")




def scroll_and_wait_for_charts(page, selector: str, timeout_ms: int = 60_000) -> int:
    """Scroll ``page`` top to bottom, then wait until every ``selector`` holds an SVG or canvas.
    Returns how many charts the page has."""
    import json

    charts = page.locator(selector).count()
    if charts:
        page.evaluate(SCROLL_THROUGH)
        page.wait_for_function(
            f"n => [...document.querySelectorAll({json.dumps(selector)})]"
            ".filter(c => c.querySelector('svg, canvas')).length >= n", arg=charts, timeout=timeout_ms)
    return charts
