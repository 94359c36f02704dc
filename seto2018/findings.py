"""One test for each finding, the same wherever the finding is checked.

``data/published/findings.csv`` lists every finding the book re-creates: the subset of the data it
is about, the two variables it crosses, what the report says of it (``significance``, and on what
ground: ``basis``), what the book's data are built to show (``book_reading``) and the one test the
book uses for it (``test``). This module builds a finding's table from a dataset, runs that test,
sums the finding up as one odds ratio, checks its direction, and says whether the result agrees
with the report.

The findings chapters compute the same tests in the open: that is the lesson. The package's
tests, the chapter on how the data were made, the conclusions chapter and the simulation chapter
call this module, and the findings chapters' hidden checks compare their own p-values with it, so
that a finding has one verdict wherever it is read.

The tests (the ``test`` column):

- ``chi_square``: Pearson's chi-square test of independence, without Yates's correction;
- ``fisher_exact``: Fisher's exact test, for a 2-by-2 table whose expected counts break the rule;
- ``monte_carlo``: the chi-square statistic's p-value by Monte Carlo, for a larger table that
  breaks it: :data:`MONTE_CARLO_TABLES` random tables with the same margins, drawn from a
  generator seeded with :data:`MONTE_CARLO_SEED`, so the p-value is the same on every run (for
  the table laid out as :func:`table` lays it out: the random tables depend on the order of
  rows and columns, so a chapter that checks its own Monte Carlo p-value orders them the same);
- ``logistic_slope``: the likelihood-ratio test of the slope of a logistic regression on the
  level of the sexual activity scale (1-4): binary for a yes/no outcome, multinomial for the
  three relationship groups of F21.

The rule for small expected counts is Cochran's (:func:`cochran_rule`): the chi-square
approximation is trusted when no expected count is below 1 and at most a fifth are below 5. The
``test`` column records what the rule gives on the study's own table sizes (the book's default
dataset); ``tests/test_findings.py`` checks that the two agree.

The multiple-testing family is every finding with a figure in the report (:func:`family`): the
report drew all 24 comparisons, whatever they showed, so all 24 count. S1 and S2 have no figure:
one is NCMEC's overview's, one the book's own choice.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from scipy import stats

from . import published
from .contract import (ACTIVITY_CODES, AGES, CASE_RELATIONSHIPS, FAMILIAL, GENDERS, MIXED,
                       NON_FAMILIAL, PERIODS, RELATIONSHIPS)
from .data import case_level
from .text import p_value

__all__ = ["CONTRASTS", "Comparison", "FindingNotReproduced", "Result", "TESTS", "agrees",
           "check", "cochran_rule", "compare", "direction_holds", "expected_counts", "family",
           "odds_ratio_per_level", "run", "sample_odds_ratio", "subsets", "table",
           "tables_from_counts", "test", "tested", "two_by_two", "verdicts"]

TESTS = ("chi_square", "fisher_exact", "monte_carlo", "logistic_slope")
MONTE_CARLO_TABLES = 9_999
MONTE_CARLO_SEED = 2018
ALPHA = 0.05

#: Which dataset's rows each subset holds, and the population model (``synth.population()``)
#: whose cells are the same codes.
MODEL_OF_SUBSET = {"cases": "historic_cases", "victims": "historic_victims",
                   "one": "modern_one", "multiple": "modern_multiple"}


def _each(*codes: str) -> dict[str, tuple[str, ...]]:
    return {code: (code,) for code in codes}


#: (subset, variable) -> (the data's column, {group: the codes it takes}), groups in order.
#: ``familial`` is the one derived variable: a one-to-one case's relationship, as the report's
#: third research question asks about it (familial or not; Table 5's two headings).
VARIABLES: dict[tuple[str, str], tuple[str, dict[str, tuple[str, ...]]]] = {
    ("cases", "period"): ("period", _each(*PERIODS)),
    ("cases", "sexual_activity"): ("sexual_activity", _each(*ACTIVITY_CODES)),
    ("victims", "period"): ("period", _each(*PERIODS)),
    ("victims", "age_category"): ("age_category", _each(*AGES)),
    ("victims", "gender"): ("gender", _each(*GENDERS)),
    ("one", "victim_gender"): ("victim_gender", _each(*GENDERS)),
    ("one", "victim_age"): ("victim_age", _each(*AGES)),
    ("one", "offender_gender"): ("offender_gender", _each(*GENDERS)),
    ("one", "sexual_activity"): ("sexual_activity", _each(*ACTIVITY_CODES)),
    ("one", "actively_traded"): ("actively_traded", _each("true", "false")),
    ("one", "relationship"): ("relationship", _each(*RELATIONSHIPS)),
    ("one", "familial"): ("relationship", {"familial": FAMILIAL, "non_familial": NON_FAMILIAL}),
    ("multiple", "victim_gender"): ("victim_gender", _each(*GENDERS, MIXED)),
    ("multiple", "victim_age"): ("victim_age", _each(*AGES, MIXED)),
    ("multiple", "offender_gender"): ("offender_gender", _each(*GENDERS, MIXED)),
    ("multiple", "sexual_activity"): ("sexual_activity", _each(*ACTIVITY_CODES)),
    ("multiple", "actively_traded"): ("actively_traded", _each("true", "false")),
    ("multiple", "relationship"): ("relationship", _each(*CASE_RELATIONSHIPS)),
}


class FindingNotReproduced(AssertionError):
    """A finding's result on the data disagrees with what the report says."""


