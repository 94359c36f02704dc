"""The instructor's kit (seto2018.kit): roster errors, per-student seeds and datasets, the answer
key and its column `varies`, a failing student and a re-run, and `make data STUDENTS=...` end to
end.

The answer key runs the chapters in kernels; the costly part (the full key for three students, via
make) runs once, in one test, so that pytest-xdist does not run it twice. The re-run test uses a
one-cell chapter of its own.
"""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import seto2018
from seto2018 import cli, contract, kit, toc
from seto2018.data import DATA_VARIABLE, DataError, default_path, load, validate

ROOT = seto2018.ROOT
TINY = Path(__file__).parent / "fixtures" / "tiny"


def roster(tmp_path: Path, text: str, name: str = "roster.csv", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def roster_error(path: Path, *parts: str) -> str:
    """Read a bad roster, expect a DataError naming the file and every part; return it."""
    with pytest.raises(DataError) as caught:
        kit.read_roster(path)
    message = str(caught.value)
    for part in (str(path),) + parts:
        assert part in message, f"{part!r} not in: {message}"
    return message


# ---------------------------------------------------------------------------------- the roster
def test_roster_keeps_order_ignores_other_columns_bom_and_blank_lines(tmp_path):
    path = roster(tmp_path, "name,student_id,email\nAda,s2,a@x\n\nBo,s1,b@x\n,,\n",
                  encoding="utf-8-sig")
    assert kit.read_roster(path) == ["s2", "s1"]


def test_roster_without_the_column(tmp_path):
    path = roster(tmp_path, "id,name\ns1,Ada\n")
    roster_error(path, "line 1", 'column "student_id"', "not found")


def test_roster_with_the_column_twice(tmp_path):
    roster_error(roster(tmp_path, "student_id,student_id\ns1,s1\n"), "line 1", "twice")


def test_roster_with_an_empty_id(tmp_path):
    path = roster(tmp_path, "student_id,name\ns1,Ada\n,Bo\n")
    roster_error(path, "line 3", 'column "student_id"', "empty")


def test_roster_with_a_short_line_has_an_empty_id(tmp_path):
    roster_error(roster(tmp_path, "name,student_id\nAda,s1\nBo\n"), "line 3", "empty")


def test_roster_with_a_duplicate_id_names_both_lines(tmp_path):
    path = roster(tmp_path, "student_id\ns1\ns2\ns1\n")
    roster_error(path, "line 4", 'column "student_id"', "repeats line 2")


def test_ids_differing_only_in_case_are_duplicates(tmp_path):
    # They would share a folder on macOS and Windows.
    roster_error(roster(tmp_path, "student_id\nAb1\naB1\n"), "line 3", "repeats line 2")


@pytest.mark.parametrize("bad, rule", [
    ("a/b", 'character "/"'), ("a\\b", 'character "\\\\"'), (".", "begins with"),
    ("..", "begins with"), (".hidden", "begins with"), (" s1", "space"), ("s1 ", "space"),
    ("s\u00001", 'character "\\u0000"'), ("s\u00071", 'character "\\u0007"'),
    ("s1.", "ends with '.'"), ("-s1", "begins with"), ("x" * 65, "65 characters"),
    ("é1", 'character "é"'),
])
def test_roster_id_that_cannot_name_a_folder(tmp_path, bad, rule):
    path = tmp_path / "roster.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([["student_id"], ["s0"], [bad]])
    message = roster_error(path, "line 3", 'column "student_id"', rule)
    assert "names a folder" in message  # the rule is stated


def test_roster_id_rule_allows_common_id_shapes(tmp_path):
    ids = ["s001", "A.B_c-d", "ada@uni.edu", "x+1", "9" * 64]
    assert kit.read_roster(roster(tmp_path, "student_id\n" + "\n".join(ids) + "\n")) == ids


def test_empty_roster_and_header_only(tmp_path):
    roster_error(roster(tmp_path, "", "empty.csv"), "empty")
    roster_error(roster(tmp_path, "student_id,name\n\n", "header.csv"), "no students")


def test_roster_not_utf8_or_missing(tmp_path):
    roster_error(roster(tmp_path, "student_id\nJosé\n", encoding="latin-1"), "not UTF-8")
    roster_error(tmp_path / "nowhere.csv", "not found")


# ------------------------------------------------------------------------------------ the seeds
def test_seeds_are_fixed_values():
    # Computed once (SHA-256 of the JSON pair [assignment, student_id], first 48 bits) and
    # written here: a change of algorithm, encoding or Python version that moved any student's
    # data would fail this test. Python's salted hash() would fail it on every run.
    assert kit.student_seed("s001", "seto2018") == 14333182801827
    assert kit.student_seed("s002", "seto2018") == 119078404683779
    assert kit.student_seed("s001", "week-3") == 234588219551707
    assert kit.student_seed("ada@uni.edu", "seto2018") == 100234428948684


def test_seeds_distinct_across_1000_ids_and_between_assignments():
    ids = [f"student-{i:04d}" for i in range(1000)]
    seeds = {kit.student_seed(i, "seto2018") for i in ids}
    assert len(seeds) == 1000 and all(0 <= s < 2 ** 48 for s in seeds)
    assert not seeds & {kit.student_seed(i, "seto2018-b") for i in ids}


@pytest.mark.parametrize("bad", ["", " a", "a ", "a\nb"])
def test_bad_assignment_name(bad):
    with pytest.raises(DataError, match="assignment name"):
        kit.student_seed("s1", bad)


def test_student_datasets_are_valid_sampled_and_differ(tmp_path):
    seeds = kit.write_datasets(["s001", "s002"], tmp_path, "seto2018")
    assert seeds == {"s001": 14333182801827, "s002": 119078404683779}
    tables = {}
    for student, seed in seeds.items():
        folder = tmp_path / student
        validate(folder)
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        assert (package["seed"], package["mode"]) == (seed, "sample")
        tables[student] = (folder / "modern_relationships.csv").read_bytes()
    assert tables["s001"] != tables["s002"]


# --------------------------------------------------------------------------- SETO2018_DATA
def test_default_path_follows_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv(DATA_VARIABLE, raising=False)
    assert default_path() == ROOT / "data" / "synthetic"
    monkeypatch.setenv(DATA_VARIABLE, "")  # empty counts as unset
    assert default_path() == ROOT / "data" / "synthetic"
    folder = Path(shutil.copytree(TINY, tmp_path / "tiny"))
    monkeypatch.setenv(DATA_VARIABLE, str(folder))
    assert default_path() == folder
    assert len(load("modern")["cases"]) == len(load("modern", folder)["cases"]) == 4


def test_missing_folder_in_the_variable_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_VARIABLE, str(tmp_path / "gone"))
    with pytest.raises(DataError) as caught:
        load("modern")
    message = str(caught.value)
    assert str(tmp_path / "gone") in message and DATA_VARIABLE in message


