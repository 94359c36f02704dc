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
