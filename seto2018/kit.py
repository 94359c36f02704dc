"""The instructor's kit: one sampled dataset per student and an answer key computed from each.

::

    python -m seto2018 data --students roster.csv --out kit/ [--assignment NAME]

writes ``kit/<student_id>/`` (a dataset drawn in sample mode with the student's own seed) for
every student of the roster, and ``kit/answer_key.csv``.

**Roster.** A CSV file, UTF-8 (a byte-order mark is accepted), with a header line that has a
``student_id`` column; other columns are ignored. A student ID names a folder, so it must be
1 to 64 characters from the ASCII letters, digits and ``. _ - @ +``, begin with a letter or a
digit and not end with ``.`` (this rules out path separators, ``.`` and ``..``, spaces and
control characters, and names Windows cannot hold). IDs must be unique, ignoring case (macOS and
Windows folders ignore it). Nothing is trimmed or corrected: a bad line is an error naming the
file, the line, the column and the rule.

**Seed.** :func:`student_seed`: the first 48 bits of the SHA-256 of the assignment name and the
student ID, so it is the same on every run, machine and Python version, differs between
assignments, and stays below 2**53 (exact in JSON, spreadsheets show all its digits).

**Answer key.** "The same code the solutions use": every computing exercise's solution shows its
code, and the hidden cell right after it runs exactly that code (``check_solution_code`` enforces
it) and glues the answers under names starting ``ex_``. The kit executes each chapter that reads
the data, unchanged, in a kernel whose ``SETO2018_DATA`` names the student's folder (one kernel
per student, its namespace cleared before each chapter), and collects every ``ex_*`` value glued
after a ``{solution}``. The kernel runs with ``PYTHONOPTIMIZE=1``: the chapters' ``assert``
lines, which check the book's dataset against the *published* numbers a sampled dataset need not
match, are skipped; every other line runs.

Key columns: ``student_id, assignment, seed, chapter, exercise, answer, value``. ``value`` is text,
formatted as the book prints it: with the format its ``{glue:text}`` role gives it in the chapter
(e.g. ``:.3f``, ``:.1%``), by the same function MyST-NB uses; a value the text never shows is
printed as is, a float to 4 significant figures. An exercise whose hidden cell glues no value
gets one row, answer ``printed output``, holding what its code printed. A cell that fails gives a
row with answer ``ERROR`` and the exception, never a silent gap, and the command exits non-zero.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import ROOT, synth
from .data import DATA_VARIABLE, DataError

__all__ = ["ROSTER_COLUMN", "DEFAULT_ASSIGNMENT", "KEY_COLUMNS", "KEY_FILE", "read_roster",
           "student_seed", "write_datasets", "data_chapters", "check_solution_code",
           "answer_rows", "answer_key", "make_kit"]

ROSTER_COLUMN = "student_id"
DEFAULT_ASSIGNMENT = "seto2018"
KEY_FILE = "answer_key.csv"
KEY_COLUMNS = ("student_id", "assignment", "seed", "chapter", "exercise", "answer", "value")
CHAPTERS = ROOT / "chapters"
PRINTED = "printed output"
ERROR = "ERROR"

_ID_MAX = 64
_ID_CHARS = re.compile(r"[A-Za-z0-9._@+-]")
_ID_RULE = (f"a student ID names a folder: 1 to {_ID_MAX} characters from the letters A-Z, "
            "a-z, digits and . _ - @ +, beginning with a letter or digit, not ending with '.'")
_SEED_BITS = 48
_CELL_TIMEOUT = 600  # seconds for one cell; a chapter's slowest cell takes a few


# ------------------------------------------------------------------------------------ the roster
def _id_problem(student_id: str) -> str | None:
    """Why an ID cannot name a student's folder, or None when it can."""
    if student_id == "":
        return "the student ID is empty"
    if student_id != student_id.strip():
        return "the student ID begins or ends with a space"
    bad = next((c for c in student_id if not _ID_CHARS.fullmatch(c)), None)
    if bad is not None:
        return f"character {json.dumps(bad, ensure_ascii=False)} is not allowed"
    if not student_id[0].isalnum():
        return f"the student ID begins with {json.dumps(student_id[0])}"
    if student_id.endswith("."):
        return "the student ID ends with '.'"
    if len(student_id) > _ID_MAX:
        return f"the student ID has {len(student_id)} characters"
    return None


