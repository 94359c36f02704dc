"""Benchmark the instructor's kit (`make data STUDENTS=...`) against its budget.

    python bench/bench_kit.py [--students N]

Writes the kit for a roster of N students (default 6) into a temporary folder, on all cores, and
prints the seconds a student against the budget (at most 5 s a student on the project's 2-core
machine, idle); exits with status 1 if over budget. The time covers everything the command does:
reading the roster, writing each dataset, starting one kernel per core, running every chapter
that reads the data for every student, and writing the key. The load average at the start is
printed beside it: a busy machine gives a slower figure than the budget assumes.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from seto2018 import kit

STUDENTS = 6
BUDGET = 5.0  # seconds a student, on 2 cores, idle


def measure(students: int = STUDENTS) -> dict:
    """The kit for ``students`` students, timed: ``name``, ``seconds`` (a student), ``budget``,
    ``errors`` (ERROR rows in the key: the run is a failure whatever its time) and ``note``."""
    cores = kit._cores()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with tempfile.TemporaryDirectory(prefix="seto2018-bench-kit-") as folder:
        roster = Path(folder) / "roster.csv"
        roster.write_text("student_id\n" + "".join(f"bench{i:03d}\n" for i in range(students)),
                          encoding="utf-8")
        start = time.perf_counter()
        made = kit.make_kit(roster, Path(folder) / "kit")
        seconds = time.perf_counter() - start
    note = (f"{students} students in {seconds:.1f} s on {cores} cores, "
            f"{len(made.rows) // students} answers each; load average {load:.1f} at the start "
            "(the budget is for an idle machine)")
    if made.errors:
        note += (f"; FAILED: {len(made.errors)} ERROR rows, for {', '.join(made.failed)} "
                 f"(first: {made.errors[0]['value']})")
    return dict(name=f"instructor's kit, a student ({students} students, all cores)",
                seconds=seconds / students, budget=BUDGET, errors=len(made.errors), note=note)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=STUDENTS)
    args = parser.parse_args()
    result = measure(args.students)
    ok = result["seconds"] <= result["budget"] and not result["errors"]
    name = result["name"]
    print(f"{'measurement':<{len(name)}}  {'seconds':>9}  {'budget':>7}  status")
    print(f"{name}  {result['seconds']:9.2f}  {result['budget']:7.1f}  {'ok' if ok else 'OVER'}")
    print(f"({result['note']})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
