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
code, and the exercise's answer cell runs exactly that code (``check_solution_code`` enforces
it) and glues the answers under names starting ``ex_``. An answer cell is a hidden code cell
tagged ``remove-cell`` and ``solution`` whose metadata ``seto2018.answers`` names the exercise's
label (:mod:`seto2018.toc`): the kit reads the label from there, not from where the cell stands.
The kit executes each chapter whose ``seto2018.role`` is ``dataset``, unchanged, as a student
would run it: in a Jupyter kernel whose ``SETO2018_DATA`` names the student's folder, every line
run, asserts included. The chapters' checks against the report's numbers skip themselves on any
dataset but the book's (:mod:`seto2018.checks`). It collects every ``ex_*`` value the answer
cells glue.

**Speed.** One kernel per core (``workers``), each answering for one student after another:
it starts and imports the chapters' modules once, then for each student sets ``SETO2018_DATA``
and clears its namespace (``%reset -f``) before each chapter, so a chapter starts from nothing
but the modules already imported, as in a fresh kernel.

**Stopping and starting again.** Each student's answers are written as soon as that student is
done, to ``kit/.answers/<student_id>.csv`` (with a ``.json`` record of what they were computed
from), never into the student's own folder. A run that stopped, or a roster that grew, is taken
up where it was left: a student whose dataset is there with their seed and whose answers are
complete, error-free and computed by the same chapters, package and published tables is not
computed again; any other student (one with an ``ERROR`` row included) is. The key is assembled
from every student's answers at the end.

Key columns: ``student_id, assignment, seed, chapter, exercise, answer, value, varies``.
``value`` is text, formatted as the book prints it: with the format its ``{glue:text}`` role
gives it in the chapter (e.g. ``:.3f``, ``:.1%``), by the same function MyST-NB uses
(:func:`seto2018.adapters.format_glued_text`); a value the text never shows is printed as is, a
float to 4 significant figures. An exercise whose answer cell glues no value gets one row,
answer ``printed output``, holding what its code printed. A cell that fails gives a row with
answer ``ERROR`` and the exception (against the exercise it answers, or none), never a silent
gap, and the
command exits non-zero, naming the students. ``varies`` says whether the answer differs between
the roster's students (:func:`mark_varies`): ``yes``, ``no`` (every student has the same value, as
an answer read from a published table does: it shows nothing about copying) or ``unknown`` (fewer
than two students have it).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import queue
import re
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import DATA_DIR, ROOT, adapters, editions, synth, toc
from .data import DATA_VARIABLE, DataError

__all__ = ["ROSTER_COLUMN", "DEFAULT_ASSIGNMENT", "KEY_COLUMNS", "KEY_FILE", "ANSWERS_DIR",
           "read_roster", "student_seed", "write_datasets", "data_chapters",
           "check_solution_code", "answer_rows", "mark_varies", "make_kit"]

ROSTER_COLUMN = "student_id"
DEFAULT_ASSIGNMENT = "seto2018"
KEY_FILE = "answer_key.csv"
#: The key's columns; a student's own answers file (in :data:`ANSWERS_DIR`) has all but the last.
KEY_COLUMNS = ("student_id", "assignment", "seed", "chapter", "exercise", "answer", "value",
               "varies")
ANSWER_COLUMNS = KEY_COLUMNS[:-1]
#: ``<out>/.answers/``: each student's answers, kept as soon as they are computed. Not inside a
#: student's folder (that folder is handed to the student); a student ID cannot begin with ".".
ANSWERS_DIR = ".answers"
CHAPTERS = ROOT / "chapters"
PRINTED = "printed output"
ERROR = "ERROR"
VARIES, SAME, UNKNOWN = "yes", "no", "unknown"

_ID_MAX = 64
_ID_CHARS = re.compile(r"[A-Za-z0-9._@+-]")
_ID_RULE = (f"a student ID names a folder: 1 to {_ID_MAX} characters from the letters A-Z, "
            "a-z, digits and . _ - @ +, beginning with a letter or digit, not ending with '.'")
_SEED_BITS = 48
_CELL_TIMEOUT = 600  # seconds for one cell; a chapter's slowest cell takes a few
_START_TIMEOUT = 120  # seconds for a kernel to start and answer


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
def _read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def data_chapters() -> list[Path]:
    """The chapters the kit answers, in the toc's order: those whose metadata
    ``seto2018.role`` is ``dataset`` (a ``simulation`` chapter reads the data for its checks, but
    its answers come from the population, the same for every student)."""
    return toc.chapters(roles=("dataset",))


_PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.M | re.S)
#: A glue call of an answer's name (``ex_*``): only an answer cell may make one.
_GLUES_ANSWER = re.compile(r"""\bglue\(\s*f?["']ex_""")
_ANSWER_CELL_RULE = (f"an answer cell is a code cell tagged {toc.HIDDEN_TAG!r} and "
                     f"{toc.SOLUTION_TAG!r}, with metadata seto2018.answers = the label of its "
                     "{solution} directive, and begins with the solution's ```python code")


def _answer_cell_problem(cell: dict) -> str | None:
    tags = cell.get("metadata", {}).get("tags", [])
    if cell["cell_type"] != "code":
        return f"it is a {cell['cell_type']} cell"
    missing = [tag for tag in (toc.HIDDEN_TAG, toc.SOLUTION_TAG) if tag not in tags]
    return f"it lacks the tag(s) {', '.join(missing)}" if missing else None


def check_solution_code(path: Path) -> list[str]:
    """Problems with the exercises' answer cells, one message per problem: every solution that
    shows ```python code has exactly one answer cell (metadata ``seto2018.answers`` = its label)
    that begins with that code; every answer cell is hidden, tagged ``solution`` and answers a
    solution the chapter has; every cell tagged ``solution`` says which; no other cell glues an
    answer (an ``ex_*`` name), which the student's edition would keep."""
    cells = _read_notebook(path)["cells"]
    shown: dict[str, str] = {}
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "markdown":
            for label, body in editions.solutions(toc.source(cell), f"{path.name}, cell {index}"):
                shown[label] = "\n".join(b.rstrip("\n") for b in _PYTHON_BLOCK.findall(body))
    answering: dict[str, list[dict]] = {}
    problems = []
    for index, cell in enumerate(cells):
        label = toc.answers(cell)
        if label is None:
            if toc.is_solution_cell(cell):
                problems.append(f"{path.name}, cell {index} (id {cell.get('id')}): tagged "
                                f"{toc.SOLUTION_TAG!r} but no metadata seto2018.answers names "
                                f"its exercise ({_ANSWER_CELL_RULE})")
            elif cell["cell_type"] == "code" and _GLUES_ANSWER.search(toc.source(cell)):
                problems.append(f"{path.name}, cell {index} (id {cell.get('id')}): it glues an "
                                f"answer (ex_*) but answers no exercise ({_ANSWER_CELL_RULE})")
            continue
        answering.setdefault(label, []).append(cell)
        where = f"{path.name}, cell {index} (id {cell.get('id')}), answering {label}"
        if label not in shown:
            problems.append(f"{where}: no {{solution}} directive of the chapter has this label")
        if (problem := _answer_cell_problem(cell)):
            problems.append(f"{where}: {problem} ({_ANSWER_CELL_RULE})")
    for label, code in shown.items():
        found = answering.get(label, [])
        if len(found) > 1:
            problems.append(f"{path.name}, solution {label}: {len(found)} cells answer it "
                            "(one cell per exercise)")
        elif code and not found:
            problems.append(f"{path.name}, solution {label}: it shows python code but no cell "
                            f"answers it ({_ANSWER_CELL_RULE})")
        elif code and not toc.source(found[0]).startswith(code):
            problems.append(f"{path.name}, solution {label}: its answer cell does not begin with "
                            "the solution's code")
    return problems


_GLUE_ROLE = re.compile(r"\{glue(?::text)?\}`(\w+)(?::([^`]*))?`")


def _glue_formats(cells) -> dict[str, str]:
    """The format each glued name is shown with in the chapter's text (its first use)."""
    formats: dict[str, str] = {}
    for cell in cells:
        if cell["cell_type"] == "markdown":
            for name, spec in _GLUE_ROLE.findall(toc.source(cell)):
                formats.setdefault(name, spec)
    return formats


def _format(text_plain: str, spec: str | None) -> str:
    """A glued value as the book prints it (MyST-NB's own formatter), else a plain rule."""
    if spec:
        return adapters.format_glued_text(text_plain, spec)
    value = adapters.format_glued_text(text_plain, "")
    try:
        number = float(value)
    except ValueError:
        return value
    return value if re.fullmatch(r"-?\d+", value) else format(number, ".4g")