def read_roster(path: str | Path) -> list[str]:
    """The student IDs of a roster CSV, in file order; :class:`DataError` on any bad line."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise DataError("roster file not found", file=name) from None
    except UnicodeDecodeError as error:
        raise DataError(f"the roster is not UTF-8 text ({error.reason} at byte {error.start}); "
                        "save it as CSV UTF-8", file=name) from None
    reader = csv.reader(text.splitlines(keepends=True))
    header = next(reader, None)
    if not header:
        raise DataError(f"the roster is empty (it needs a header line with a {ROSTER_COLUMN} "
                        "column and a line per student)", file=name)
    if header.count(ROSTER_COLUMN) != 1:
        found = "twice" if header.count(ROSTER_COLUMN) > 1 else "not found"
        raise DataError(f"{found} in the header line {json.dumps(header, ensure_ascii=False)} "
                        f"(a roster has one {ROSTER_COLUMN} column; other columns are ignored)",
                        file=name, line=1, column=ROSTER_COLUMN)
    column = header.index(ROSTER_COLUMN)
    ids: list[str] = []
    first_line: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(field.strip() for field in row):  # a blank line, as spreadsheets leave
            continue
        student_id = row[column] if column < len(row) else ""
        problem = _id_problem(student_id)
        if problem:
            raise DataError(f"{problem} (value {json.dumps(student_id, ensure_ascii=False)}; "
                            f"{_ID_RULE})", file=name, line=line, column=ROSTER_COLUMN)
        folded = student_id.casefold()
        if folded in first_line:
            raise DataError(f"student ID {json.dumps(student_id)} repeats line "
                            f"{first_line[folded]} (IDs must be unique, ignoring case, as each "
                            "names a folder)", file=name, line=line, column=ROSTER_COLUMN)
        first_line[folded] = line
        ids.append(student_id)
    if not ids:
        raise DataError("the roster has a header line but no students", file=name)
    return ids


# ----------------------------------------------------------------------------------- the seeds
def check_assignment(assignment: str) -> str:
    """An assignment name: any text that is not empty, untrimmed or with control characters."""
    if (not isinstance(assignment, str) or not assignment or assignment != assignment.strip()
            or any(ord(c) < 32 or ord(c) == 127 for c in assignment)):
        raise DataError(f"assignment name {json.dumps(assignment)} must be non-empty text with no "
                        "leading or trailing space and no control characters")
    return assignment


def student_seed(student_id: str, assignment: str) -> int:
    """A student's seed for an assignment: 48 bits of SHA-256 of both, stable everywhere."""
    # JSON of the pair: unambiguous ("a", "bc" differs from "ab", "c"), the same bytes everywhere.
    message = json.dumps([check_assignment(assignment), student_id], ensure_ascii=False)
    digest = hashlib.sha256(message.encode("utf-8")).digest()
    return int.from_bytes(digest[:_SEED_BITS // 8], "big")


def write_datasets(student_ids: list[str], out: str | Path, assignment: str) -> dict[str, int]:
    """Write ``<out>/<student_id>/`` for each student, a sample-mode dataset (a replication of
    the study, drawn from the population its published targets describe, at the study's sizes);
    return each student's seed."""
    seeds = {}
    for student_id in student_ids:
        seeds[student_id] = seed = student_seed(student_id, assignment)
        tables = synth.generate(seed, mode="sample")
        synth.write(tables, Path(out) / student_id, seed=seed, mode="sample")
    return seeds


# ------------------------------------------------------------------------ the chapters' solutions
def _source(cell) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


#: Chapters that read the book's data for their checks but whose exercises answer from the
#: population (simulations): their answers are the same for every student, so the key skips them.
SAME_FOR_EVERY_STUDENT = ("how-sure-could-the-study-be",)


def data_chapters() -> list[Path]:
    """The chapter notebooks whose code reads a dataset (``load(...)``), in the toc's order,
    except those of :data:`SAME_FOR_EVERY_STUDENT`."""
    order = re.findall(r"file:\s*chapters/(\S+)", (ROOT / "_toc.yml").read_text(encoding="utf-8"))
    paths = [CHAPTERS / f"{stem}.ipynb" for stem in order if stem not in SAME_FOR_EVERY_STUDENT]
    return [p for p in paths if p.exists() and any(
        c["cell_type"] == "code" and re.search(r"\bload\(", _source(c))
        for c in _read_notebook(p)["cells"])]


_SOLUTION = re.compile(r"^[`:]{3,}\{solution\}\s+(\S+)", re.M)
_PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.M | re.S)


def _is_hidden_code(cell) -> bool:
    return cell["cell_type"] == "code" and "remove-cell" in cell.get("metadata", {}).get("tags", [])


def check_solution_code(path: Path) -> list[str]:
    """Problems with "the same code": every ```python block of a solution must be the start of
    the hidden code cell right after the solution's cell. Returns one message per problem."""
    cells = _read_notebook(path)["cells"]
    problems = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "markdown" or not _SOLUTION.search(_source(cell)):
            continue
        shown = "\n".join(b.rstrip("\n") for b in _PYTHON_BLOCK.findall(_source(cell)))
        if not shown:
            continue
        label = _SOLUTION.findall(_source(cell))[-1]
        after = cells[index + 1] if index + 1 < len(cells) else None
        if after is None or not _is_hidden_code(after):
            problems.append(f"{path.name}, solution {label}: no hidden (remove-cell) code cell "
                            "right after it")
        elif not _source(after).startswith(shown):
            problems.append(f"{path.name}, solution {label}: the hidden cell after it does not "
                            "begin with the solution's code")
    return problems


_GLUE_ROLE = re.compile(r"\{glue(?::text)?\}`(\w+)(?::([^`]*))?`")


def _glue_formats(cells) -> dict[str, str]:
    """The format each glued name is shown with in the chapter's text (its first use)."""
    formats: dict[str, str] = {}
    for cell in cells:
        if cell["cell_type"] == "markdown":
            for name, spec in _GLUE_ROLE.findall(_source(cell)):
                formats.setdefault(name, spec)
    return formats


def _format(text_plain: str, spec: str | None) -> str:
    """A glued value as the book prints it (MyST-NB's own formatter), else a plain rule."""
    from myst_nb.core.variables import format_plain_text
    if spec:
        return format_plain_text(text_plain, spec)
    value = format_plain_text(text_plain, "")
    try:
        number = float(value)
    except ValueError:
        return value
    return value if re.fullmatch(r"-?\d+", value) else format(number, ".4g")


def _glued(output) -> tuple[str, str] | None:
    """(name, text/plain) of a MyST-NB glue output, else None."""
    record = output.get("metadata", {}).get("scrapbook")
    if output.get("output_type") != "display_data" or not record:
        return None
    data = output["data"]
    text = data.get(record.get("mime_prefix", "") + "text/plain", data.get("text/plain"))
    return record["name"], "".join(text) if isinstance(text, list) else text


def _error_text(output) -> str:
    return f"{output['ename']}: {output['evalue']}".strip()


def answer_rows(notebook: dict, chapter: str) -> list[dict]:
    """The answers of an executed chapter: (chapter, exercise, answer, value) rows.

    Each ``ex_*`` glue belongs to the solution whose markdown cell precedes it; a failed cell's
    error is recorded against that solution (or the chapter, before any solution).
    """
    cells = notebook["cells"]
    formats = _glue_formats(cells)
    rows, exercise, answered = [], "", set()
    printed: dict[str, str] = {}
    for cell in cells:
        if cell["cell_type"] == "markdown":
            labels = _SOLUTION.findall(_source(cell))
            exercise = labels[-1] if labels else exercise
            continue
        if cell["cell_type"] != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                rows.append(dict(chapter=chapter, exercise=exercise, answer=ERROR,
                                 value=_error_text(output)))
                answered.add(exercise)
            glued = _glued(output)
            if glued and glued[0].startswith("ex_"):
                if not exercise:
                    raise ValueError(f"{chapter}: {glued[0]} is glued before any solution")
                name, text = glued
                rows.append(dict(chapter=chapter, exercise=exercise, answer=name,
                                 value=_format(text, formats.get(name))))
                answered.add(exercise)
            if exercise and _is_hidden_code(cell) and output.get("name") == "stdout":
                printed[exercise] = printed.get(exercise, "") + "".join(output["text"])
    for label, text in printed.items():
        if label not in answered:
            rows.append(dict(chapter=chapter, exercise=label, answer=PRINTED,
                             value=text.rstrip("\n")))
    return rows


# ------------------------------------------------------------------------------ running chapters
def _kernel_env(data_folder: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONOPTIMIZE="1", **{DATA_VARIABLE: str(data_folder.resolve())})
    # The kernel imports this very package (the one that wrote the data), whatever is installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("SETO2018_BOOK", None)  # charts need not be written for the book's pages
    return env


def _execute(paths: list[Path], data_folder: Path) -> list[dict]:
    """Run chapters, unchanged, on one dataset; failed cells keep their error in their outputs.

    One kernel runs them in turn, its namespace cleared before each (``%reset -f``), so every
    chapter starts from nothing but the modules already imported: that saves importing pandas,
    statsmodels and Altair again for each chapter, most of a chapter's time.
    """
    import nbclient
    import nbformat

    notebooks = [nbformat.read(path, as_version=4) for path in paths]
    client = nbclient.NotebookClient(notebooks[0], kernel_name="python3", timeout=_CELL_TIMEOUT,
                                     allow_errors=True,
                                     resources={"metadata": {"path": str(CHAPTERS)}})
    with client.setup_kernel(env=_kernel_env(data_folder)):
        for notebook in notebooks:
            # The reset runs as a cell of the notebook, then leaves it: nbclient stores each
            # executed cell back at its index.
            notebook.cells.insert(0, nbformat.v4.new_code_cell("%reset -f"))
            client.nb = notebook
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)
            del notebook.cells[0]
    return notebooks