# ------------------------------------------------------------------- "the same code" as solutions
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_answer_cells_are_tagged_and_begin_with_the_solutions_code(path):
    """Every exercise's answer cell: hidden, tagged `solution`, naming a label the chapter's
    solutions have, and beginning with the solution's code. A newcomer adding an exercise reads
    here (in the message) what the cell needs."""
    assert kit.check_solution_code(path) == []


def changed_chapter(tmp_path: Path, change) -> list[str]:
    """check_solution_code's problems with one-victim-one-offender after ``change(answer_cell,
    cells)`` on the answer cell of one-ex-odds-by-hand."""
    notebook = json.loads((ROOT / "chapters" / "one-victim-one-offender.ipynb").read_text())
    cell = next(c for c in notebook["cells"] if toc.answers(c) == "one-ex-odds-by-hand")
    change(cell, notebook["cells"])
    changed = tmp_path / "changed.ipynb"
    changed.write_text(json.dumps(notebook))
    return kit.check_solution_code(changed)


def test_same_code_check_catches_a_change(tmp_path):
    def edit(cell, cells):
        cell["source"] = toc.source(cell).replace("1.96", "1.95", 1)
    [problem] = changed_chapter(tmp_path, edit)
    assert "does not begin with the solution's code" in problem


@pytest.mark.parametrize("change, expected", [
    (lambda cell, cells: cell["metadata"]["seto2018"].update(answers="one-ex-nowhere"),
     ["answering one-ex-nowhere: no {solution} directive", "solution one-ex-odds-by-hand: it "
      "shows python code but no cell answers it"]),
    (lambda cell, cells: cell["metadata"]["seto2018"].clear(),
     ["tagged 'solution' but no metadata seto2018.answers", "solution one-ex-odds-by-hand: it "
      "shows python code but no cell answers it"]),
    (lambda cell, cells: cell["metadata"].update(tags=["solution"]),
     ["answering one-ex-odds-by-hand: it lacks the tag(s) remove-cell"]),
    (lambda cell, cells: cells.append(json.loads(json.dumps(cell))),
     ["solution one-ex-odds-by-hand: 2 cells answer it"]),
    (lambda cell, cells: cells.append(dict(json.loads(json.dumps(cell)), metadata={})),
     ["it glues an answer (ex_*) but answers no exercise"]),
])
def test_answer_cell_rules_name_the_cell_and_what_to_add(tmp_path, change, expected):
    problems = changed_chapter(tmp_path, change)
    assert len(problems) == len(expected), problems
    for problem, part in zip(problems, expected):
        assert part in problem and problem.startswith("changed.ipynb")
    if "seto2018.answers" in problems[-1]:
        assert "metadata seto2018.answers = the label" in problems[-1]  # the rule is stated


