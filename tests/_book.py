"""What several test files read from the book's sources: the toc and the pages' text."""
from __future__ import annotations

import json
from pathlib import Path

from seto2018 import toc

ROOT = Path(__file__).resolve().parent.parent


def toc_files() -> list[str]:
    """Every file of _toc.yml (without suffix), in reading order, root first."""
    return toc.files(ROOT / "_toc.yml")


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def cell_text(path: Path, kind: str | None = None) -> str:
    """A notebook's cells of one kind (or all), joined."""
    return "\n".join("".join(c["source"]) for c in cells(path) if kind in (None, c["cell_type"]))


def tiny_site(folder: Path, conf: str, index: tuple[str, str]) -> tuple[object, str, str]:
    """Build a one-page Sphinx site in ``folder``: ``conf`` is its conf.py, ``index`` the
    page's (suffix, text). Returns (the application, its warnings, the page's HTML). Warnings
    that only say a second application in this process re-registered docutils' node classes
    are left out."""
    import io

    from sphinx.application import Sphinx

    suffix, text = index
    (folder / "conf.py").write_text(conf, encoding="utf-8")
    (folder / f"index{suffix}").write_text(text, encoding="utf-8")
    warnings = io.StringIO()
    app = Sphinx(str(folder), str(folder), str(folder / "_build"), str(folder / "_doctrees"),
                 "html", status=io.StringIO(), warning=warnings, freshenv=True)
    app.build()
    own = "\n".join(line for line in warnings.getvalue().splitlines()
                    if "is already registered" not in line)
    return app, own, (folder / "_build" / "index.html").read_text(encoding="utf-8")