def _error_text(output) -> str:
    return f"{output['ename']}: {output['evalue']}".strip()


def answer_rows(notebook: dict, chapter: str) -> list[dict]:
    """The answers of an executed chapter: (chapter, exercise, answer, value) rows.

    Each ``ex_*`` glue belongs to the exercise its cell answers (metadata ``seto2018.answers``);
    a failed cell's error is recorded against that exercise (or none, for a cell that answers
    none). An ``ex_*`` glue in a cell that answers no exercise is an error.
    """
    cells = notebook["cells"]
    formats = _glue_formats(cells)
    rows, answered = [], set()
    printed: dict[str, str] = {}
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        exercise = toc.answers(cell) or ""
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                rows.append(dict(chapter=chapter, exercise=exercise, answer=ERROR,
                                 value=_error_text(output)))
                answered.add(exercise)
            glued = adapters.glued_output(output)
            if glued and glued[0].startswith("ex_"):
                if not exercise:
                    raise ValueError(f"{chapter}, cell {index}: {glued[0]} is glued in a cell "
                                     f"that answers no exercise ({_ANSWER_CELL_RULE})")
                name, text = glued
                rows.append(dict(chapter=chapter, exercise=exercise, answer=name,
                                 value=_format(text, formats.get(name))))
                answered.add(exercise)
            if exercise and output.get("name") == "stdout":
                printed[exercise] = printed.get(exercise, "") + "".join(output["text"])
    for label, text in printed.items():
        if label not in answered:
            rows.append(dict(chapter=chapter, exercise=label, answer=PRINTED,
                             value=text.rstrip("\n")))
    return rows


# ------------------------------------------------------------------------------ running chapters
#: Asks :mod:`seto2018.charts` to build every chart's spec from the student's data, as a
#: student's run does, but neither to draw it (outside the book's build it draws an SVG through
#: vl-convert) nor to validate it against the schema: the key reads no chart, and drawing and
#: validating the 48 charts took about a quarter of a student's time.
CHARTS_UNDRAWN = {"SETO2018_DRAW_CHARTS": "0"}  # charts.DRAW_ENV (importing it costs Altair)


def _kernel_env() -> dict[str, str]:
    """The kernels' environment: this process's, as a student's Jupyter would see it."""
    # The instructor's shell's settings of Python itself (optimisation, which would skip the
    # chapters' asserts; a start-up file; warning filters) do not reach the kernels: they run as
    # a fresh Jupyter runs for a student.
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("PYTHON") or name == "PYTHONPATH"}
    env.update(CHARTS_UNDRAWN)
    # The kernel imports this very package (the one that wrote the data), whatever is installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("SETO2018_BOOK", None)  # not the book's build: charts are not written for its pages
    env.pop(DATA_VARIABLE, None)  # set in the kernel, per student
    return env


def _imported_modules(texts: list[str]) -> list[str]:
    """The modules the chapters' code cells import at their top level, in order (with, for
    ``from a import b``, ``a.b``, which may or may not be a module)."""
    import ast

    modules: list[str] = []
    for text in texts:
        for cell in json.loads(text)["cells"]:
            if cell["cell_type"] != "code":
                continue
            try:
                tree = ast.parse(toc.source(cell))
            except SyntaxError:  # IPython syntax (a magic): the chapter runs it as it is
                continue
            for node in tree.body:
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    # "from seto2018 import charts": charts may be a module (tried, see below)
                    names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names
                                             if alias.name != "*"]
                else:
                    names = []
                modules += [name for name in names if name not in modules]
    return modules


#: A kernel's first cell. It imports the chapters' modules, once for all its students, then
#: freezes the objects they made out of the garbage collector's way (a full collection of
#: pandas, statsmodels and Altair's schema took 0.2 s, and ``%reset -f`` runs two per chapter).
_KERNEL_SETUP = """\
def _kit_setup(modules):
    import gc, importlib
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:
            pass  # not a module (a name from one), or it fails where the chapter will show it
    gc.collect()
    gc.freeze()
_kit_setup({modules!r})
del _kit_setup
"""
#: Before a student's chapters: their dataset, as SETO2018_DATA would give it to a student.
_STUDENT_SETUP = "import os as _os\n_os.environ[{variable!r}] = {folder!r}\ndel _os"
#: After a student: what their chapters imported stays, frozen as at the start.
_STUDENT_DONE = "import gc as _gc\n_gc.collect()\n_gc.freeze()\ndel _gc"