def test_the_kit_answers_the_dataset_chapters_by_their_role():
    names = [p.stem for p in kit.data_chapters()]
    assert "one-victim-one-offender" in names and "where-the-data-come-from" not in names
    assert "how-sure-could-the-study-be" not in names  # a simulation: the same for everyone
    assert names == [p.stem for p in toc.chapters() if toc.role(p) == "dataset"]


# ----------------------------------------------------------------------- reading executed cells
def glue_output(name, text_plain, hidden=True):
    prefix = "application/papermill.record/" if hidden else ""
    return nbformat.v4.new_output("display_data", data={prefix + "text/plain": text_plain},
                                  metadata={"scrapbook": {"name": name, "mime_prefix": prefix}})


def test_answer_rows_attribute_format_and_record_errors():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell

    def hidden(label):
        return {"tags": ["remove-cell", "solution"], "seto2018": {"answers": label}}

    cells = [
        code(outputs=[glue_output("n_cases", "12")]),  # not an exercise answer
        md("````{solution} ex-a\n```python\nx\n```\n{glue:text}`ex_ratio:.2f` and "
           "{glue:text}`ex_share:.1%`\n````"),
        code(metadata=hidden("ex-a"), outputs=[glue_output("ex_ratio", "1.23456"),
                                       glue_output("ex_share", "0.25", hidden=False),
                                       glue_output("ex_unshown", "3.14159265"),
                                       glue_output("ex_label", "'p < 0.001'")]),
        md("````{solution} ex-b\n```python\nprint(1)\n```\n````"),
        code(metadata=hidden("ex-b"), outputs=[nbformat.v4.new_output(
            "stream", name="stdout", text="3955 0\n")]),
        md("````{solution} ex-c\n```python\n1/0\n```\n````"),
        code(metadata=hidden("ex-c"), outputs=[nbformat.v4.new_output(
            "error", ename="ZeroDivisionError", evalue="division by zero", traceback=[])]),
        # A visible cell after a solution answers nothing: its error is the chapter's.
        code(outputs=[nbformat.v4.new_output("error", ename="KeyError", evalue="'x'",
                                             traceback=[])]),
    ]
    rows = kit.answer_rows({"cells": cells}, "ch")
    assert [(r["exercise"], r["answer"], r["value"]) for r in rows] == [
        ("ex-a", "ex_ratio", "1.23"), ("ex-a", "ex_share", "25.0%"),
        ("ex-a", "ex_unshown", "3.142"), ("ex-a", "ex_label", "p < 0.001"),
        ("ex-c", "ERROR", "ZeroDivisionError: division by zero"),
        ("", "ERROR", "KeyError: 'x'"),
        ("ex-b", "printed output", "3955 0"),
    ]


def test_an_answer_glued_in_a_cell_that_answers_nothing_is_an_error():
    cell = nbformat.v4.new_code_cell(outputs=[glue_output("ex_ratio", "1.2")])
    with pytest.raises(ValueError, match=r"ch, cell 0: ex_ratio is glued in a cell that answers "
                                         r"no exercise \(an answer cell is"):
        kit.answer_rows({"cells": [cell]}, "ch")


