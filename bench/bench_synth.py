"""Benchmark the synthetic-data generator against its budgets.

    python bench/bench_synth.py

Prints one line per measurement with its budget; exits with status 1 if any is over budget.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from seto2018 import DEFAULT_SEED, synth

RUNS = 7


def _seconds(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def measure() -> list[tuple[str, float, float]]:
    """(measurement, seconds, budget in seconds) for each of the generator's budgets."""
    first = _seconds(lambda: synth.generate(DEFAULT_SEED))  # includes the one-off fit
    once = statistics.median(_seconds(lambda: synth.generate(DEFAULT_SEED)) for _ in range(RUNS))
    thousand = _seconds(lambda: [synth.generate(seed) for seed in range(1000)])
    tables = synth.generate(DEFAULT_SEED)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        write = statistics.median(_seconds(lambda: synth.write(tables, out, seed=DEFAULT_SEED))
                                  for _ in range(RUNS))
    sample = statistics.median(_seconds(lambda: synth.generate(DEFAULT_SEED, mode="sample"))
                               for _ in range(RUNS))
    replications = _seconds(lambda: [synth.sample_counts(seed) for seed in range(1000)])
    return [
        ("generate both datasets, first call (fit included)", first, 1.0),
        (f"generate both datasets (median of {RUNS})", once, 1.0),
        ("generate 1,000 datasets", thousand, 60.0),
        (f"write one dataset, CSV + datapackage.json (median of {RUNS})", write, 1.0),
        (f"generate a sample (mode='sample', median of {RUNS})", sample, 1.0),
        ("draw 1,000 replications' case-level counts (sample_counts)", replications, 5.0),
    ]


def main() -> int:
    rows = measure()
    thousand = rows[2][1]
    width = max(len(name) for name, _, _ in rows)
    print(f"{'measurement':<{width}}  {'seconds':>9}  {'budget':>7}  status")
    over = False
    for name, seconds, budget in rows:
        ok = seconds <= budget
        over |= not ok
        print(f"{name:<{width}}  {seconds:9.3f}  {budget:7.1f}  {'ok' if ok else 'OVER'}")
    print(f"(1,000 datasets: {1000 * thousand / 1000:.1f} ms each)")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