class _Stopped(Exception):
    """The run was interrupted: the student in progress is left for the next run."""


class KernelDied(RuntimeError):
    """A kit kernel's process ended while it ran a cell."""


class _Kernel:
    """One Jupyter kernel that runs the chapters for one student after another.

    Between students it sets ``SETO2018_DATA`` in the kernel (``load()`` reads it at each
    call); before each chapter it clears the namespace (``%reset -f``), so a chapter starts
    from nothing but the modules already imported, as in a fresh kernel. It runs each code cell
    as Jupyter does (execute request, outputs on the IOPub channel), driving the kernel with
    ``jupyter_client``'s own client: nbclient's took twice the CPU time in this process, time
    the kernels' cores then lacked. The kernel talks to this process over local sockets (IPC),
    not TCP, where the platform has them: nothing listens on the network, and IPython has no
    cause to warn that the connection is not encrypted.
    """

    def __init__(self, modules: list[str], scratch: Path):
        from jupyter_client.manager import KernelManager

        local = {"transport": "ipc", "ip": str(scratch / "kernel")} if os.name == "posix" else {}
        self.manager = KernelManager(kernel_name="python3", **local)
        # History in memory, as nbclient keeps it: kernels side by side share no SQLite file.
        self.manager.start_kernel(env=_kernel_env(), cwd=str(CHAPTERS),
                                  extra_arguments=["--HistoryManager.hist_file=:memory:"])
        self.client = self.manager.blocking_client()
        self.client.start_channels()
        try:
            self.client.wait_for_ready(timeout=_START_TIMEOUT)
            self.run(_KERNEL_SETUP.format(modules=modules))
        except BaseException:
            self.close()
            raise

    def _reply(self, get, msg_id: str, deadline: float) -> dict:
        """The next message on a channel that answers ``msg_id``; raises if the kernel dies or
        the deadline passes first."""
        while True:
            try:
                message = get(timeout=1)
            except queue.Empty:
                if not self.manager.is_alive():
                    raise KernelDied("the kernel's process ended") from None
                if time.monotonic() > deadline:
                    raise TimeoutError(f"a cell ran for more than {_CELL_TIMEOUT} s") from None
                continue
            if message["parent_header"].get("msg_id") == msg_id:
                return message

    def outputs(self, source: str) -> list[dict]:
        """Execute one cell's ``source``; return its outputs as a notebook stores them (an
        exception in the cell is an ``error`` output, not raised here)."""
        msg_id = self.client.execute(source, store_history=True, allow_stdin=False,
                                     stop_on_error=False)
        deadline = time.monotonic() + _CELL_TIMEOUT
        outputs: list[dict] = []
        clear_next = False
        while True:
            message = self._reply(self.client.get_iopub_msg, msg_id, deadline)
            kind, content = message["msg_type"], message["content"]
            if kind == "status" and content["execution_state"] == "idle":
                break
            if kind == "clear_output":
                clear_next = bool(content.get("wait"))
                if not clear_next:
                    outputs.clear()
                continue
            if kind not in ("stream", "display_data", "execute_result", "error"):
                continue
            if clear_next:
                outputs.clear()
                clear_next = False
            if kind == "stream":
                last = outputs[-1] if outputs else {}
                if last.get("output_type") == "stream" and last["name"] == content["name"]:
                    last["text"] += content["text"]
                else:
                    outputs.append(dict(output_type="stream", name=content["name"],
                                        text=content["text"]))
            elif kind == "error":
                outputs.append(dict(output_type="error", ename=content["ename"],
                                    evalue=content["evalue"], traceback=content["traceback"]))
            else:
                outputs.append(dict(output_type=kind, data=content["data"],
                                    metadata=content["metadata"]))
        self._reply(self.client.get_shell_msg, msg_id, deadline)  # keep that queue empty
        return outputs

    def run(self, source: str) -> None:
        """Run a cell of the kit's own (not a chapter's); raise if it fails."""
        failed = [o for o in self.outputs(source) if o["output_type"] == "error"]
        if failed:
            raise RuntimeError(f"the kit's cell {source.splitlines()[0]!r} failed: "
                               f"{_error_text(failed[0])}")

    def execute(self, notebook: dict, stop: threading.Event) -> None:
        """Run a chapter's code cells in order, as Jupyter's "Run All" does (cells tagged
        ``skip-execution`` are skipped, as the book's build skips them); each cell's outputs
        are stored in it, a failed cell's error included."""
        for cell in notebook["cells"]:
            if stop.is_set():
                raise _Stopped
            if (cell["cell_type"] == "code" and toc.source(cell).strip()
                    and "skip-execution" not in cell.get("metadata", {}).get("tags", [])):
                cell["outputs"] = self.outputs(toc.source(cell))

    def answer(self, chapters: list[Path], texts: list[str], folder: Path,
               stop: threading.Event) -> tuple[list[dict], bool]:
        """The answers of the chapters on one student's folder, and whether the kernel is
        still sound (False: it died or a cell ran out of time; the last row says so)."""
        self.run(_STUDENT_SETUP.format(variable=DATA_VARIABLE, folder=str(folder.resolve())))
        rows: list[dict] = []
        for path, text in zip(chapters, texts):
            notebook = json.loads(text)
            try:
                self.run("%reset -f")
                self.execute(notebook, stop)
            except _Stopped:
                raise
            except Exception as error:  # the kernel died, or a cell ran out of time
                rows += answer_rows(notebook, path.stem)
                rows.append(dict(chapter=path.stem, exercise="", answer=ERROR,
                                 value=f"the kernel stopped: {type(error).__name__}: {error}"))
                return rows, False
            rows += answer_rows(notebook, path.stem)
        self.run("%reset -f")
        self.run(_STUDENT_DONE)
        return rows, True

    def close(self) -> None:
        try:
            self.client.stop_channels()
            self.manager.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001 - a kernel that is already gone
            pass