# ---------------------------------------------------------------------------------------------
# The findings list and the data
# ---------------------------------------------------------------------------------------------
@cache
def _listed() -> pd.DataFrame:
    frame = published.findings().set_index("id")
    unknown = set(frame["test"].dropna()) - set(TESTS)
    if unknown:
        raise ValueError(f"{published.PUBLISHED_DIR / 'findings.csv'}, column \"test\": "
                         f"{sorted(unknown)} is not one of the tests {TESTS}")
    return frame


def tested() -> list[str]:
    """The ids of the findings that have a test: all but P1 (a set of percentages)."""
    return list(_listed()["test"].dropna().index)


def family() -> list[str]:
    """The multiple-testing family: every finding with a figure in the report (H-F1 to F24)."""
    frame = _listed()
    return list(frame[frame["test"].notna() & frame["figure"].notna()].index)


def _contrast(finding: str):
    """The finding's contrast, or an error that says where to add it."""
    if finding not in CONTRASTS:
        raise LookupError(f"finding {finding}: no contrast in seto2018/findings.py's CONTRASTS; add "
                       "one for every tested finding of data/published/findings.csv "
                       "(CONTRIBUTING.md, \"Adding a finding\")")
    return CONTRASTS[finding]


def _row(finding: str) -> dict:
    """The finding's row of findings.csv, as a dict (read once: the simulation calls this
    tens of thousands of times)."""
    rows = _rows()
    if finding not in rows:
        raise KeyError(f"no tested finding {finding!r} in {published.PUBLISHED_DIR / 'findings.csv'}"
                       f"; tested findings: {', '.join(tested())}")
    return rows[finding]


@cache
def _rows() -> dict[str, dict]:
    frame = _listed()
    return {finding: frame.loc[finding].to_dict() for finding in tested()}


def subsets(historic: dict[str, pd.DataFrame], modern: dict[str, pd.DataFrame]
            ) -> dict[str, pd.DataFrame]:
    """A dataset's rows as the findings read them: the subsets of ``findings.csv``.

    ``cases`` and ``victims`` (the historic dataset, each victim with its case's period), ``one``
    and ``multiple`` (the modern cases with their case-level codes, :func:`case_level`, split into
    cases with one victim and one offender and the rest). ``historic`` and ``modern`` are what
    ``load("historic")`` and ``load("modern")`` return.
    """
    cases = historic["cases"]
    victims = historic["victims"].merge(cases[["case_id", "period"]], on="case_id",
                                        validate="many_to_one")
    coded = case_level(modern)
    return {"cases": cases, "victims": victims,
            "one": coded[coded["structure"] == "one"],
            "multiple": coded[coded["structure"] == "multiple"]}


def _codes(column: pd.Series) -> pd.Series:
    """A column as text codes ("1", "true", "female"); missing stays missing."""
    if pd.api.types.is_bool_dtype(column.dtype):
        return column.map({True: "true", False: "false"}).astype("string")
    if pd.api.types.is_integer_dtype(column.dtype):
        return column.astype("Int64").astype("string")
    return column.astype("string")