def _cores() -> int:
    """The cores this process may use (a container's share, where the OS says it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def answer_key(folders: dict[str, Path], seeds: dict[str, int], assignment: str,
               chapters: list[Path] | None = None, workers: int | None = None) -> list[dict]:
    """Execute each chapter on each student's folder (students in parallel, one kernel each, as
    many at a time as cores) and return the key's rows, in roster then chapter order."""
    chapters = data_chapters() if chapters is None else list(chapters)
    problems = [problem for path in chapters for problem in check_solution_code(path)]
    if problems:
        raise ValueError("solutions and their hidden cells differ:\n" + "\n".join(problems))
    students = list(folders)
    with ThreadPoolExecutor(max_workers=workers or _cores()) as pool:
        executed = list(pool.map(lambda student: _execute(chapters, folders[student]), students))
    rows = []
    for student, notebooks in zip(students, executed):
        for path, notebook in zip(chapters, notebooks):
            for row in answer_rows(notebook, path.stem):
                rows.append(dict(student_id=student, assignment=assignment,
                                 seed=seeds[student], **row))
    return rows


def _write_key(rows: list[dict], path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=KEY_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@dataclass
class Kit:
    """What :func:`make_kit` wrote."""

    folders: dict[str, Path]
    seeds: dict[str, int]
    key: Path
    rows: list[dict]
    seconds: float

    @property
    def errors(self) -> list[dict]:
        return [row for row in self.rows if row["answer"] == ERROR]


def make_kit(roster: str | Path, out: str | Path, assignment: str = DEFAULT_ASSIGNMENT,
             chapters: list[Path] | None = None, workers: int | None = None) -> Kit:
    """Read the roster, write each student's dataset and the answer key into ``out``."""
    assignment = check_assignment(assignment)
    student_ids = read_roster(roster)
    out = Path(out)
    start = time.perf_counter()
    seeds = write_datasets(student_ids, out, assignment)
    folders = {student: out / student for student in student_ids}
    rows = answer_key(folders, seeds, assignment, chapters=chapters, workers=workers)
    key = out / KEY_FILE
    _write_key(rows, key)
    return Kit(folders, seeds, key, rows, time.perf_counter() - start)