def _execute(paths: list[Path], data_folder: Path) -> list[dict]:
    """Run chapters, unchanged, on one dataset in a kernel of the kit's; return the executed
    notebooks (failed cells keep their error in their outputs). For inspection and tests."""
    stop = threading.Event()
    notebooks = []
    with tempfile.TemporaryDirectory(prefix="seto2018-kit-") as scratch:
        kernel = _Kernel([], Path(scratch))
        try:
            kernel.run(_STUDENT_SETUP.format(variable=DATA_VARIABLE,
                                             folder=str(Path(data_folder).resolve())))
            for path in paths:
                notebook = _read_notebook(path)
                kernel.run("%reset -f")
                kernel.execute(notebook, stop)
                notebooks.append(notebook)
        finally:
            kernel.close()
    return notebooks


def _cores() -> int:
    """The cores this process may use (a container's share, where the OS says it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


# ------------------------------------------------------------------- answers, student by student
def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _code_digest(chapters: list[Path]) -> str:
    """What a student's answers depend on besides their data: the chapters run, the package's
    code and the published tables it reads. A change to any of them makes every student's
    answers out of date."""
    digest = hashlib.sha256(b"seto2018 kit answers 1\n")
    package = Path(__file__).resolve().parent
    published = Path(DATA_DIR) / "published"
    files = ([(f"chapter {p.stem}", p) for p in chapters]
             + [(f"package {p.relative_to(package)}", p) for p in sorted(package.rglob("*.py"))]
             + [(f"published {p.name}", p) for p in sorted(published.glob("*")) if p.is_file()])
    for name, path in files:
        digest.update(f"{name}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _write_atomic(path: Path, text: str) -> None:
    """Write a file whole or not at all: an interrupted run never leaves half a file."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8", newline="")
    os.replace(partial, path)