def test_kernel_runs_as_a_student_would_on_their_folder_and_this_package(tmp_path, monkeypatch):
    # Asserts stay on in the kit's kernels: the chapters' checks against the report skip
    # themselves on a student's data (seto2018.checks), every other line runs. Settings of
    # Python itself inherited from the instructor's shell (here, warning filters) do not reach
    # the kernel.
    monkeypatch.setenv("PYTHONWARNINGS", "ignore")
    path = tmp_path / "probe.ipynb"
    probe = ("import sys, seto2018\nfrom seto2018.data import default_path\n"
             "print(sys.flags.optimize, len(sys.warnoptions), default_path(), seto2018.ROOT)")
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(probe),
        nbformat.v4.new_code_cell("assert False, 'asserts are on'")]), path)
    [notebook] = kit._execute([path], TINY)
    [printed] = notebook["cells"][0]["outputs"]
    assert printed["output_type"] == "stream", printed
    assert printed["text"].split() == ["0", "0", str(TINY.resolve()), str(ROOT)]
    [error] = notebook["cells"][1]["outputs"]
    assert (error["output_type"], error["evalue"]) == ("error", "asserts are on")


# ------------------------------------------------------------------------------ the command line
@pytest.mark.parametrize("args, message", [
    (["--students", "r.csv"], "needs --out"),
    (["--students", "r.csv", "--out", "k", "--seed", "3"], "--seed does not apply"),
    (["--students", "r.csv", "--out", "k", "--mode", "faithful"], "sampled datasets"),
    (["--assignment", "a", "--out", "k"], "only apply with --students"),
    (["--students", "r.csv", "--out", "k", "--chapters", "nope"], "nope is not a chapter"),
])
def test_cli_errors(args, message, capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["data", *args])
    assert caught.value.code == 2 and message in capsys.readouterr().err


def test_cli_bad_roster_exits_2_naming_the_line(tmp_path, capsys):
    path = roster(tmp_path, "student_id\ns1\ns1\n")
    assert cli.main(["data", "--students", str(path), "--out", str(tmp_path / "k")]) == 2
    assert "line 3" in capsys.readouterr().err


def test_cli_sample_mode_writes_a_valid_replication(tmp_path, capsys):
    assert cli.main(["data", "--mode", "sample", "--seed", "5", "--out", str(tmp_path)]) == 0
    validate(tmp_path)
    assert "(sample, seed 5)" in capsys.readouterr().out


# ------------------------------------------------------------------------------ end to end
def one_to_one_odds_ratio(folder: Path) -> float:
    """Figure 10's odds ratio, familial offender by girl/boy, straight from the CSV files."""
    cases = pd.read_csv(folder / "modern_cases.csv", dtype=str)
    victims = pd.read_csv(folder / "modern_victims.csv", dtype=str)
    pairs = pd.read_csv(folder / "modern_relationships.csv", dtype=str)
    one = (cases.loc[cases["structure"] == "one", ["case_id"]]
           .merge(victims[["case_id", "gender"]], on="case_id")
           .merge(pairs[["case_id", "relationship"]], on="case_id"))
    familial = one["relationship"].isin(contract.FAMILIAL)
    table = pd.crosstab(one["gender"], familial)
    a, b = table.loc["female", True], table.loc["female", False]
    c, d = table.loc["male", True], table.loc["male", False]
    return (a * d) / (b * c)


def victims_in_multiple_cases(folder: Path) -> pd.Series:
    cases = pd.read_csv(folder / "modern_cases.csv", dtype=str)
    victims = pd.read_csv(folder / "modern_victims.csv", dtype=str)
    multiple = set(cases.loc[cases["structure"] == "multiple", "case_id"])
    return victims.loc[victims["case_id"].isin(multiple), "gender"].value_counts()


def answers(key: pd.DataFrame, student: str) -> dict[tuple[str, str], str]:
    mine = key[key["student_id"] == student]
    return {(e, a): v for e, a, v in zip(mine["exercise"], mine["answer"], mine["value"])}


STUDENTS = ("s001", "s002", "s003")


