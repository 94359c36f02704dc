"""Benchmark the loader, `load("modern")`, against its budget.

    python bench/bench_load.py

Times `seto2018.data.load("modern")` on the book's dataset, cold: the loader's memory of folders
it has read is cleared before each run, so every run reads and checks all four files. Imports are
warmed up first (a chapter pays for them once). Prints the best of a few runs against the budget
(0.5 s: a chapter loads its data in several sections, and the kit loads it for every student);
exits with status 1 if over budget.
"""
from __future__ import annotations

import sys
import time

from seto2018 import data

RUNS = 3  # the best of three, so one busy moment does not fail the run
BUDGET = 0.5  # seconds, cold


def _cold_load() -> float:
    data._LOADED.clear()  # read and check the files, not the copy in memory
    start = time.perf_counter()
    data.load("modern")
    return time.perf_counter() - start


def measure() -> dict:
    """``name``, ``seconds`` (best of :data:`RUNS` cold loads) and ``budget``."""
    _cold_load()  # warm up imports
    seconds = min(_cold_load() for _ in range(RUNS))
    return dict(name=f'load("modern"), cold (best of {RUNS})', seconds=seconds, budget=BUDGET)


def main() -> int:
    result = measure()
    ok = result["seconds"] <= result["budget"]
    name = result["name"]
    print(f"{'measurement':<{len(name)}}  {'seconds':>9}  {'budget':>7}  status")
    print(f"{name}  {result['seconds']:9.3f}  {result['budget']:7.1f}  {'ok' if ok else 'OVER'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