def _csv_text(rows: list[dict], columns: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _read_answers(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        if tuple(reader.fieldnames or ()) != ANSWER_COLUMNS:
            raise ValueError(f"{path}: its header is not {', '.join(ANSWER_COLUMNS)}")
        return list(reader)


@dataclass(frozen=True)
class _Answers:
    """Where one student's answers are kept between runs: ``<out>/.answers/<id>.csv`` (the
    key's rows for the student) and ``<id>.json`` (what they were computed from), written last."""

    folder: Path
    student_id: str

    @property
    def rows_file(self) -> Path:
        return self.folder / f"{self.student_id}.csv"

    @property
    def record_file(self) -> Path:
        return self.folder / f"{self.student_id}.json"

    def clear(self) -> None:
        self.record_file.unlink(missing_ok=True)

    def write(self, rows: list[dict], record: dict) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.clear()
        text = _csv_text(rows, ANSWER_COLUMNS)
        _write_atomic(self.rows_file, text)
        errors = sum(row["answer"] == ERROR for row in rows)
        _write_atomic(self.record_file, json.dumps(dict(
            record, answers=len(rows), errors=errors,
            answers_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest()), indent=1) + "\n")

    def done(self, record: dict, dataset: Path) -> bool:
        """True when the answers are complete and error-free, computed by this code from the
        dataset the student's folder holds now, for this seed and assignment."""
        try:
            kept = json.loads(self.record_file.read_text(encoding="utf-8"))
            package = json.loads((dataset / "datapackage.json").read_text(encoding="utf-8"))
            rows = _read_answers(self.rows_file)
            answers = _sha256(self.rows_file)
            digest = _sha256(dataset / "datapackage.json")
        except (OSError, ValueError):
            return False
        return (all(kept.get(name) == value for name, value in record.items())
                and kept.get("dataset") == digest and kept.get("answers_sha256") == answers
                and (package.get("seed"), package.get("mode")) == (record["seed"], "sample")
                and kept.get("errors") == 0 and kept.get("answers") == len(rows) > 0
                and all(row["student_id"] == self.student_id and row["answer"] != ERROR
                        for row in rows))

    def read(self) -> list[dict]:
        return _read_answers(self.rows_file)


def mark_varies(rows: list[dict]) -> list[dict]:
    """Add to each row whether its answer varies between the students: ``yes`` when the students
    who have it do not all share one value, ``no`` when they do (it shows nothing about copying),
    ``unknown`` when fewer than two students have it (or the row is an error)."""
    values: dict[tuple, set] = {}
    students: dict[tuple, set] = {}
    for row in rows:
        if row["answer"] != ERROR:
            answer = (row["chapter"], row["exercise"], row["answer"])
            values.setdefault(answer, set()).add(row["value"])
            students.setdefault(answer, set()).add(row["student_id"])
    marked = []
    for row in rows:
        answer = (row["chapter"], row["exercise"], row["answer"])
        if row["answer"] == ERROR or len(students.get(answer, ())) < 2:
            varies = UNKNOWN
        else:
            varies = VARIES if len(values[answer]) > 1 else SAME
        marked.append(dict(row, varies=varies))
    return marked


def _write_key(rows: list[dict], path: Path) -> None:
    _write_atomic(path, _csv_text(rows, KEY_COLUMNS))


@dataclass
class Kit:
    """What :func:`make_kit` wrote."""

    folders: dict[str, Path]
    seeds: dict[str, int]
    key: Path
    rows: list[dict]
    seconds: float
    done_before: list[str] = field(default_factory=list)  # students a previous run had answered
    computed: list[str] = field(default_factory=list)  # students answered by this run

    @property
    def errors(self) -> list[dict]:
        return [row for row in self.rows if row["answer"] == ERROR]

    @property
    def failed(self) -> list[str]:
        """The students with an ERROR row, in roster order."""
        failed = {row["student_id"] for row in self.errors}
        return [student for student in self.folders if student in failed]


def make_kit(roster: str | Path, out: str | Path, assignment: str = DEFAULT_ASSIGNMENT,
             chapters: list[Path] | None = None, workers: int | None = None,
             progress: bool = False) -> Kit:
    """Read the roster, write each student's dataset and answers, then the key, into ``out``.

    Students are computed in parallel, ``workers`` at a time (default: the cores), each worker
    one kernel that runs every chapter for one student after another. Each student's answers
    are kept in ``out/.answers/`` as soon as they are computed, so a run that stopped (or a
    student whose chapters failed) is taken up where it was left: a student whose dataset and
    complete, error-free answers are already there, computed by the same code, is not computed
    again. ``progress`` shows a progress bar on stderr.
    """
    assignment = check_assignment(assignment)
    student_ids = read_roster(roster)
    chapters = data_chapters() if chapters is None else list(chapters)
    problems = [problem for path in chapters for problem in check_solution_code(path)]
    if problems:
        raise ValueError("the exercises' answer cells:\n" + "\n".join(problems))
    out = Path(out)
    start = time.perf_counter()
    seeds = {student: student_seed(student, assignment) for student in student_ids}
    folders = {student: out / student for student in student_ids}
    answers = {student: _Answers(out / ANSWERS_DIR, student) for student in student_ids}
    code = _code_digest(chapters)
    record = {student: dict(student_id=student, assignment=assignment, seed=seeds[student],
                            code=code) for student in student_ids}
    done_before = [student for student in student_ids
                   if answers[student].done(record[student], folders[student])]
    todo = [student for student in student_ids if student not in done_before]
    if progress and done_before:
        print(f"{len(done_before)} of {len(student_ids)} students already done (answers kept "
              f"in {out / ANSWERS_DIR}); computing {len(todo)}", file=sys.stderr, flush=True)
    _compute(todo, chapters, folders, seeds, answers, record, workers, progress)
    rows = mark_varies([row for student in student_ids for row in answers[student].read()])
    key = out / KEY_FILE
    _write_key(rows, key)
    return Kit(folders, seeds, key, rows, time.perf_counter() - start, done_before, todo)


def _compute(todo: list[str], chapters: list[Path], folders: dict[str, Path],
             seeds: dict[str, int], answers: dict[str, _Answers], record: dict[str, dict],
             workers: int | None, progress: bool) -> None:
    """Write the datasets of ``todo`` and compute their answers: the datasets are written here,
    one after another, while the workers' kernels start and take the students written."""
    if not todo:
        return
    from tqdm import tqdm

    texts = [path.read_text(encoding="utf-8") for path in chapters]
    modules = _imported_modules(texts)
    jobs: queue.Queue = queue.Queue()
    stop = threading.Event()
    failures: list[BaseException] = []
    bar = tqdm(total=len(todo), desc="answer key", unit="student", file=sys.stderr,
               disable=not progress, dynamic_ncols=True, smoothing=0.1)

    def finish(student: str, rows: list[dict], folder: Path) -> None:
        answered = [dict(student_id=student, assignment=record[student]["assignment"],
                         seed=seeds[student], **row) for row in rows]
        dataset = folder / "datapackage.json"
        digest = _sha256(dataset) if dataset.exists() else None
        answers[student].write(answered, dict(record[student], dataset=digest))
        bar.update(1)

    def work(number: int, scratch: Path) -> None:
        kernel = None
        try:
            while not stop.is_set():
                job = jobs.get()
                if job is None:
                    return
                student = job
                try:
                    if kernel is None:
                        kernel = _Kernel(modules, scratch / str(number))
                    rows, sound = kernel.answer(chapters, texts, folders[student], stop)
                except _Stopped:
                    return
                except Exception as error:  # the kernel did not start, or failed the kit's cell
                    rows, sound = [dict(chapter="", exercise="", answer=ERROR,
                                        value=f"{type(error).__name__}: {error}")], False
                if not sound and kernel is not None:
                    kernel.close()
                    kernel = None
                finish(student, rows, folders[student])
        except BaseException as error:  # a fault of the kit's: reported by the main thread
            failures.append(error)
            stop.set()
        finally:
            if kernel is not None:
                kernel.close()

    count = max(1, min(workers or _cores(), len(todo)))
    with tempfile.TemporaryDirectory(prefix="seto2018-kit-") as scratch:
        for number in range(count):
            (Path(scratch) / str(number)).mkdir()
        threads = [threading.Thread(target=work, args=(number, Path(scratch)), daemon=True,
                                    name=f"kit-kernel-{number}") for number in range(count)]
        for thread in threads:
            thread.start()
        try:
            for student in todo:
                if stop.is_set():
                    break
                answers[student].clear()
                try:
                    tables = synth.generate(seeds[student], mode="sample")
                    synth.write(tables, folders[student], seed=seeds[student], mode="sample")
                except Exception as error:  # noqa: BLE001 - the student gets an ERROR row
                    finish(student, [dict(chapter="", exercise="", answer=ERROR,
                                          value=f"writing the dataset: {type(error).__name__}: "
                                                f"{error}")], folders[student])
                    continue
                jobs.put(student)
            for _ in threads:
                jobs.put(None)
            for thread in threads:
                while thread.is_alive():
                    thread.join(0.5)
        except BaseException:  # Ctrl-C: finished students are kept; the kernels are shut down
            stop.set()
            for _ in threads:
                jobs.put(None)
            for thread in threads:
                thread.join()
            raise
        finally:
            bar.close()
    if failures:
        raise failures[0]