def _group_of(groups: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {code: group for group, codes in groups.items() for code in codes}


@cache
def _sides(finding: str) -> tuple[tuple[str, dict], tuple[str, dict]]:
    row = _row(finding)
    return tuple(VARIABLES[(row["subset"], row[side])] for side in ("row_variable", "col_variable"))


def table(finding: str, data: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The finding's table of counts: one row per group of its row variable, one column per group
    of its column variable, in the order of :data:`VARIABLES`. Rows with a missing or unclear code
    in either variable are left out, as every chapter leaves them out.

    ``data`` is what :func:`subsets` returns (or any mapping with the same subsets and columns).
    """
    row = _row(finding)
    frame = data[row["subset"]]
    (row_column, row_groups), (col_column, col_groups) = _sides(finding)
    rows, cols = _group_numbers(frame[row_column], row_groups), _group_numbers(frame[col_column],
                                                                              col_groups)
    # Counted with bincount, not pd.crosstab: the chapters and the kit build this table about
    # 200 times a student, and crosstab took 5 ms of the 6 ms each took (same counts, tested).
    inside = (rows >= 0) & (cols >= 0)
    shape = (len(row_groups), len(col_groups))
    counts = np.bincount(rows[inside] * shape[1] + cols[inside],
                         minlength=shape[0] * shape[1]).reshape(shape)
    return pd.DataFrame(counts, index=pd.Index(list(row_groups), name=row["row_variable"]),
                        columns=pd.Index(list(col_groups), name=row["col_variable"]))


def _group_numbers(column: pd.Series, groups: dict[str, tuple[str, ...]]) -> np.ndarray:
    """Each row's position in ``groups`` by its code, or -1 (missing, or a code in no group)."""
    numbers, distinct = pd.factorize(column)  # a missing value is -1 here
    if not len(distinct):
        return numbers
    grouped = _codes(pd.Series(distinct)).map(_group_of(groups))
    position = pd.Index(list(groups)).get_indexer(grouped)
    return np.where(numbers >= 0, position[numbers], -1)


def tables_from_counts(finding: str, counts: np.ndarray, cells: pd.MultiIndex) -> np.ndarray:
    """The finding's tables from many datasets' counts at once (the simulation chapter).

    ``counts`` is one row per dataset, one column per cell of ``cells``, the index of the
    finding's population model (``synth.population()[model].index``; codes as text, unclear and
    missing included). Returns an array of tables, one per dataset, shaped as :func:`table`'s.
    """
    (row_column, row_groups), (col_column, col_groups) = _sides(finding)
    row_of = pd.Index(list(row_groups)).get_indexer(
        cells.get_level_values(row_column).map(_group_of(row_groups)))
    col_of = pd.Index(list(col_groups)).get_indexer(
        cells.get_level_values(col_column).map(_group_of(col_groups)))
    shape = (len(row_groups), len(col_groups))
    into = np.zeros((len(cells), shape[0] * shape[1]))
    inside = (row_of >= 0) & (col_of >= 0)
    into[np.flatnonzero(inside), row_of[inside] * shape[1] + col_of[inside]] = 1
    return (np.atleast_2d(counts) @ into).reshape(-1, *shape)


# ---------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------
def cochran_rule(expected: np.ndarray) -> bool:
    """Cochran's rule: no expected count below 1, and at most a fifth of them below 5."""
    expected = np.asarray(expected, dtype=float)
    return bool(expected.min() >= 1 and (expected < 5).mean() <= 0.2)


def expected_counts(counts: np.ndarray) -> np.ndarray:
    """Row total times column total over the grand total, for every cell."""
    counts = np.asarray(counts, dtype=float)
    return np.outer(counts.sum(axis=1), counts.sum(axis=0)) / counts.sum()


def _non_empty(counts: np.ndarray) -> np.ndarray:
    """The table without empty rows and columns (pd.crosstab never shows them)."""
    counts = np.asarray(counts, dtype=float)
    return counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0]


def _pearson(counts: np.ndarray) -> tuple[float, int]:
    expected = expected_counts(counts)
    statistic = float(((counts - expected) ** 2 / expected).sum())
    return statistic, (counts.shape[0] - 1) * (counts.shape[1] - 1)


def _chi_square(counts):
    statistic, df = _pearson(counts)
    return statistic, df, float(stats.chi2.sf(statistic, df))


def _fisher_exact(counts):
    if counts.shape != (2, 2):
        raise ValueError(f"Fisher's exact test needs a 2-by-2 table, not {counts.shape}")
    return float("nan"), None, float(stats.fisher_exact(counts).pvalue)


def _monte_carlo(counts):
    statistic, df = _pearson(counts)
    method = stats.MonteCarloMethod(n_resamples=MONTE_CARLO_TABLES,
                                    rng=np.random.default_rng(MONTE_CARLO_SEED))
    result = stats.chi2_contingency(counts, correction=False, method=method)
    return statistic, df, float(result.pvalue)


def logistic_fit(counts: np.ndarray, scores: np.ndarray, steps: int = 100):
    """Maximum-likelihood fit of a logistic regression of the outcome on one score.

    ``counts``: one row per score, one column per outcome group. With two groups this is the
    ordinary logistic regression of "the first column" on the score; with more, the multinomial
    (baseline-category) logit, the last column the baseline. Fitted by Newton's method on the
    grouped counts, which is what statsmodels' ``Logit`` and ``MNLogit`` fit from one row per case.
    Returns the parameters (intercept and slope of each non-baseline group), their covariance,
    and the log-likelihood.
    """
    counts = np.asarray(counts, dtype=float)
    scores = np.asarray(scores, dtype=float)
    groups = counts.shape[1] - 1
    design = np.column_stack([np.ones_like(scores), scores])           # levels x 2
    totals = counts.sum(axis=0)
    params = np.zeros((groups, 2))
    params[:, 0] = np.log(totals[:-1] / totals[-1])
    for _ in range(steps):
        eta = np.column_stack([design @ params.T, np.zeros(len(scores))])
        prob = np.exp(eta - eta.max(axis=1, keepdims=True))
        prob /= prob.sum(axis=1, keepdims=True)
        n = counts.sum(axis=1)
        gradient = ((counts[:, :-1] - n[:, None] * prob[:, :-1]).T @ design).ravel()
        hessian = np.zeros((2 * groups, 2 * groups))
        for j in range(groups):
            for k in range(groups):
                weight = n * prob[:, j] * ((j == k) - prob[:, k])
                hessian[2 * j:2 * j + 2, 2 * k:2 * k + 2] = (design * weight[:, None]).T @ design
        step = np.linalg.solve(hessian, gradient)
        params += step.reshape(groups, 2)
        if np.abs(step).max() < 1e-10:
            break
    else:
        raise ArithmeticError("the logistic regression did not converge (a group may be "
                              "separated by the score)")
    eta = np.column_stack([design @ params.T, np.zeros(len(scores))])
    log_prob = eta - np.log(np.exp(eta).sum(axis=1, keepdims=True))
    return params, np.linalg.inv(hessian), float((counts * log_prob).sum())


def _logistic_slope(counts, scores):
    counts = np.asarray(counts, dtype=float)
    keep = counts.sum(axis=1) > 0
    counts, scores = counts[keep], np.asarray(scores, dtype=float)[keep]
    counts = counts[:, counts.sum(axis=0) > 0]
    _, _, log_likelihood = logistic_fit(counts, scores)
    totals = counts.sum(axis=0)
    null = float((totals * np.log(totals / totals.sum())).sum())
    statistic = 2 * (log_likelihood - null)
    df = counts.shape[1] - 1
    return statistic, df, float(stats.chi2.sf(statistic, df))


_RUN = {"chi_square": _chi_square, "fisher_exact": _fisher_exact, "monte_carlo": _monte_carlo}


@dataclass(frozen=True)
class Result:
    """A finding's test on one dataset."""

    finding: str
    test: str
    statistic: float      # Pearson's chi-square, or the likelihood-ratio statistic; nan for Fisher
    df: int | None
    p: float
    n: int                # cases (victims for H-F2 and H-F3) in the table
    smallest_expected: float | None

    @property
    def significant(self) -> bool:
        return self.p < ALPHA

    def text(self) -> str:
        """The test as the book writes it: 'χ²(2) = 29.0, p < 0.001', 'Fisher's exact test, ...'."""
        if self.test == "fisher_exact":
            return f"Fisher's exact test, {p_value(self.p)}"
        if self.test == "logistic_slope":
            return f"likelihood-ratio χ²({self.df}) = {self.statistic:.1f}, {p_value(self.p)}"
        label = f"χ²({self.df}) = {self.statistic:.1f}, "
        if self.test == "monte_carlo":
            return label + f"Monte Carlo {p_value(self.p)}"
        return label + p_value(self.p)


def _scores(groups) -> np.ndarray:
    return np.array([float(code) for code in groups])


def run(finding: str, counts) -> Result:
    """The finding's test on its table of counts (a :func:`table`, or one of
    :func:`tables_from_counts`'s)."""
    name = _row(finding)["test"]
    counts = np.asarray(counts, dtype=float)
    rows = list(_sides(finding)[0][1])
    if name == "logistic_slope":
        statistic, df, p = _logistic_slope(counts, _scores(rows))
        smallest = None
    else:
        shown = _non_empty(counts)
        statistic, df, p = _RUN[name](shown)
        smallest = float(expected_counts(shown).min())
    return Result(finding, name, statistic, df, p, int(counts.sum()), smallest)


def test(finding: str, data: dict[str, pd.DataFrame]) -> Result:
    """The finding's one test on a dataset's :func:`subsets`."""
    return run(finding, table(finding, data))


# ---------------------------------------------------------------------------------------------
# One odds ratio per finding
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Contrast:
    """Rows ``group`` against ``versus`` (None: every other row), on the odds of the columns
    ``yes`` against ``no`` (None: every other column). No rows: the odds ratio per level."""

    label: str
    group: tuple[str, ...]
    versus: tuple[str, ...] | None
    yes: tuple[str, ...]
    no: tuple[str, ...] | None = None


_PER_LEVEL = ()
_YOUNGER = ("infant_toddler", "prepubescent")

#: Each finding summed up as one 2-by-2 comparison, oriented so that the direction the report
#: describes is an odds ratio above 1. The book's choice: the report's odds ratios are lost.
CONTRASTS = {
    "H-F1": _Contrast("level 3 or 4: 2008-2013 vs 2002-2007", PERIODS[3:], None, ("3", "4")),
    "H-F2": _Contrast("pubescent victim: 2008-2009 vs other periods", ("2008-2009",), None,
                      ("pubescent",)),
    "H-F3": _Contrast("boy: 2004-2011 vs the first and last periods", PERIODS[1:5], None,
                      ("male",)),
    "F4": _Contrast("traded: girl vs boy", ("female",), ("male",), ("true",)),
    "F5": _Contrast("traded: prepubescent vs other ages", ("prepubescent",), None, ("true",)),
    "F6": _Contrast("traded: female vs male offender", ("female",), ("male",), ("true",)),
    "F7": _Contrast("traded: per level", _PER_LEVEL, None, ("true",)),
    "F8": _Contrast("traded: familial vs non-familial", FAMILIAL, None, ("true",)),
    "F9": _Contrast("familial: female vs male offender", ("female",), ("male",), ("familial",)),
    "F10": _Contrast("familial: girl vs boy", ("female",), ("male",), ("familial",)),
    "F11": _Contrast("familial: infant/toddler or prepubescent vs pubescent", _YOUNGER, None,
                     ("familial",)),
    "F12": _Contrast("familial: level 4 vs levels 1-3", ("4",), None, ("familial",)),
    "S1": _Contrast("infant/toddler or prepubescent: boy vs girl", ("male",), ("female",),
                    _YOUNGER),
    "S2": _Contrast("level 4: boy vs girl", ("male",), ("female",), ("4",)),
    "F13": _Contrast("traded: girls and boys vs one gender", ("mixed",), None, ("true",)),
    "F14": _Contrast("traded: infant/toddler only vs other cases", ("infant_toddler",), None,
                     ("true",)),
    "F15": _Contrast("traded: per level", _PER_LEVEL, None, ("true",)),
    "F16": _Contrast("traded: female and male offenders vs male only", ("mixed",), ("male",),
                     ("true",)),
    "F17": _Contrast("traded: familial only vs non-familial only", ("familial",),
                     ("non_familial",), ("true",)),
    "F18": _Contrast("familial only: any female offender vs male only", ("female", "mixed"),
                     ("male",), ("familial",)),
    "F19": _Contrast("familial only: girls only vs other cases", ("female",), None,
                     ("familial",)),
    "F20": _Contrast("non-familial only: pubescent only vs other cases", ("pubescent",), None,
                     ("non_familial",)),
    "F21": _Contrast("familial only vs non-familial only: per level", _PER_LEVEL, None,
                     ("familial",), ("non_familial",)),
    "F22": _Contrast("female and male offenders: younger victims vs other cases", _YOUNGER, None,
                     ("mixed",)),
    "F23": _Contrast("girls and boys: female and male offenders vs one gender", ("mixed",), None,
                     ("mixed",)),
    "F24": _Contrast("female and male offenders: level 4 vs levels 1-3", ("4",), None,
                     ("mixed",)),
}


@dataclass(frozen=True)
class Comparison:
    """A finding's odds ratio: a 2-by-2 comparison, or the odds ratio per level of a slope.

    The interval follows the test: Woolf's (log odds ratio ± 1.96 standard errors) where the
    2-by-2 table meets Cochran's rule and has no empty cell, the exact conditional interval (with
    the conditional maximum-likelihood estimate and Fisher's exact p) where it does not; Wald's
    for a slope.
    """

    finding: str
    label: str
    cells: np.ndarray | None     # [[group yes, group no], [versus yes, versus no]]; None: slope
    odds_ratio: float
    low: float
    high: float
    method: str                  # "Woolf", "exact" or "Wald"
    p_fisher: float | None = None

    def text(self) -> str:
        """'OR 2.59, 95% CI [1.49, 4.50]', with '(exact)' and Fisher's p for an exact interval."""
        text = f"OR {self.odds_ratio:.2f}, 95% CI [{self.low:.2f}, {self.high:.2f}]"
        if self.method == "exact":
            text += f" (exact; Fisher's {p_value(self.p_fisher)})"
        return text


def _positions(names, chosen) -> np.ndarray:
    return np.isin(np.asarray(names), chosen)


def two_by_two(finding: str, counts) -> np.ndarray:
    """The finding's comparison as a 2-by-2 table of counts (not for a slope)."""
    contrast = _contrast(finding)
    rows, cols = (list(side[1]) for side in _sides(finding))
    counts = np.asarray(counts, dtype=float)
    group = _positions(rows, contrast.group)
    versus = _positions(rows, contrast.versus) if contrast.versus else ~group
    yes = _positions(cols, contrast.yes)
    no = _positions(cols, contrast.no) if contrast.no else ~yes
    return np.array([[counts[group][:, yes].sum(), counts[group][:, no].sum()],
                     [counts[versus][:, yes].sum(), counts[versus][:, no].sum()]])


def sample_odds_ratio(cells: np.ndarray) -> float:
    """a·d / (b·c); infinite or nan when a cell is empty."""
    (a, b), (c, d) = np.asarray(cells, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(a * d / (b * c))


def odds_ratio_per_level(finding: str, counts) -> tuple[float, float, float]:
    """A slope finding's odds ratio per level and its Wald 95% interval."""
    contrast = _contrast(finding)
    cols = list(_sides(finding)[1][1])
    counts = np.asarray(counts, dtype=float)
    yes = _positions(cols, contrast.yes)
    no = _positions(cols, contrast.no) if contrast.no else ~yes
    pair = np.column_stack([counts[:, yes].sum(axis=1), counts[:, no].sum(axis=1)])
    keep = pair.sum(axis=1) > 0
    params, covariance, _ = logistic_fit(pair[keep], _scores(_sides(finding)[0][1])[keep])
    slope, se = params[0, 1], np.sqrt(covariance[1, 1])
    return tuple(float(np.exp(slope + z * se)) for z in (0, -1.959964, 1.959964))


def compare(finding: str, counts) -> Comparison:
    """The finding's odds ratio with its 95% interval, from its table of counts."""
    contrast = _contrast(finding)
    if contrast.group == _PER_LEVEL:
        estimate, low, high = odds_ratio_per_level(finding, counts)
        return Comparison(finding, contrast.label, None, estimate, low, high, "Wald")
    cells = two_by_two(finding, counts)
    if cells.min() > 0 and cochran_rule(expected_counts(cells)):
        estimate = sample_odds_ratio(cells)
        se = np.sqrt((1 / cells).sum())
        low, high = np.exp(np.log(estimate) + np.array([-1.959964, 1.959964]) * se)
        return Comparison(finding, contrast.label, cells, estimate, float(low), float(high),
                          "Woolf")
    exact = stats.contingency.odds_ratio(cells.astype(int), kind="conditional")
    interval = exact.confidence_interval(0.95)
    return Comparison(finding, contrast.label, cells, float(exact.statistic),
                      float(interval.low), float(interval.high), "exact",
                      float(stats.fisher_exact(cells).pvalue))


# ---------------------------------------------------------------------------------------------
# Directions: what the report describes, on the table's shares
# ---------------------------------------------------------------------------------------------
def _share(counts: np.ndarray, cols, yes) -> np.ndarray:
    """Each row's share in the columns named ``yes``."""
    counts = np.asarray(counts, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return counts[:, _positions(cols, yes)].sum(axis=1) / counts.sum(axis=1)


def _is_top(shares, rows, top) -> bool:
    return rows[int(np.nanargmax(shares))] == top


def _later_more(t, rows, cols):  # H-F1
    severe = _share(t, cols, ("3", "4"))
    early, late = t[:3], t[3:]
    pooled = [_share(part.sum(axis=0, keepdims=True), cols, ("3", "4"))[0]
              for part in (early, late)]
    return pooled[1] > pooled[0] and severe[-1] > severe[0]


def _shift_2008(t, rows, cols):  # H-F2: pubescent highest in 2008-09, the other periods alike
    others = np.delete(t, rows.index("2008-2009"), axis=0)
    return (_is_top(_share(t, cols, ("pubescent",)), rows, "2008-2009")
            and _chi_square(_non_empty(others))[2] >= ALPHA)


def _up_then_down(t, rows, cols):  # H-F3
    boys = _share(t, cols, ("male",))
    middle = boys[1:-1]
    return boys[0] < middle.min() and boys[-1] < middle.min()


def _order_f8(t, rows, cols):
    traded = _share(t, cols, ("true",))
    familial = two_by_two("F8", t)
    return (rows[int(np.argmax(traded))] == "nuclear_family"
            and rows[int(np.argmin(traded))] == "unknown_to_child"
            and sample_odds_ratio(familial) > 1)


def _younger_more_familial(t, rows, cols):  # F11: infant > prepubescent > pubescent
    familial = _share(t, cols, ("familial",))
    return bool(np.all(np.diff(familial) < 0))


def _boys_younger(t, rows, cols):  # S1: boys less often pubescent, more often infants
    pubescent = _share(t, cols, ("pubescent",))
    infants = _share(t, cols, ("infant_toddler",))
    girl, boy = rows.index("female"), rows.index("male")
    return pubescent[boy] < pubescent[girl] and infants[boy] > infants[girl]


def _rises(t, rows, cols):  # F15: the share traded rises at every level, slope above 1
    return (bool(np.all(np.diff(_share(t, cols, ("true",))) > 0))
            and odds_ratio_per_level("F15", t)[0] > 1)


def _female_familial(t, rows, cols):  # F18: female only and mixed above male only
    familial = dict(zip(rows, _share(t, cols, ("familial",))))
    return min(familial["female"], familial["mixed"]) > familial["male"]


def _younger_both_genders(t, rows, cols):  # F22
    both = dict(zip(rows, _share(t, cols, ("mixed",))))
    return min(both["infant_toddler"], both["prepubescent"]) > max(both["pubescent"],
                                                                  both["mixed"])


def _mostly_male_and_girls(t, rows, cols):  # F23: most offenders male (incl. mixed), most girls
    t = np.asarray(t, dtype=float)
    with_male = t[:, _positions(cols, ("male", MIXED))].sum() / t.sum()
    girls = t[rows.index("female")].sum() / t.sum()
    return with_male > 0.5 and girls > 0.5


def _none(t, rows, cols):
    return True


def _top(top, yes):
    def most(t, rows, cols):
        return _is_top(_share(t, cols, yes), rows, top)
    return most


def _above(first, second, yes):
    def higher(t, rows, cols):
        shares = dict(zip(rows, _share(t, cols, yes)))
        return shares[first] > shares[second]
    return higher


def _slope_above_one(finding):
    def rising(t, rows, cols):
        return odds_ratio_per_level(finding, t)[0] > 1
    return rising


#: The direction each finding describes, as a test of its table's shares. No direction for the
#: findings the report calls not significant or states no claim for (F4, F6, F19, F21, F24).
DIRECTIONS = {
    "H-F1": _later_more, "H-F2": _shift_2008, "H-F3": _up_then_down,
    "F4": _none, "F5": _top("prepubescent", ("true",)), "F6": _none,
    "F7": _slope_above_one("F7"), "F8": _order_f8,
    "F9": _above("female", "male", ("familial",)), "F10": _above("female", "male", ("familial",)),
    "F11": _younger_more_familial, "F12": _top("4", ("familial",)),
    "S1": _boys_younger, "S2": _above("male", "female", ("4",)),
    "F13": _top("mixed", ("true",)), "F14": _top("infant_toddler", ("true",)), "F15": _rises,
    "F16": _top("mixed", ("true",)), "F17": _top("familial", ("true",)),
    "F18": _female_familial, "F19": _none, "F20": _top("pubescent", ("non_familial",)),
    "F21": _none, "F22": _younger_both_genders, "F23": _mostly_male_and_girls, "F24": _none,
}


def direction_holds(finding: str, counts) -> bool:
    """Does the table show the direction the report describes?"""
    rows, cols = (list(side[1]) for side in _sides(finding))
    if finding not in DIRECTIONS:
        raise LookupError(f"finding {finding}: no direction in seto2018/findings.py's DIRECTIONS; add "
                       "one for every tested finding of data/published/findings.csv "
                       "(CONTRIBUTING.md, \"Adding a finding\")")
    return bool(DIRECTIONS[finding](np.asarray(counts, dtype=float), rows, cols))


# ---------------------------------------------------------------------------------------------
# Verdicts
# ---------------------------------------------------------------------------------------------
def agrees(finding: str, result: Result, direction: bool) -> bool:
    """The direction holds, and significance is what the book reads the report to say."""
    return direction and result.significant == (_row(finding)["book_reading"] == "significant")


def _expectation(finding: str) -> str:
    row = _row(finding)
    source = row["figure"] if pd.notna(row["figure"]) else finding
    what = f"{row['direction']}, {row['book_reading']}"
    return f"{finding} ({source}): expected {what}"


def check(finding: str, data: dict[str, pd.DataFrame], p: float | None = None) -> Result:
    """Test one finding on ``data`` (:func:`subsets`) and raise :class:`FindingNotReproduced`
    naming the finding and what was expected if the result disagrees with the report.

    ``p``, if given, is the p-value a chapter computed in the open: it must be the p-value of
    the finding's one test, or the chapter has tested the finding another way.

    It checks whatever ``data`` it is given; chapters call it through
    :func:`seto2018.checks.finding`, which runs it on the book's own dataset only.
    """
    counts = table(finding, data)
    result = run(finding, counts)
    if p is not None and not np.isclose(p, result.p, rtol=1e-6, atol=1e-12):
        raise FindingNotReproduced(
            f"{finding}: the chapter's p-value {p:.6g} is not that of the finding's test "
            f"({result.test} in findings.csv: {result.p:.6g})")
    direction = direction_holds(finding, counts)
    if not agrees(finding, result, direction):
        got = ("direction holds" if direction else "direction does not hold")
        raise FindingNotReproduced(f"{_expectation(finding)}; got {result.text()}, {got}")
    return result


def verdicts(data: dict[str, pd.DataFrame], findings: list[str] | None = None) -> pd.DataFrame:
    """Every tested finding on one dataset: its test, odds ratio, direction and verdict."""
    rows = []
    for finding in findings or tested():
        counts = table(finding, data)
        result, comparison = run(finding, counts), compare(finding, counts)
        direction = direction_holds(finding, counts)
        listed = _row(finding)
        rows.append({
            "id": finding, "figure": listed["figure"], "test": result.test,
            "statistic": result.statistic, "df": result.df, "p": result.p,
            "result": result.text(), "n": result.n,
            "smallest expected": result.smallest_expected,
            "comparison": comparison.label, "odds ratio": comparison.odds_ratio,
            "low": comparison.low, "high": comparison.high, "interval": comparison.method,
            "report says": listed["significance"], "book reading": listed["book_reading"],
            "direction holds": direction, "agrees": agrees(finding, result, direction),
        })
    return pd.DataFrame(rows).set_index("id")