def test_make_data_students_end_to_end(tmp_path):
    """`make data STUDENTS=...`: three students, every chapter, run as a student would (asserts
    on); the key is checked against the students' own data, computed here independently of the
    chapters' code, and its column `varies` against the values themselves."""
    path = roster(tmp_path, "student_id,name\ns001,Ada\ns002,Bo\ns003,Cy\n")
    out = tmp_path / "kit"
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    done = subprocess.run([make, "--no-print-directory", "-o", ".venv/.installed", "data",
                           f"STUDENTS={path}", f"OUT={out}"], cwd=ROOT, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"wrote {out / 's001'}/" in done.stdout and "s a student" in done.stdout
    assert "3/3" in done.stderr  # the progress bar: students done / total
    assert "without encryption" not in done.stderr  # the kernels talk over local sockets

    key = pd.read_csv(out / kit.KEY_FILE, dtype=str, keep_default_na=False)
    assert tuple(key.columns) == kit.KEY_COLUMNS
    assert not (key["answer"] == kit.ERROR).any(), key[key["answer"] == kit.ERROR]
    assert set(key["seed"]) == {"14333182801827", "119078404683779", "103075240186571"}
    # The full key for each student: every data chapter, every computing exercise answered.
    for student in STUDENTS:
        mine = key[key["student_id"] == student]
        assert set(mine["chapter"]) == {p.stem for p in kit.data_chapters()}
        assert len(mine) > 100
        # A student's folder holds their dataset only: it is handed to them.
        assert {f.name for f in (out / student).iterdir()} == {
            f.name for f in default_path().iterdir() if f.suffix in (".csv", ".json")}

    for student in STUDENTS:
        folder, got = out / student, answers(key, student)
        validate(folder)
        assert float(got[("one-ex-odds-by-hand", "ex_or_hand")]) == pytest.approx(
            one_to_one_odds_ratio(folder), abs=5e-4)
        genders = victims_in_multiple_cases(folder)
        assert got[("datasets-ex-victims-cases", "ex_girls")] == f"{genders['female']:,}"
        assert got[("datasets-ex-victims-cases", "ex_boys")] == f"{genders['male']:,}"
        n_pairs = sum(1 for _ in open(folder / "modern_relationships.csv")) - 1
        assert got[("datasets-ex-same-case", "printed output")] == f"{n_pairs} 0"

    first, second = answers(key, "s001"), answers(key, "s002")
    for answer in [("one-ex-odds-by-hand", "ex_or_hand"), ("datasets-ex-victims-cases", "ex_girls"),
                   ("multiple-ex-any-familial", "ex_anyfam_or")]:
        assert first[answer] != second[answer], answer
    differ = sum(first[k] != second[k] for k in first)
    assert differ > len(first) / 3, f"only {differ} of {len(first)} answers differ"

    # `varies`: "yes" exactly where the three students' values are not all the same.
    per_answer = key.groupby(["chapter", "exercise", "answer"])
    assert (per_answer["varies"].nunique() == 1).all()
    expected = per_answer["value"].nunique().gt(1).map({True: "yes", False: "no"})
    assert per_answer["varies"].first().equals(expected.rename("varies"))
    varies = {(e, a): v for e, a, v in zip(key["exercise"], key["answer"], key["varies"])}
    assert varies[("one-ex-odds-by-hand", "ex_or_hand")] == "yes"  # computed from the data
    # The study's sizes, which every sample keeps: the same for every student.
    assert varies[("design-ex-historic", "ex_hist_at")] == "no"
    assert 0 < (expected == "no").sum() < (expected == "yes").sum()


# --------------------------------------------------------------------- stopping and starting again
def tiny_chapter(folder: Path, log: Path) -> Path:
    """A chapter with one exercise whose hidden cell logs which student it runs for, fails for a
    student named in ``<out>/fail-<id>`` (raise: a failed cell; exit: the kernel dies) and glues
    one answer that varies (the student's seed) and one that does not."""
    solution = ("import json, os, pathlib\n"
                "data = pathlib.Path(os.environ['SETO2018_DATA'])\n"
                "seed = json.loads((data / 'datapackage.json').read_text())['seed']")
    hidden = solution + (
        f"\nwith open({str(log)!r}, 'a') as log:\n    log.write(data.name + '\\n')\n"
        "fail = data.parent / f'fail-{data.name}'\n"
        "if fail.exists() and fail.read_text() == 'exit':\n    os._exit(1)\n"
        "if fail.exists():\n    raise RuntimeError('made to fail')\n"
        "from seto2018 import glue\n"
        "glue('ex_seed', seed, display=False)\nglue('ex_same', 42, display=False)")
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Tiny\n\n````{exercise} Seed\n:label: tiny-ex\n"
                                      "What is your seed?\n````"),
        nbformat.v4.new_markdown_cell(f"````{{solution}} tiny-ex\n```python\n{solution}\n```\n"
                                      "{glue:text}`ex_seed`\n````"),
        nbformat.v4.new_code_cell(hidden, metadata={"tags": ["remove-cell", "solution"],
                                                     "seto2018": {"answers": "tiny-ex"}}),
    ])
    path = folder / "tiny.ipynb"
    nbformat.write(notebook, path)
    return path


