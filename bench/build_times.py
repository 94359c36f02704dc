"""Build times, on a copy of the book in a temporary folder (the working tree's _build is left
alone): a clean build (no _build, so no execution cache: every notebook runs), a rebuild with no
change, and a rebuild after editing one chapter's code, which must execute that chapter only.

The copy builds with its own `seto2018` package (PYTHONPATH), as `make book` in a checkout does.
Which notebooks ran is read from the build log: MyST-NB logs "Executing notebook" for each.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT

from seto2018 import toc

JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
EXECUTED = re.compile(r"(\S+\.ipynb): Executing notebook")
EXECUTED_IN = re.compile(r"(\S+\.ipynb): Executed notebook in ([0-9.]+) seconds")
EDITED_CHAPTER = "chapters/measures.ipynb"


def simulation_chapter(book: Path = ROOT) -> str:
    """The chapter whose metadata ``seto2018.role`` is ``simulation`` (1,000 replications,
    budgeted to execute in under a minute), as a path from the book's root."""
    found = toc.chapters(book / "_toc.yml", roles=("simulation",))
    if len(found) != 1:
        raise RuntimeError(f"{book / '_toc.yml'}: expected one chapter with seto2018.role "
                           f"'simulation', found {[p.name for p in found]}")
    return found[0].relative_to(book).as_posix()


#: The simulation chapter, found by its role.
SIMULATION_CHAPTER = simulation_chapter()


def copy_book(target: Path) -> Path:
    """The book's files as git sees them (tracked, and new files not ignored) under ``target``."""
    listing = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                             capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listing):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def build(book: Path) -> dict:
    """`make book`'s command on ``book``: seconds taken and the notebooks it executed."""
    env = {**os.environ, "PYTHONPATH": str(book)}
    start = time.perf_counter()
    result = subprocess.run([str(JUPYTER_BOOK), "build", str(book), "--warningiserror", "--nitpick",
                             "--keep-going"], capture_output=True, text=True, env=env, timeout=1800)
    seconds = time.perf_counter() - start
    log = ANSI.sub("", result.stdout + result.stderr)
    if result.returncode != 0:
        raise RuntimeError(f"the book's build failed in {book}:\n{log[-4000:]}")
    def relative(path: str) -> str:
        return Path(path).resolve().relative_to(book.resolve()).as_posix()

    executed = sorted({relative(path) for path in EXECUTED.findall(log)})
    notebook_seconds = {relative(path): float(s) for path, s in EXECUTED_IN.findall(log)}
    return {"seconds": seconds, "executed": executed, "notebook_seconds": notebook_seconds}


def edit_one_chapter(book: Path, chapter: str = EDITED_CHAPTER) -> None:
    """Change ``chapter``'s code as an author would: one more code cell at its end."""
    path = book / chapter
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["cells"].append({"id": "bench-edit", "cell_type": "code", "execution_count": None,
                              "metadata": {"tags": ["remove-cell"]}, "outputs": [],
                              "source": "bench_edit = 1  # added by bench/build_times.py"})
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def chapters(book: Path) -> list[str]:
    """The book's notebooks, as its toc lists them, as paths from its root (sorted)."""
    return sorted(path.relative_to(book).as_posix() for path in toc.chapters(book / "_toc.yml"))


def measure_clean_and_unchanged(book: Path) -> dict:
    clean = build(book)
    unchanged = build(book)
    return {"clean": clean, "unchanged": unchanged, "chapters": chapters(book)}


def measure_one_edit(book: Path) -> dict:
    edit_one_chapter(book)
    edited = build(book)
    edited["edited"] = EDITED_CHAPTER
    return edited
