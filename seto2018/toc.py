"""The book's structure, read from explicit metadata: the one reader of each piece.

- **Pages, in order:** ``_toc.yml``, parsed as YAML (Jupyter Book's ``jb-book`` format: a
  ``root`` page, then ``parts``, each with a ``caption`` and ``chapters``; an entry is a ``file``,
  a path without suffix from the book's root, and may hold ``sections``).
- **A chapter's role:** the notebook's metadata ``seto2018.role``, beside its ``description``:
  one of :data:`ROLES`.
- **An exercise's answer cell:** a hidden code cell (tag ``remove-cell``) tagged ``solution``,
  whose metadata ``seto2018.answers`` names the exercise (the label of its ``{solution}``
  directive). It re-runs the solution's code and glues the answers; the answer key reads it
  (:mod:`seto2018.kit`) and the student's edition removes it (:mod:`seto2018.editions`).

Nothing else in the package, the tests or the benchmarks parses the toc or guesses these from a
cell's position or a regular expression over code.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from . import ROOT

__all__ = ["TOC_FILE", "ROLES", "SOLUTION_TAG", "HIDDEN_TAG", "Part", "files", "parts", "source",
           "chapters", "role", "answers", "is_solution_cell"]

TOC_FILE = ROOT / "_toc.yml"
_SUFFIXES = (".ipynb", ".md")

#: A chapter's ``seto2018.role``, and what it means for the kit.
ROLES = {
    "no-data": "reads no dataset",
    "simulation": "reads the dataset for its checks, but its exercises answer from the "
                  "population: the same answers for every student, so the kit skips it",
    "dataset": "reads the dataset: the kit answers its exercises on each student's data",
}
#: The tag of a cell that answers an exercise (the student's edition removes it)...
SOLUTION_TAG = "solution"
#: ...and the tag that hides it from the page.
HIDDEN_TAG = "remove-cell"


# ------------------------------------------------------------------------------------- the toc
@dataclass(frozen=True)
class Part:
    """A part of the book: its caption and its pages' files (without suffix), in order."""

    caption: str
    files: tuple[str, ...]


def _read(path: Path) -> dict:
    import yaml

    try:
        toc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{path}: the table of contents is missing") from None
    if not isinstance(toc, dict) or "root" not in toc:
        raise ValueError(f"{path}: not a Jupyter Book table of contents (no `root:` page)")
    return toc


def _walk(entries, where: str) -> list[str]:
    """The ``file`` of each entry and of its ``sections``, depth first."""
    found = []
    for number, entry in enumerate(entries or [], 1):
        if not isinstance(entry, dict):
            raise ValueError(f"{where}, entry {number}: expected `- file: ...`, found {entry!r}")
        if "file" in entry:
            found.append(str(entry["file"]))
        found += _walk(entry.get("sections"), f"{where}, entry {number}")
    return found


def parts(path: Path = TOC_FILE) -> list[Part]:
    """The toc's parts in order (a toc without parts is one part with no caption)."""
    toc = _read(path)
    if "parts" not in toc:
        return [Part("", tuple(_walk(toc.get("chapters"), str(path))))]
    return [Part(str(part.get("caption", "")),
                 tuple(_walk(part.get("chapters"), f"{path}, part {number}")))
            for number, part in enumerate(toc["parts"], 1)]


def files(path: Path = TOC_FILE) -> list[str]:
    """Every page of the toc as a path without suffix (``chapters/measures``), in reading
    order, the root page first."""
    return [str(_read(path)["root"])] + [name for part in parts(path) for name in part.files]


def chapters(path: Path = TOC_FILE, roles: tuple[str, ...] | None = None) -> list[Path]:
    """The toc's notebooks (the chapters) as paths, in reading order; with ``roles``, only the
    chapters with one of them. A toc entry with no source file is an error naming it."""
    found = []
    for name in files(path):
        existing = [source for source in (path.parent / f"{name}{suffix}" for suffix in _SUFFIXES)
                    if source.exists()]
        if not existing:
            raise ValueError(f"{path}: `file: {name}` has no source ({name}.ipynb or {name}.md)")
        if existing[0].suffix == ".ipynb" and (roles is None or role(existing[0]) in roles):
            found.append(existing[0])
    return found


# ------------------------------------------------------------------------------ chapter roles
def role(notebook: Path | dict, where: str | None = None) -> str:
    """A chapter's role, from its metadata ``seto2018.role``; an error names the notebook and
    the allowed roles when it is missing or unknown."""
    if isinstance(notebook, Path):
        where = where or str(notebook)
        notebook = json.loads(notebook.read_text(encoding="utf-8"))
    found = notebook.get("metadata", {}).get("seto2018", {}).get("role")
    if found not in ROLES:
        allowed = ", ".join(f'"{name}" ({meaning})' for name, meaning in ROLES.items())
        raise ValueError(f"{where or 'the notebook'}: metadata seto2018.role is {found!r}; "
                         f"set it to one of {allowed}")
    return found


# ------------------------------------------------------------------------ exercises' answer cells
def source(cell: dict) -> str:
    """A cell's source as one string (a notebook stores it as a string or a list of lines)."""
    text = cell.get("source", "")
    return text if isinstance(text, str) else "".join(text)


def answers(cell: dict) -> str | None:
    """The exercise label a cell answers (its metadata ``seto2018.answers``), else None."""
    label = cell.get("metadata", {}).get("seto2018", {}).get("answers")
    return str(label) if label else None


def is_solution_cell(cell: dict) -> bool:
    """A cell the student's edition removes: tagged ``solution``."""
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])
