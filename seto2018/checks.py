"""Checks of a chapter's results against the report: on the book's own dataset only.

The book's dataset (``data/synthetic/``: faithful mode, seed 2018) is built to reproduce the
report's published counts and findings, so every chapter checks that it does, in cells the book's
pages hide. Any other dataset (a student's sample, an instructor's kit folder, a dataset of one's
own) is a different study: its counts and p-values need not match the report, so the checks are
skipped there, and the chapter says so once, in one visible sentence::

    from seto2018 import checks
    checks.announce()        # "This is dataset kit/ada, a sample drawn with seed 81...: ..."

then, in hidden cells::

    checks.equal("Table 1, 2002-2003: cases", per_period["2002-2003"], 59)
    checks.holds("H-F2: the largest residual is 2008-2009, pubescent", largest == (...))
    checks.finding("H-F1", {"cases": cases}, p=p_f1)

Each raises :class:`ReportMismatch` (an ``AssertionError``) naming the count or finding and what
was expected, never a bare ``AssertionError``; each returns without checking on any dataset but
the book's. Rules that hold on *every* valid dataset (a crosstab's rows add up to the cases) are
not checks against the report: chapters state them with a plain ``assert`` and a message.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import DEFAULT_SEED
from .data import DATA_VARIABLE, default_path

__all__ = ["Dataset", "ReportMismatch", "announce", "dataset", "equal", "finding", "holds",
           "on_book_data"]


class ReportMismatch(AssertionError):
    """The book's dataset does not show a count or a finding the report published."""


@dataclass(frozen=True)
class Dataset:
    """What a dataset folder's ``datapackage.json`` says about where it came from."""

    folder: Path
    seed: int | None
    mode: str | None  # "faithful", "sample", or None: not written by the book's generator

    @property
    def is_book_data(self) -> bool:
        """The book's own dataset: faithful mode with the book's seed."""
        return self.mode == "faithful" and self.seed == DEFAULT_SEED

    def sentence(self) -> str:
        """The one sentence a chapter shows about its data and its checks."""
        if self.is_book_data:
            return ("This is the book's dataset (faithful mode, seed "
                    f"{DEFAULT_SEED}): every check against the report's numbers runs, in cells "
                    "the book's pages hide.")
        if self.mode == "sample":
            what = f"a sample drawn with seed {self.seed}"
        elif self.mode == "faithful":
            what = (f"a faithful dataset drawn with seed {self.seed} (the published counts "
                    "exact, the rest drawn anew)")
        else:
            what = "a dataset the book's generator did not write"
        return (f"This is dataset {self.folder}, {what}: the checks against the report are "
                f"skipped (they hold for the book's dataset only). Unset {DATA_VARIABLE} to "
                "run on the book's dataset.")


def dataset(path: str | Path | None = None) -> Dataset:
    """Describe the dataset folder :func:`seto2018.data.load` reads (or ``path``)."""
    folder = Path(path) if path is not None else default_path()
    try:
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        package = {}  # load() reports a missing or broken descriptor with its own message
    seed, mode = package.get("seed"), package.get("mode")
    return Dataset(folder, seed if isinstance(seed, int) else None,
                   mode if mode in ("faithful", "sample") else None)


def on_book_data() -> bool:
    """True when the chapters read the book's own dataset, where the checks run."""
    return dataset().is_book_data


def announce() -> Dataset:
    """Print the sentence that says which dataset this is and whether the checks run."""
    described = dataset()
    print(described.sentence())
    return described


def _same(got, expected, tolerance: float) -> bool:
    if isinstance(expected, (int, float, np.integer, np.floating)) and not isinstance(
            expected, bool):
        return bool(np.isclose(float(got), float(expected), rtol=0, atol=tolerance))
    return got == expected


def _shown(value) -> str:
    """A value as a reader writes it: 23, not np.int64(23)."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def equal(what: str, got, expected, *, tolerance: float = 0) -> None:
    """On the book's dataset, ``got`` must equal the report's ``expected`` (a count, a share,
    a label; numbers within ``tolerance``). ``what`` names it: "Table 3, T3c: girls"."""
    if on_book_data() and not _same(got, expected, tolerance):
        within = f" (within {tolerance:g})" if tolerance else ""
        raise ReportMismatch(f"{what}: expected {_shown(expected)}{within} on the book's "
                             f"dataset, got {_shown(got)}")


def holds(what: str, condition) -> None:
    """On the book's dataset, ``condition`` must be true. ``what`` says what the book expected,
    with the finding it belongs to: "F5: infant/toddler cases are traded least"."""
    if on_book_data() and not bool(condition):
        raise ReportMismatch(f"{what}: expected on the book's dataset, but it does not hold")


def finding(finding_id: str, data: dict, p: float | None = None):
    """On the book's dataset, test one finding with its one test (:func:`seto2018.findings.check`):
    the direction and significance the book reads the report to say, and ``p``, the chapter's
    own p-value, must be that test's. Returns the result, or None on any other dataset."""
    if not on_book_data():
        return None
    from . import findings

    return findings.check(finding_id, data, p=p)
