"""The report's published numbers, read from ``data/published/``.

Seto, Buckman, Dwyer & Quayle (2018) printed two tables and a few percentages; the bars of its
Figures 1-24 are lost, so for those only the sentence under each figure survives. These functions
return what was printed, each row with the report page it comes from, so a chapter can put
"published" beside "on the synthetic data":

- :func:`table1` - historic cases by period (Table 1, page 16);
- :func:`table3` - the modern dataset's characteristics (Table 3, pages 23-24);
- :func:`percentages` - percentages quoted in the prose (pages 14, 22 and 30);
- :func:`findings` - every claim the book re-creates, with its source's words and its test;
- :func:`design` - the design facts stated in the prose (windows, rules, thresholds, totals).

:func:`targets` is different: it returns the two-way tables the *book* chose so that the synthetic
data show each finding (the report's own figures are lost). ``data/published/README.md`` says
which numbers are the report's and which are the book's.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import DATA_DIR

#: Folder holding the published numbers (and the book's chosen targets): ``data/published/`` in
#: the repository, or its copy inside the installed package.
PUBLISHED_DIR = DATA_DIR / "published"


def _read(name: str, integers: tuple[str, ...], path: Path | None = None) -> pd.DataFrame:
    """Read one CSV with every column as text (so codes such as "1" stay text), then whole numbers."""
    csv = Path(path) if path is not None else PUBLISHED_DIR / f"{name}.csv"
    if not csv.is_file():
        raise FileNotFoundError(f"published numbers not found: {csv}")
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False, na_values=[""])
    for column in integers:
        frame[column] = pd.to_numeric(frame[column]).astype("Int64")
    return frame


def table1() -> pd.DataFrame:
    """Table 1 (page 16): historic actively traded cases by the period NCMEC first recorded them.

    Columns: ``period`` (the code used in ``historic_cases.csv``, e.g. ``2002-2003``), ``label``
    (the report's row label), ``cases``, ``page``. The six rows sum to 518 cases.
    """
    return _read("table1", ("cases", "page"))


def table3(subset: str | None = None) -> pd.DataFrame:
    """Table 3 (pages 23-24): modern dataset characteristics, both columns of the table.

    Columns: ``finding`` (T3a-T3l), ``subset`` (``one``: one victim and one offender, N=1,965;
    ``multiple``: multiple victim-offender relationships, N=633), ``variable``, ``category``
    (the data's codes: e.g. ``nuclear_family``, ``1``-``4``, ``mixed``; ``unclear`` and
    ``missing`` for the rows the report prints under the table), ``label`` (the report's row
    label), ``count``, ``percent`` (as printed; empty for unclear/missing rows), ``page``.

    The report prints the multiple-relationship relationship counts in the rows of the
    one-relationship categories; its text shows they are non-familial only (374), familial only
    (134) and mixed (125), which is how they are coded here.

    Parameters
    ----------
    subset:
        ``"one"`` or ``"multiple"`` to keep one column of the table; ``None`` for both.
    """
    frame = _read("table3", ("count", "percent", "page"))
    if subset is None:
        return frame
    if subset not in ("one", "multiple"):
        raise ValueError(f"subset must be 'one', 'multiple' or None, not {subset!r}")
    return frame[frame["subset"] == subset].reset_index(drop=True)


def percentages() -> pd.DataFrame:
    """Percentages quoted in the report's prose (pages 14, 22 and 30).

    Columns: ``finding`` (the id of the count or finding the number belongs to), ``subset``, ``variable``,
    ``category``, ``among`` (a condition such as ``victim_age=infant_toddler``, else empty),
    ``percent`` (whole number as printed), ``page``, ``basis`` (what the percentage is of).
    """
    return _read("percentages", ("percent", "page"))


def findings() -> pd.DataFrame:
    """Every claim the book re-creates: ids H-F1..H-F3, F4..F24, S1, S2 and P1.

    Columns: ``id``, ``dataset`` (historic/modern), ``subset`` (cases, victims, one, multiple),
    ``row_variable`` and ``col_variable`` (the two variables crossed; ``familial`` is a one-to-one
    case's relationship as familial or not), ``direction`` (in the book's words), ``words`` (the
    source's own words, verbatim; empty where none survive), ``significance`` (what the source
    says: ``significant``, ``not significant``, ``not stated`` or ``none``), ``basis`` (how we
    know it: ``stated``, ``association``, ``odds_ratio_rule``, ``direction_only``, ``no_claim``,
    ``book``), ``book_reading`` (what the book's data are built to show: ``significant`` or ``not
    significant``), ``test`` (the one test the book uses, see :mod:`seto2018.findings`),
    ``figure``, ``page`` (the figure's page), ``claim_page`` (where ``words`` are), ``source``
    (``report``; ``csam-overview`` for S1, NCMEC's page, which cites the report for it; ``book``
    for S2, the book's own choice) and ``claim`` (a short sentence in the book's words).
    """
    return _read("findings", ("page", "claim_page"))


def design() -> pd.DataFrame:
    """The study's design facts as the report states them in prose (pages 5-14), one row each.

    Columns: ``id``, ``what``, ``value`` (text as printed: a year, an ISO date, a count, a share,
    ``true``/``false``; empty where the report printed no number, e.g. ``cases_received``) and
    ``page``.
    """
    return _read("design", ("page",))


def targets() -> pd.DataFrame:
    """The book's chosen target tables (not the report's numbers) that the generator fits.

    Long format, one row per cell: ``model`` (``historic_cases``, ``historic_victims``,
    ``modern_one``, ``modern_multiple``), ``finding`` (the id the table serves), ``row_variable``,
    ``row_level``, ``col_variable``, ``col_level`` (both empty for one-way targets), ``count``.
    Every table's margins equal the published counts where the report printed them.
    """
    return _read("targets", ("count",))


#: What the report's words and rules say about significance, by ``basis``.
_SIGNIFICANCE = {
    "stated": "",
    "association": "The report explains the association; the book reads it as significant (the "
                   "word is not in the surviving text).",
    "odds_ratio_rule": "Significant: the report printed an odds ratio beneath a figure only for a "
                       "significant difference (p. 25); this one is lost with the figure's image.",
    "direction_only": "Significance not stated; the book's data make it significant.",
    "no_claim": "No test stated; the book's data keep it not significant.",
    "book": "The book's data make it significant.",
}


def claim(finding: str) -> str:
    """Whose claim a finding is, in its source's words, for a figure's "Published" line.

    E.g. ``claim("F13")`` gives 'Figure 13 (p. 32): "Cases with both male and female victims
    (“mixed”) were more likely to be actively traded". Significance not stated; the book's data
    make it significant.'
    """
    rows = findings().set_index("id")
    if finding not in rows.index:
        raise KeyError(f"no finding {finding!r} in {PUBLISHED_DIR / 'findings.csv'}")
    row = rows.loc[finding]
    if row["source"] == "book":
        where = "Not the report's: the book's own choice"
    elif row["source"] != "report":
        where = "NCMEC's overview of CSAM, citing this report"
    elif pd.notna(row["figure"]):
        where = f"{row['figure']} (p. {row['page']})"
        if pd.notna(row["claim_page"]) and row["claim_page"] != row["page"]:
            where += f", in the words of p. {row['claim_page']}"
    else:
        where = f"p. {row['claim_page']}"
    if pd.notna(row["words"]):
        said = f'"{row["words"]}".'
    elif row["source"] == "book":
        said = f"{row['direction']}."
    else:
        said = "no sentence under the figure survives in the report's text."
    return " ".join(part for part in (f"{where}: {said}", _SIGNIFICANCE[row["basis"]]) if part)