def runs(log: Path) -> dict[str, int]:
    """How many times the tiny chapter ran for each student."""
    names = log.read_text().split() if log.exists() else []
    return {name: names.count(name) for name in sorted(set(names))}


def test_a_failing_student_loses_no_other_and_a_rerun_continues(tmp_path, monkeypatch, capsys):
    log = tmp_path / "runs.log"
    tiny = tiny_chapter(tmp_path, log)
    assert kit.check_solution_code(tiny) == []
    monkeypatch.setattr(kit, "data_chapters", lambda: [tiny])
    path = roster(tmp_path, "student_id\ns001\ns002\ns003\n")
    out = tmp_path / "kit"
    out.mkdir()

    def run(*extra: str) -> tuple[int, str, str, pd.DataFrame]:
        status = cli.main(["data", "--students", str(path), "--out", str(out),
                           "--chapters", "tiny", *extra])
        printed = capsys.readouterr()
        key = pd.read_csv(out / kit.KEY_FILE, dtype=str, keep_default_na=False)
        return status, printed.out, printed.err, key

    # One kernel for all: s002's kernel dies, s003 gets a new one and its cell raises.
    (out / "fail-s002").write_text("exit")
    (out / "fail-s003").write_text("raise")
    status, printed, errors, key = run("--jobs", "1")
    assert status == 1
    assert "for 2 of 3 students: s002, s003" in errors
    assert "the kernel stopped: KernelDied: the kernel's process ended" in errors
    assert "RuntimeError: made to fail" in errors
    assert runs(log) == {"s001": 1, "s002": 1, "s003": 1}
    assert set(key.loc[key["answer"] == kit.ERROR, "student_id"]) == {"s002", "s003"}
    assert set(key.loc[key["answer"] != kit.ERROR, "student_id"]) == {"s001"}
    assert (key.loc[key["answer"] == kit.ERROR, "varies"] == "unknown").all()
    # Each student's answers are kept beside, not inside, the folder handed to the student.
    assert sorted(p.name for p in (out / kit.ANSWERS_DIR).iterdir()) == [
        f"{s}.{ext}" for s in STUDENTS for ext in ("csv", "json")]
    assert not list((out / "s001").glob("*answers*"))

    # Run again: s001 is kept, the two that failed are computed again.
    for fail in out.glob("fail-*"):
        fail.unlink()
    status, printed, errors, key = run()
    assert status == 0, errors
    assert "1 of 3 students already done" in errors + printed
    assert runs(log) == {"s001": 1, "s002": 2, "s003": 2}
    assert not (key["answer"] == kit.ERROR).any()
    values = {(s, a): (v, w) for s, a, v, w in
              zip(key["student_id"], key["answer"], key["value"], key["varies"])}
    for student in STUDENTS:
        assert values[(student, "ex_seed")] == (str(kit.student_seed(student, "seto2018")), "yes")
        assert values[(student, "ex_same")] == ("42", "no")
    assert "1 of 2 answers vary between the students" in printed

    # A corrupted answers file and a missing dataset: those two students are computed again.
    answers_file = out / kit.ANSWERS_DIR / "s003.csv"
    answers_file.write_text(answers_file.read_text()[:-20])
    shutil.rmtree(out / "s001")
    status, printed, errors, key = run()
    assert status == 0, errors
    assert "1 of 3 students already done" in errors + printed
    assert runs(log) == {"s001": 2, "s002": 2, "s003": 3}
    validate(out / "s001")
    assert len(key) == 6 and not (key["answer"] == kit.ERROR).any()

    # Nothing left to do: nothing runs, the key is written again from the kept answers.
    status, printed, errors, key = run()
    assert status == 0 and "3 of 3 students already done" in printed
    assert runs(log) == {"s001": 2, "s002": 2, "s003": 3}


def test_varies_between_students():
    def row(student, answer, value):
        return dict(student_id=student, chapter="c", exercise="e", answer=answer, value=value)

    rows = [row("a", "ex_x", "1"), row("b", "ex_x", "2"), row("a", "ex_y", "7"),
            row("b", "ex_y", "7"), row("a", "ex_z", "3"), row("b", kit.ERROR, "Boom")]
    assert [r["varies"] for r in kit.mark_varies(rows)] == [
        "yes", "yes", "no", "no", "unknown", "unknown"]
    # A roster of one: nothing to compare.
    assert {r["varies"] for r in kit.mark_varies(rows[::2])} == {"unknown"}
