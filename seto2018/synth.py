"""Synthetic data for Seto et al. (2018): every published count exact, every finding in direction.

The report printed Table 1, Table 3 and a few percentages; its figures are lost. For each finding
the book chose a two-way table of whole counts with the published margins and the association the
report's sentence describes: ``data/published/targets.csv``, each row naming its finding.

1. Fit, once: iterative proportional fitting gives the joint distribution of a dataset's
   case-level codes whose two-way margins are those tables (a log-linear model with exactly those
   associations). :func:`population` returns it.
2. Whole counts, per seed: variables are added one at a time by systematic rounding of their
   fitted conditional distribution, so every published margin is exact. The small, decisive
   tables are rounded within strata and stay exact (41 female offenders, 17 female-only offender
   cases, 22 infant/toddler-only cases, the 59/43/14 table); unit moves bring every other target
   cell within a count or two. The seed decides the rounding, so cells vary a little.
3. Rows: cases, then victims, offenders and one row per victim-offender pair, drawn to agree
   with each case's codes ("mixed" needs two different people). No row is a real child or case.

Sample mode (``generate(seed, mode="sample")``) replaces step 2 by a random draw from the fitted
population (:func:`sample_counts`): a replication of the study, whose counts vary from draw to
draw as a new study's would. Step 3 is the same.
"""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import DEFAULT_SEED, published
from .contract import (ACTIVELY_TRADED_FROM, ACTIVITY_CODES, AGES, COLUMNS, ETHNICITIES,
                       FOREIGN_KEYS, GENDERS, MIXED, PERIODS, PRIMARY_KEYS,
                       RELATIONSHIPS, SCHEMA, STRUCTURES, STUDY_PERIOD, TABLES, Column)

__all__ = ["TABLES", "COLUMNS", "MODES", "generate", "write", "population", "study_sizes",
           "sample_counts", "datapackage"]

# --------------------------------------------------------------------------------------------
# Codes: the data contract's (seto2018/contract.py); the models work on text codes
# --------------------------------------------------------------------------------------------
ACTIVITY = ACTIVITY_CODES + ("unclear",)  # "unclear" becomes an empty field
FIRST_DAY, LAST_DAY = (np.datetime64(day) for day in STUDY_PERIOD)

#: faithful: the published counts exact, every finding by construction; sample: a replication.
MODES = ("faithful", "sample")


# --------------------------------------------------------------------------------------------
# The four case-level models and how each is rounded
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """Adding one variable to the whole-number table.

    ``held``: an earlier variable whose two-way table with this one is kept exact (rounding is
    done within its strata). ``keys``: earlier variables to sort cells by before rounding (keeps
    those tables close from the start). ``exact``: earlier variables whose tables the repair moves
    make exact rather than within one count.
    """

    variable: str
    held: str | None = None
    keys: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()


@dataclass(frozen=True)
class Model:
    name: str
    levels: dict[str, tuple[str, ...]]  # variable -> codes, in the order the steps add them
    steps: tuple[Step, ...]


_ONE_LEVELS = {
    "relationship": RELATIONSHIPS,
    "victim_age": AGES,
    "offender_gender": ("female", "male", "missing"),
    "victim_gender": GENDERS,
    "sexual_activity": ACTIVITY,
    "actively_traded": ("false", "true"),
}
_MULTIPLE_LEVELS = {
    "offender_gender": GENDERS + (MIXED, "missing"),
    "relationship": ("non_familial", "familial", MIXED),  # the rounding order, not the contract's
    "victim_age": AGES + (MIXED,),
    "victim_gender": GENDERS + (MIXED,),
    "sexual_activity": ACTIVITY,
    "actively_traded": ("false", "true"),
}

def _traded(*keys: str) -> Step:
    """Trading, added last in both modern models: within offender gender, sorted by ``keys``,
    with its table by victim age made exact."""
    return Step("actively_traded", held="offender_gender", keys=keys, exact=("victim_age",))


MODELS = {model.name: model for model in (
    Model("historic_cases", {"period": PERIODS, "sexual_activity": ACTIVITY},
          (Step("period"), Step("sexual_activity"))),
    Model("historic_victims", {"period": PERIODS, "age_category": AGES, "gender": GENDERS},
          (Step("period"), Step("age_category"), Step("gender"))),
    # One victim, one offender. Held: the 59/43/14 age-by-relationship table, and the 41 female
    # offenders' relationship and trading; infants' trading made exact (only a handful traded).
    Model("modern_one", _ONE_LEVELS, (
        Step("relationship"), Step("victim_age", held="relationship"),
        Step("offender_gender", held="relationship", keys=("victim_age",)),
        Step("victim_gender", keys=("victim_age", "relationship")),
        Step("sexual_activity", keys=("relationship", "victim_gender")),
        _traded("sexual_activity", "victim_gender", "victim_age", "relationship"))),
    # Case-level codes of multiple-relationship cases. Held: the 17 female-only offender cases'
    # relationship, age and trading; the 22 infant/toddler-only cases' trading made exact.
    Model("modern_multiple", _MULTIPLE_LEVELS, (
        Step("offender_gender"), Step("relationship", held="offender_gender"),
        Step("victim_age", held="offender_gender", keys=("relationship",)),
        Step("victim_gender", keys=("offender_gender", "relationship")),
        Step("sexual_activity", keys=("relationship", "offender_gender")),
        _traded("victim_age", "sexual_activity", "victim_gender", "relationship"))),
)}


# --------------------------------------------------------------------------------------------
# 1. Fit once: targets -> joint distribution
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fit:
    model: Model
    total: int
    margins: dict[str, np.ndarray]  # variable -> whole counts per level
    tables: dict[tuple[str, str], np.ndarray]  # (a, b) and (b, a) -> whole-count target table
    joint: np.ndarray  # fitted expected counts, one axis per variable (model order)
    conditionals: tuple[np.ndarray, ...]  # per step: P(variable | earlier variables)


def _target_tables(model: Model, rows: pd.DataFrame) -> dict[tuple[str, str], np.ndarray]:
    """The model's two-way target tables from targets.csv, as whole-count arrays."""
    tables = {}
    two_way = rows[rows["col_variable"].notna()]
    for (a, b), cells in two_way.groupby(["row_variable", "col_variable"], sort=False):
        la, lb = model.levels[a], model.levels[b]
        table = np.zeros((len(la), len(lb)), dtype=np.int64)
        for ra, cb, count in zip(cells["row_level"], cells["col_level"], cells["count"]):
            if ra not in la or cb not in lb:
                raise ValueError(f"targets.csv: unknown level {ra!r} or {cb!r} in {model.name}")
            table[la.index(ra), lb.index(cb)] = count
        tables[(a, b)], tables[(b, a)] = table, table.T
    return tables


def _margins(model: Model, tables: dict) -> tuple[int, dict[str, np.ndarray]]:
    """One-way margins implied by the target tables; they must agree across tables."""
    margins: dict[str, np.ndarray] = {}
    for (a, _), table in tables.items():
        margin = table.sum(axis=1)
        if a in margins and not np.array_equal(margins[a], margin):
            raise ValueError(f"targets.csv: tables of {model.name} disagree on {a}'s margin")
        margins[a] = margin
    missing = set(model.levels) - set(margins)
    if missing:
        raise ValueError(f"targets.csv: no target table for {sorted(missing)} in {model.name}")
    totals = {int(m.sum()) for m in margins.values()}
    if len(totals) != 1:
        raise ValueError(f"targets.csv: tables of {model.name} have different totals {totals}")
    return totals.pop(), margins


def _check_published(fits: dict[str, Fit]) -> None:
    """The book's targets must reproduce Table 1 and Table 3 to the unit."""
    periods = published.table1().set_index("period")["cases"]
    got = dict(zip(PERIODS, fits["historic_cases"].margins["period"].tolist()))
    if got != {p: int(periods[p]) for p in PERIODS}:
        raise ValueError(f"targets.csv: historic cases by period {got} differ from Table 1")
    table3 = published.table3()
    for subset, model in (("one", "modern_one"), ("multiple", "modern_multiple")):
        fit = fits[model]
        for row in table3[table3["subset"] == subset].itertuples():
            levels = fit.model.levels[row.variable]
            code = row.category
            got = int(fit.margins[row.variable][levels.index(code)])
            if got != row.count:
                raise ValueError(f"targets.csv: {model} {row.variable}={code} is {got}, "
                                 f"Table 3 says {row.count}")


def _ipf(shape: tuple[int, ...], tables: dict[tuple[int, int], np.ndarray],
         tolerance: float = 1e-9, max_sweeps: int = 1000) -> np.ndarray:
    """Iterative proportional fitting: the joint table whose two-way margins are ``tables``.

    Starts from a uniform table and rescales it to each target margin in turn until none moves.
    """
    total = next(iter(tables.values())).sum()
    joint = np.full(shape, total / np.prod(shape))
    for _ in range(max_sweeps):
        worst = 0.0
        for (i, j), target in tables.items():
            others = tuple(k for k in range(len(shape)) if k not in (i, j))
            current = joint.sum(axis=others)  # axes (i, j) since i < j
            worst = max(worst, float(np.abs(current - target).max()))
            ratio = np.divide(target, current, out=np.zeros_like(current), where=current > 0)
            joint *= np.expand_dims(ratio, others)
        if worst < tolerance:
            return joint
    raise RuntimeError("iterative proportional fitting did not converge: targets inconsistent")


def _conditional(joint: np.ndarray, upto: int) -> np.ndarray:
    """P(variable ``upto`` | variables 0..upto-1), from the joint (axes in model order)."""
    marginal = joint.sum(axis=tuple(range(upto + 1, joint.ndim)))
    totals = marginal.sum(axis=-1, keepdims=True)
    return np.divide(marginal, totals, out=np.zeros_like(marginal), where=totals > 0)


@functools.cache
def _fits() -> dict[str, Fit]:
    """Fit every model once per process (about 0.1 s); generation then only rounds and draws."""
    targets = published.targets()
    fits = {}
    for name, model in MODELS.items():
        order = [step.variable for step in model.steps]
        if order != list(model.levels):
            raise AssertionError(f"{name}: levels must be listed in step order")
        tables = _target_tables(model, targets[targets["model"] == name])
        total, margins = _margins(model, tables)
        shape = tuple(len(model.levels[v]) for v in order)
        by_axis = {(order.index(a), order.index(b)): t for (a, b), t in tables.items()
                   if order.index(a) < order.index(b)}
        joint = _ipf(shape, {k: t.astype(float) for k, t in by_axis.items()})
        conditionals = tuple(_conditional(joint, k) for k in range(len(order)))
        fits[name] = Fit(model, total, margins, tables, joint, conditionals)
    _check_published(fits)
    return fits


def population() -> dict[str, pd.Series]:
    """The fitted population: for each model, the probability of every combination of codes.

    Keys: ``historic_cases`` (period x sexual_activity), ``historic_victims`` (period x
    age_category x gender), ``modern_one`` and ``modern_multiple`` (relationship, victim_age,
    offender_gender, victim_gender, sexual_activity, actively_traded: case-level codes, "mixed"
    included for multiple cases). Each value is a Series indexed by a MultiIndex of codes, summing
    to 1. Its two-way margins times the dataset's size are the target tables of targets.csv.
    This is the population a "sample mode" would draw replications from.
    """
    return {name: pd.Series(fit.joint.ravel() / fit.total, index=_code_index(name),
                            name="probability")
            for name, fit in _fits().items()}


def study_sizes() -> dict[str, int]:
    """The study's sizes: units of each model of :func:`population` (cases, or historic victims)."""
    return {name: fit.total for name, fit in _fits().items()}


def _check_sizes(n) -> dict[str, int]:
    """Sizes for sample mode: the study's, with those ``n`` names replaced."""
    sizes = study_sizes()
    if n is None:
        return sizes
    if not isinstance(n, dict):
        raise TypeError(f"n must be a dict of sizes keyed by {list(sizes)}, not "
                        f"{type(n).__name__}")
    unknown = sorted(set(n) - set(sizes))
    if unknown:
        raise ValueError(f"n: unknown size {unknown}; the sizes are {list(sizes)}")
    for name, size in n.items():
        if isinstance(size, (bool, np.bool_)) or not isinstance(size, (int, np.integer)):
            raise TypeError(f"n[{name!r}] must be a whole number, not {size!r}")
        if size < 1:
            raise ValueError(f"n[{name!r}] must be at least 1, not {size}")
    sizes.update({name: int(size) for name, size in n.items()})
    if sizes["historic_victims"] < sizes["historic_cases"]:
        raise ValueError(f"n: historic_victims ({sizes['historic_victims']}) must be at least "
                         f"historic_cases ({sizes['historic_cases']}): every series has a victim")
    return sizes


def _draw_counts(sizes: dict[str, int], rng) -> dict[str, np.ndarray]:
    """One replication: whole counts over each model's code combinations (arrays like the joint).

    Cases are independent draws from the population, so the counts are multinomial. Historic
    victims belong to series: each period gets at least as many victims as it has series, the
    rest spread as the population spreads them, and then age and gender within each period.
    """
    fits = _fits()
    counts = {}
    for name in ("historic_cases", "modern_one", "modern_multiple"):
        p = fits[name].joint / fits[name].total
        counts[name] = rng.multinomial(sizes[name], p.ravel()).reshape(p.shape)
    cases = counts["historic_cases"].sum(axis=1)  # series per period
    victims_fit = fits["historic_victims"].joint
    expected_victims = sizes["historic_victims"] * victims_fit.sum(axis=(1, 2)) / victims_fit.sum()
    expected_cases = sizes["historic_cases"] * fits["historic_cases"].joint.sum(axis=1) \
        / fits["historic_cases"].total
    expected_extra = np.clip(expected_victims - expected_cases, 0, None)
    weights = expected_extra * (cases > 0)
    if weights.sum() == 0:  # no room by the population's shares: extras go where series are
        weights = cases.astype(float)
    extra = rng.multinomial(sizes["historic_victims"] - cases.sum(), weights / weights.sum())
    within = victims_fit / victims_fit.sum(axis=(1, 2), keepdims=True)
    counts["historic_victims"] = np.stack([
        rng.multinomial(v, within[k].ravel()).reshape(within[k].shape)
        for k, v in enumerate(cases + extra)])
    return {name: counts[name] for name in fits}


def _streams(seed: int):
    """Random streams of one seed: historic rows, modern rows, and the sample mode's draw."""
    return np.random.SeedSequence(seed).spawn(3)


def sample_counts(seed: int = DEFAULT_SEED, n: dict[str, int] | None = None
                  ) -> dict[str, pd.Series]:
    """The case-level counts of one replication: what ``generate(seed, mode="sample", n=n)``
    tabulates to.

    Same keys and index as :func:`population`; each value is an ``int64`` Series named
    ``count`` summing to the model's size. ``n``: sizes to change, keyed like
    :func:`study_sizes` (the study's sizes by default). Same seed and sizes, same counts.
    """
    seed, sizes = _check_seed(seed), _check_sizes(n)
    draw = _draw_counts(sizes, np.random.default_rng(_streams(seed)[2]))
    return {name: pd.Series(counts.ravel(), index=_code_index(name), name="count")
            for name, counts in draw.items()}


@functools.cache
def _code_index(name: str) -> pd.MultiIndex:
    """Every combination of a model's codes, in the joint's order (built once: a replication
    loop calls :func:`sample_counts` a thousand times)."""
    levels = _fits()[name].model.levels
    return pd.MultiIndex.from_product(list(levels.values()), names=list(levels))


@functools.cache
def _ethnicity_counts(variable: str) -> np.ndarray:
    """Exact ethnicity counts of one-relationship victims or offenders (P1), white first, missing last."""
    rows = published.targets()
    rows = rows[(rows["model"] == "modern_one") & (rows["row_variable"] == variable)]
    counts = dict(zip(rows["row_level"], rows["count"].astype(int)))
    absent = [code for code in ETHNICITIES + ("missing",) if code not in counts]
    if absent:
        raise LookupError(f"data/published/targets.csv: no count of {variable} for the code(s) "
                       f"{', '.join(absent)} (model modern_one, finding P1); every code of "
                       "contract.ETHNICITIES needs one (CONTRIBUTING.md, \"Adding a code\")")
    return np.array([counts[e] for e in ETHNICITIES + ("missing",)])


# --------------------------------------------------------------------------------------------
# 2. Whole counts (per seed)
# --------------------------------------------------------------------------------------------
def _shift_to_totals(capacity, p, strata, totals, iterations=50):
    """Expected counts ``capacity * p``, shifted on the logit scale per stratum to sum to ``totals``.

    A logit shift keeps every cell between 0 and its capacity and changes the fitted odds ratios
    within a stratum not at all.
    """
    p = np.clip(p, 1e-12, 1 - 1e-12)
    base = np.log(p) - np.log1p(-p)
    shift = np.zeros(len(totals))
    for _ in range(iterations):
        e = 1.0 / (1.0 + np.exp(-(base + shift[strata])))
        gap = np.bincount(strata, capacity * e, minlength=len(totals)) - totals
        if np.abs(gap).max() < 1e-9:
            break
        slope = np.bincount(strata, capacity * e * (1 - e), minlength=len(totals))
        step = np.divide(gap, slope, out=np.zeros_like(gap), where=slope > 1e-12)
        shift -= np.clip(step, -5, 5)
    return capacity * e


def _systematic_round(expected, order, strata, totals, offset):
    """Whole counts along ``order`` whose running sums stay within 1 of the expected running sums.

    Each stratum's total comes out exact (its running sum ends on a whole number), and every run
    of neighbouring cells is within one count of its expectation.
    """
    cumulative = np.cumsum(expected[order])
    ordered_strata = strata[order]
    ends = np.r_[ordered_strata[1:] != ordered_strata[:-1], True]
    cumulative[ends] = np.cumsum(totals[ordered_strata[ends]])  # remove floating-point drift
    counts = np.diff(np.floor(cumulative + offset), prepend=0.0)
    out = np.empty(len(expected), dtype=np.int64)
    out[order] = counts
    return out


def _keep_totals(counts, capacity, expected, strata, totals):
    """Put back units lost to a floating-point edge case (a cell rounded above its capacity)."""
    short = totals.astype(np.int64) - np.bincount(strata, counts, minlength=len(totals))
    for stratum in np.flatnonzero(short > 0):
        room = np.flatnonzero((strata == stratum) & (counts < capacity))
        for cell in room[np.argsort(counts[room] - expected[room])][:short[stratum]]:
            counts[cell] += 1
    return counts


def _repair(counts, capacity, expected, strata, goals):
    """Move single units between cells of one stratum until each goal table is within tolerance.

    ``goals``: (codes, target sums, tolerance). Moving a unit from cell i to cell j changes the
    sums of the groups i and j belong to; each move lowers the weighted squared gap (tables to be
    made exact weigh more) until every table is within its tolerance or no move helps. Stratum
    totals never change.
    """
    counts = counts.copy()
    weights = np.array([4.0 if tol == 0 else 1.0 for _, _, tol in goals])
    codes = np.column_stack([c for c, _, _ in goals]) if goals else np.zeros((len(counts), 0), int)
    while True:
        gaps = [np.bincount(c, counts, minlength=len(t)) - t for c, t, _ in goals]
        if all(np.abs(g).max() <= tol for g, (_, _, tol) in zip(gaps, goals)):
            return counts
        # A cell's score: how far over target its groups are (small tie-break: over expectation).
        score = sum(w * g[c] for w, g, (c, _, _) in zip(weights, gaps, goals))
        score = score + 1e-3 * (counts - expected)
        move = _best_move(counts, capacity, strata, score, codes, weights)
        if move is None:
            return counts
        counts[move[0]] -= 1
        counts[move[1]] += 1


def _best_move(counts, capacity, strata, score, codes, weights):
    """The unit move (i -> j, same stratum) that lowers the weighted squared gap the most.

    The gain of a move is score[i] - score[j] minus the summed weights of the tables in which i
    and j fall in different groups (halved change in the squared gap). First try the highest- and
    lowest-scoring cells; if that pair does not help, search every donor-taker pair.
    """
    donors = np.flatnonzero(counts >= 1)
    takers = np.flatnonzero(counts < capacity)
    if len(donors) == 0 or len(takers) == 0:
        return None
    i, j = donors[np.argmax(score[donors])], takers[np.argmin(score[takers])]
    if strata[i] == strata[j]:
        gain = score[i] - score[j] - weights @ (codes[i] != codes[j])
        if gain > 0:
            return i, j
    # exhaustive search (rarely needed): all pairs within a stratum
    differ = (codes[donors][:, None, :] != codes[takers][None, :, :]) @ weights
    gain = score[donors][:, None] - score[takers][None, :] - differ
    gain[strata[donors][:, None] != strata[takers][None, :]] = -np.inf
    gain[donors[:, None] == takers[None, :]] = -np.inf
    best = np.unravel_index(np.argmax(gain), gain.shape)
    if gain[best] <= 0:
        return None
    return donors[best[0]], takers[best[1]]


def _add_variable(fit: Fit, k: int, cells: np.ndarray, counts: np.ndarray, rng):
    """Split each cell's count over the levels of step ``k``'s variable (whole numbers)."""
    step, order = fit.model.steps[k], [s.variable for s in fit.model.steps]
    earlier, variable = order[:k], step.variable
    probs = fit.conditionals[k][tuple(cells.T)]  # (cells, levels)
    n_levels = probs.shape[1]
    if step.held:
        strata = cells[:, earlier.index(step.held)]
        stratum_totals = fit.tables[(step.held, variable)]
    else:
        strata = np.zeros(len(counts), dtype=np.int64)
        stratum_totals = fit.margins[variable][None, :]
    goal_tables = [(cells[:, earlier.index(w)], fit.tables[(w, variable)], 0 if w in step.exact else 1)
                   for w in earlier if w != step.held and (w, variable) in fit.tables]
    sort_keys = [cells[:, earlier.index(w)] for w in reversed(step.keys)]
    order_cells = np.lexsort([rng.random(len(counts)), *sort_keys, strata])
    later_mass = np.cumsum(probs[:, ::-1], axis=1)[:, ::-1]
    carry = [np.zeros(t.shape[0], dtype=np.int64) for _, t, _ in goal_tables]
    remaining, split = counts.copy(), np.zeros((len(counts), n_levels), dtype=np.int64)
    for level in range(n_levels - 1):  # one binary split per level: this level or a later one
        p = np.divide(probs[:, level], later_mass[:, level],
                      out=np.zeros(len(counts)), where=later_mass[:, level] > 0)
        totals = stratum_totals[:, level].astype(float)
        expected = _shift_to_totals(remaining.astype(float), p, strata, totals)
        taken = _systematic_round(expected, order_cells, strata, totals, rng.random())
        taken = _keep_totals(np.minimum(taken, remaining), remaining, expected, strata, totals)
        goals = [(c, t[:, level] + cr, tol) for (c, t, tol), cr in zip(goal_tables, carry)]
        taken = _repair(taken, remaining, expected, strata, goals)
        if not np.array_equal(np.bincount(strata, taken, minlength=len(totals)), totals):
            raise AssertionError(f"{fit.model.name}: {variable} lost its exact totals")
        carry = [goal - np.bincount(c, taken, minlength=len(goal)) for c, goal, _ in goals]
        split[:, level], remaining = taken, remaining - taken
    split[:, -1] = remaining
    cell, level = np.nonzero(split)
    return np.column_stack([cells[cell], level]), split[cell, level]


def _whole_counts(fit: Fit, rng) -> tuple[np.ndarray, np.ndarray]:
    """Whole-number version of the fitted joint: distinct code combinations and their counts."""
    margin = fit.margins[fit.model.steps[0].variable]
    cells, counts = np.arange(len(margin))[:, None], margin.astype(np.int64)
    for k in range(1, len(fit.model.steps)):
        cells, counts = _add_variable(fit, k, cells, counts, rng)
    return cells, counts


def _units(name: str, rng, drawn: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """One row per unit (case or victim) of a model, in random order: variable -> level codes.

    ``drawn``: a sample's whole counts (shaped like the joint); by default the faithful counts.
    """
    fit = _fits()[name]
    if drawn is None:
        cells, counts = _whole_counts(fit, rng)
    else:
        cells = np.argwhere(drawn > 0)
        counts = drawn[tuple(cells.T)]
    units = rng.permutation(np.repeat(cells, counts, axis=0))
    return {v: units[:, k] for k, v in enumerate(fit.model.levels)}


# --------------------------------------------------------------------------------------------
# 3. Rows
# --------------------------------------------------------------------------------------------
def _ids(prefix: str, n: int) -> np.ndarray:
    width = max(4, len(str(n)))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _codes(levels: tuple[str, ...], index: np.ndarray, missing: tuple[str, ...] = ()) -> np.ndarray:
    """Level names for integer codes; levels named in ``missing`` become NaN (an empty field)."""
    names = np.array([np.nan if lv in missing else lv for lv in levels], dtype=object)
    return names[index]


def _activity(index: np.ndarray) -> pd.array:
    """Sexual activity codes -> nullable integers 1-4 (unclear -> missing)."""
    values = pd.array(index + 1, dtype="Int64")
    values[index == ACTIVITY.index("unclear")] = pd.NA
    return values


def _reports(traded: np.ndarray, rng, scale: float) -> np.ndarray:
    """CyberTipline reports and CVIP reviews per series: 1-4 (mostly 1-2) when not traded; when
    traded, 5 or more with a long tail (a Lomax draw: a few series are seen hundreds of times)."""
    quiet = rng.choice(np.arange(1, ACTIVELY_TRADED_FROM), size=len(traded),
                       p=[0.6, 0.22, 0.12, 0.06])
    busy = ACTIVELY_TRADED_FROM + np.floor(scale * rng.pareto(1.6, size=len(traded))).astype(np.int64)
    return np.where(traded, busy, quiet)


def _victims_per_case(n_cases: int, n_victims: int, rng, most: int = 12) -> np.ndarray:
    """Split ``n_victims`` over ``n_cases`` (each at least one): most cases one, a few many."""
    sizes = np.ones(n_cases, dtype=np.int64)
    extra = n_victims - n_cases
    weights = rng.gamma(0.4, size=n_cases) + 1e-9
    sizes += rng.multinomial(extra, weights / weights.sum())
    while sizes.max() > most:  # pass the excess of very large cases on to others
        big = int(np.argmax(sizes))
        sizes[big] -= 1
        sizes[rng.choice(np.flatnonzero(sizes < most))] += 1
    return sizes


def _historic(rng, drawn=None) -> dict[str, pd.DataFrame]:
    drawn = drawn or {}
    cases = _units("historic_cases", rng, drawn.get("historic_cases"))
    victims = _units("historic_victims", rng, drawn.get("historic_victims"))
    case_order = np.argsort(cases["period"], kind="stable")  # IDs follow the period first recorded
    period = cases["period"][case_order]
    n_cases = len(period)
    sizes = np.zeros(n_cases, dtype=np.int64)
    for p in range(len(PERIODS)):
        in_period = period == p
        sizes[in_period] = _victims_per_case(int(in_period.sum()),
                                             int((victims["period"] == p).sum()), rng)
    victim_order = np.argsort(victims["period"], kind="stable")  # victims grouped like the cases
    case_ids = _ids("H", n_cases)
    historic_cases = pd.DataFrame({
        "case_id": case_ids,
        "period": _codes(PERIODS, period),
        "sexual_activity": _activity(cases["sexual_activity"][case_order]),
        "n_reports": _reports(np.ones(n_cases, bool), rng, scale=10.0),
    })
    historic_victims = pd.DataFrame({
        "victim_id": _ids("HV", len(victim_order)),
        "case_id": np.repeat(case_ids, sizes),
        "gender": _codes(GENDERS, victims["gender"][victim_order]),
        "age_category": _codes(AGES, victims["age_category"][victim_order]),
    })
    return {"historic_cases": historic_cases, "historic_victims": historic_victims}


# Individual-level choices for multiple-relationship cases (the report gives no numbers for them).
_EXTRA_VICTIMS = np.array([0.45, 0.33, 0.13, 0.06, 0.03])  # 0-4 victims beyond the first
_EXTRA_OFFENDERS = np.array([0.72, 0.22, 0.06])  # 0-2 offenders beyond the first


def _people_per_case(codes: dict[str, np.ndarray], rng) -> tuple[np.ndarray, np.ndarray]:
    """Numbers of victims and offenders, as each multiple case's mixed codes require."""
    n = len(codes["victim_gender"])
    mixed_v = ((codes["victim_gender"] == _MULTIPLE_LEVELS["victim_gender"].index("mixed"))
               | (codes["victim_age"] == _MULTIPLE_LEVELS["victim_age"].index("mixed")))
    mixed_o = codes["offender_gender"] == _MULTIPLE_LEVELS["offender_gender"].index("mixed")
    n_victims = 1 + rng.choice(len(_EXTRA_VICTIMS), size=n, p=_EXTRA_VICTIMS)
    n_offenders = 1 + rng.choice(len(_EXTRA_OFFENDERS), size=n, p=_EXTRA_OFFENDERS)
    n_victims = np.where(mixed_v, np.maximum(n_victims, 2), n_victims)
    n_offenders = np.where(mixed_o, np.maximum(n_offenders, 2), n_offenders)
    single = (n_victims == 1) & (n_offenders == 1)  # a multiple case needs a second person
    more_victims = rng.random(n) < 0.65
    n_victims = np.where(single & more_victims, 2, n_victims)
    n_offenders = np.where(single & ~more_victims, 2, n_offenders)
    return n_victims, n_offenders


def _members(case_code: np.ndarray, sizes: np.ndarray, n_levels: int, mixed: int,
             other_p: np.ndarray, rng) -> np.ndarray:
    """Each person's level: the case's level, or for a mixed case two different levels and then
    draws from ``other_p`` (a mixed case always shows at least two levels)."""
    case_of = np.repeat(np.arange(len(sizes)), sizes)
    position = np.arange(len(case_of)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    levels = case_code[case_of].copy()
    is_mixed = levels == mixed
    first = rng.choice(n_levels, size=len(sizes), p=other_p)
    second = (first + 1 + rng.integers(0, n_levels - 1, size=len(sizes))) % n_levels
    draws = rng.choice(n_levels, size=len(case_of), p=other_p)
    levels[is_mixed] = np.select(
        [position[is_mixed] == 0, position[is_mixed] == 1],
        [first[case_of[is_mixed]], second[case_of[is_mixed]]], draws[is_mixed])
    return levels


def _ethnicity(n: int, rng, kind: str, known_share: float) -> np.ndarray:
    counts = _ethnicity_counts(f"{kind}_ethnicity")[:-1]
    choice = rng.choice(len(ETHNICITIES), size=n, p=counts / counts.sum())
    known = rng.random(n) < known_share
    return np.where(known, _codes(ETHNICITIES, choice), np.nan)


def _pair_relationships(codes, n_victims, n_offenders, offender_gender, rng):
    """Relationship of every victim-offender pair, consistent with the case's familial code.

    Familial / non-familial cases: every pair of that kind. Mixed cases: with two or more
    offenders, each offender is familial or not (female offenders more often familial, the
    report's Conclusions) with both kinds present; with one offender, victims differ instead.
    Each offender then keeps one specific relationship (e.g. nuclear family) for their pairs.
    """
    lv = _MULTIPLE_LEVELS["relationship"]
    case_rel = codes["relationship"]
    n_cases = len(case_rel)
    o_start = np.cumsum(n_offenders) - n_offenders
    v_start = np.cumsum(n_victims) - n_victims
    female = offender_gender == "female"
    offender_familial = np.repeat(case_rel == lv.index("familial"), n_offenders)
    victim_familial = np.zeros(n_victims.sum(), dtype=bool)
    by_victim = np.zeros(n_cases, dtype=bool)
    for c in np.flatnonzero(case_rel == lv.index("mixed")):
        if n_offenders[c] >= 2:
            idx = np.arange(o_start[c], o_start[c] + n_offenders[c])
            flags = rng.random(len(idx)) < np.where(female[idx], 0.8, 0.35)
            if flags.all():  # one must be non-familial: preferably a male offender
                flags[rng.choice(np.flatnonzero(~female[idx]) if (~female[idx]).any()
                                 else np.arange(len(idx)))] = False
            elif not flags.any():  # one must be familial: preferably a female offender
                flags[rng.choice(np.flatnonzero(female[idx]) if female[idx].any()
                                 else np.arange(len(idx)))] = True
            offender_familial[idx] = flags
        else:
            by_victim[c] = True
            idx = np.arange(v_start[c], v_start[c] + n_victims[c])
            flags = rng.random(len(idx)) < 0.5
            flags[:2] = [True, False]
            victim_familial[idx] = rng.permutation(flags)
    # every pair of a case: victim-major order
    pairs_per_case = n_victims * n_offenders
    pair_case = np.repeat(np.arange(n_cases), pairs_per_case)
    k = np.arange(len(pair_case)) - np.repeat(np.cumsum(pairs_per_case) - pairs_per_case,
                                              pairs_per_case)
    pair_victim = v_start[pair_case] + k // n_offenders[pair_case]
    pair_offender = o_start[pair_case] + k % n_offenders[pair_case]
    familial = np.where(by_victim[pair_case], victim_familial[pair_victim],
                        offender_familial[pair_offender])
    nuclear = rng.random(len(female)) < np.where(female, 0.6, 0.4)
    close = rng.random(len(female)) < 0.5
    relationship = np.where(
        familial, np.where(nuclear[pair_offender], "nuclear_family", "extended_family"),
        np.where(close[pair_offender], "close_proximity", "unknown_to_child"))
    return pair_case, pair_victim, pair_offender, relationship.astype(object)


def _multiple_people(codes: dict[str, np.ndarray], rng):
    """Victims, offenders and pairs of the multiple-relationship cases, in case order."""
    n_victims, n_offenders = _people_per_case(codes, rng)
    victim_gender = _members(codes["victim_gender"], n_victims, len(GENDERS), len(GENDERS),
                             np.array([0.6, 0.4]), rng)
    victim_age = _members(codes["victim_age"], n_victims, len(AGES), len(AGES),
                          np.array([0.2, 0.45, 0.35]), rng)
    # offenders: mixed = a female and a male (others mostly male); missing = one of unknown gender
    og = codes["offender_gender"]
    missing = _MULTIPLE_LEVELS["offender_gender"].index("missing")
    offender = _members(np.where(og == missing, GENDERS.index("male"), og), n_offenders, 2,
                        _MULTIPLE_LEVELS["offender_gender"].index("mixed"), np.array([0.2, 0.8]), rng)
    offender_gender = _codes(GENDERS, offender)
    case_of_offender = np.repeat(np.arange(len(og)), n_offenders)
    first_offender = np.cumsum(n_offenders) - n_offenders
    unknown = np.zeros(len(offender), dtype=bool)
    unknown[first_offender[og == missing]] = True
    others_of_missing = (og[case_of_offender] == missing) & ~unknown
    unknown |= others_of_missing & (rng.random(len(offender)) < 0.15)
    offender_gender[unknown] = np.nan
    # victims of one case usually share an ethnicity (siblings); each may be unknown
    case_ethnicity = _ethnicity(len(og), rng, "victim", known_share=1.0)
    victim_ethnicity = np.where(rng.random(n_victims.sum()) < 0.9,
                                np.repeat(case_ethnicity, n_victims), np.nan)
    offender_ethnicity = np.where(unknown, np.nan,
                                  _ethnicity(len(offender), rng, "offender", known_share=0.72))
    pair_case, pair_victim, pair_offender, relationship = _pair_relationships(
        codes, n_victims, n_offenders, offender_gender, rng)
    victims = {"case": np.repeat(np.arange(len(og)), n_victims),
               "gender": _codes(GENDERS, victim_gender), "age_category": _codes(AGES, victim_age),
               "ethnicity": victim_ethnicity}
    offenders = {"case": case_of_offender, "gender": offender_gender,
                 "ethnicity": offender_ethnicity}
    pairs = {"case": pair_case, "victim": pair_victim, "offender": pair_offender,
             "relationship": relationship}
    return victims, offenders, pairs


def _one_people(codes: dict[str, np.ndarray], rng, exact: bool = True):
    """One victim, one offender and one pair per case.

    Ethnicity: ``exact`` (faithful mode) deals out P1's counts exactly; otherwise (a sample) each
    person's ethnicity is drawn with P1's shares. Offenders of unknown gender are also of unknown
    ethnicity (poorly visible); the others take the rest of the offender counts, at random.
    """
    n = len(codes["victim_gender"])
    offender_gender = _codes(_ONE_LEVELS["offender_gender"], codes["offender_gender"], ("missing",))
    gender_known = np.flatnonzero(pd.notna(offender_gender))
    pool = _ethnicity_counts("offender_ethnicity").copy()
    victim_counts = _ethnicity_counts("victim_ethnicity")
    offender_eth = np.full(n, len(ETHNICITIES))
    if exact:
        pool[-1] -= n - len(gender_known)
        offender_eth[gender_known] = rng.permutation(np.repeat(np.arange(len(pool)), pool))
        victim_eth = rng.permutation(np.repeat(np.arange(len(victim_counts)), victim_counts))
    else:
        study_missing_gender = _fits()["modern_one"].margins["offender_gender"][-1]
        pool[-1] -= study_missing_gender
        offender_eth[gender_known] = rng.choice(len(pool), size=len(gender_known),
                                                p=pool / pool.sum())
        victim_eth = rng.choice(len(victim_counts), size=n, p=victim_counts / victim_counts.sum())
    everyone = np.arange(n)
    victims = {"case": everyone, "gender": _codes(GENDERS, codes["victim_gender"]),
               "age_category": _codes(AGES, codes["victim_age"]),
               "ethnicity": _codes(ETHNICITIES + ("missing",), victim_eth, ("missing",))}
    offenders = {"case": everyone, "gender": offender_gender,
                 "ethnicity": _codes(ETHNICITIES + ("missing",), offender_eth, ("missing",))}
    pairs = {"case": everyone, "victim": everyone, "offender": everyone,
             "relationship": _codes(RELATIONSHIPS, codes["relationship"])}
    return victims, offenders, pairs


def _modern_cases(one, multiple, rng) -> tuple[pd.DataFrame, np.ndarray]:
    """The modern case table, and where each case (one-relationship first) landed in it."""
    traded = np.r_[one["actively_traded"], multiple["actively_traded"]].astype(bool)
    activity = np.r_[one["sexual_activity"], multiple["sexual_activity"]]
    n_one, n_cases = len(one["actively_traded"]), len(traded)
    structure = np.where(np.arange(n_cases) < n_one, *STRUCTURES).astype(object)
    days = rng.integers(0, int((LAST_DAY - FIRST_DAY).astype(int)) + 1, size=n_cases)
    order = np.lexsort((rng.random(n_cases), days))  # IDs follow the date received; ties at random
    position = np.empty(n_cases, dtype=np.int64)
    position[order] = np.arange(n_cases)
    cases = pd.DataFrame({
        "case_id": _ids("M", n_cases),
        "structure": structure[order],
        "date_received": (FIRST_DAY + days[order]).astype("datetime64[s]"),
        "n_reports": _reports(traded[order], rng, scale=5.0),
        "actively_traded": traded[order],
        "sexual_activity": _activity(activity[order]),
    })
    return cases, position


def _people_table(parts, case_offsets, position, case_ids, prefix, id_column, columns, rng):
    """Victims or offenders of both groups as one table in case-ID order, people shuffled within
    a case; also returns each person's new row number (to renumber the pairs)."""
    case = np.concatenate([position[p["case"] + off] for p, off in zip(parts, case_offsets)])
    order = np.lexsort((rng.random(len(case)), case))
    row_of = np.empty(len(case), dtype=np.int64)
    row_of[order] = np.arange(len(case))
    table = pd.DataFrame({
        id_column: _ids(prefix, len(case)),
        "case_id": case_ids[case[order]],
        **{c: np.concatenate([p[c] for p in parts])[order] for c in columns},
    })
    return table, row_of


def _modern(rng, drawn=None) -> dict[str, pd.DataFrame]:
    drawn = drawn or {}
    one = _units("modern_one", rng, drawn.get("modern_one"))
    multiple = _units("modern_multiple", rng, drawn.get("modern_multiple"))
    victims_, offenders_, pairs_ = zip(_one_people(one, rng, exact=not drawn),
                                       _multiple_people(multiple, rng))
    cases, position = _modern_cases(one, multiple, rng)
    case_ids = cases["case_id"].to_numpy()
    offsets = (0, len(one["actively_traded"]))  # multiple cases follow the one-relationship cases
    victims, victim_row = _people_table(victims_, offsets, position, case_ids, "MV", "victim_id",
                                        ("gender", "age_category", "ethnicity"), rng)
    offenders, offender_row = _people_table(offenders_, offsets, position, case_ids, "MO",
                                            "offender_id", ("gender", "ethnicity"), rng)
    # pairs: person indices within each group -> rows of the combined tables
    v_offsets = (0, len(victims_[0]["case"]))
    o_offsets = (0, len(offenders_[0]["case"]))
    victim = np.concatenate([victim_row[p["victim"] + o] for p, o in zip(pairs_, v_offsets)])
    offender = np.concatenate([offender_row[p["offender"] + o] for p, o in zip(pairs_, o_offsets)])
    order = np.lexsort((offender, victim))
    relationships = pd.DataFrame({
        "case_id": victims["case_id"].to_numpy()[victim[order]],
        "victim_id": victims["victim_id"].to_numpy()[victim[order]],
        "offender_id": offenders["offender_id"].to_numpy()[offender[order]],
        "relationship": np.concatenate([p["relationship"] for p in pairs_])[order],
    })
    return {"modern_cases": cases, "modern_victims": victims, "modern_offenders": offenders,
            "modern_relationships": relationships}


def _check_seed(seed) -> int:
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be a non-negative whole number, not {seed!r} "
                        f"({type(seed).__name__})")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative whole number, not {seed}")
    return int(seed)


def generate(seed: int = DEFAULT_SEED, mode: str = "faithful",
             n: dict[str, int] | None = None) -> dict[str, pd.DataFrame]:
    """Generate one synthetic dataset: the six tables of data/README.md, keyed by file stem.

    ``mode="faithful"`` (the book's data): the published counts (Table 1, Table 3, the quoted
    percentages) are exact for every seed; which rows carry them, and the cells of the two-way
    tables (within a count or two of the book's targets), change with the seed.

    ``mode="sample"``: a replication of the study, drawn from the population the targets
    describe (:func:`population`); counts vary from seed to seed as a new study's would, and
    its case-level codes tabulate exactly to ``sample_counts(seed, n)``. ``n`` (sample mode only)
    changes sizes, keyed like :func:`study_sizes`. Same seed, mode and sizes, same tables.

    Column types: IDs and codes are text (missing = NaN, written as an empty field);
    ``sexual_activity`` is a nullable integer (``Int64``, missing when unclear); ``n_reports`` an
    integer; ``actively_traded`` a boolean; ``date_received`` a date (``datetime64``).

    Raises ``TypeError`` / ``ValueError`` unless ``seed`` is a non-negative whole number, ``mode``
    one of :data:`MODES` and ``n`` valid sizes (given with sample mode only).
    """
    seed = _check_seed(seed)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {list(MODES)}, not {mode!r}")
    if mode == "faithful" and n is not None:
        raise ValueError("n (sizes) applies to mode='sample' only: faithful data have the "
                         "study's sizes")
    historic_seq, modern_seq, sample_seq = _streams(seed)
    historic_rng, modern_rng = np.random.default_rng(historic_seq), np.random.default_rng(modern_seq)
    drawn = None
    if mode == "sample":
        drawn = _draw_counts(_check_sizes(n), np.random.default_rng(sample_seq))
    tables = {**_historic(historic_rng, drawn), **_modern(modern_rng, drawn)}
    return {name: tables[name][list(COLUMNS[name])] for name in TABLES}


# --------------------------------------------------------------------------------------------
# Writing a dataset: CSV files + a Frictionless data package
# --------------------------------------------------------------------------------------------
def _field(column: Column) -> dict:
    """A column of the contract as a Table Schema field."""
    constraints = {}
    if column.required:
        constraints["required"] = True
    if column.unique:
        constraints["unique"] = True
    if column.codes is not None:
        constraints["enum"] = list(column.codes)
    constraints.update(column.limits)
    field = {"name": column.name, "type": column.type, "description": column.description}
    if column.type == "boolean":
        field.update(trueValues=["true"], falseValues=["false"])
    if column.type == "date":
        field["format"] = "default"
    if constraints:
        field["constraints"] = constraints
    return field


_TITLE = "SYNTHETIC data after Seto et al. (2018): production and active trading of CSAM"
_DESCRIPTION = (
    "SYNTHETIC DATA, NOT RECORDS OF ANY REAL CHILD OR CASE. Generated by the seto2018 package to "
    "match the published totals (Table 1, Table 3 and the quoted percentages of Seto, Buckman, "
    "Dwyer & Quayle, 2018, Production and Active Trading of Child Sexual Exploitation Images "
    "Depicting Identified Victims, NCMEC & Thorn) and the associations the report describes. "
    "Rows carry IDs and codes only. Historic dataset: actively traded series 2002-2013 and their "
    "identified victims. Modern dataset: all series with identified victims received from "
    "2011-07-01 to 2014-06-30, with victims, offenders and one row per victim-offender pair.")


_SAMPLE_NOTE = (
    " THIS IS A SAMPLE (sample mode): a replication drawn from the population the book's targets "
    "describe. Its counts differ from the published ones as a new study's would.")


def datapackage(files: dict[str, bytes], seed: int | None = None,
                mode: str = "faithful") -> dict:
    """The Frictionless (Data Package v1) descriptor for the CSV ``files`` (stem -> bytes).

    ``seed`` is recorded when given, and so is ``mode`` (``sample`` is also said in the
    description).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {list(MODES)}, not {mode!r}")
    resources = []
    for name in TABLES:
        data = files[name]
        resources.append({
            "name": name,
            "path": f"{name}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": len(data),
            "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "schema": {
                "fields": [_field(column) for column in SCHEMA[name]],
                "missingValues": [""],
                "primaryKey": list(PRIMARY_KEYS[name]),
                "foreignKeys": [{"fields": [f], "reference": {"resource": r, "fields": [rf]}}
                                for f, r, rf in FOREIGN_KEYS[name]],
            },
        })
    package = {"profile": "tabular-data-package", "name": "seto2018-synthetic",
               "title": _TITLE,
               "description": _DESCRIPTION + (_SAMPLE_NOTE if mode == "sample" else "")}
    if seed is not None:
        package["seed"] = seed
    # Chapters read it: the checks against the report run on the book's own faithful data only.
    package["mode"] = mode
    package["resources"] = resources
    return package


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == bool:
            out[column] = np.where(out[column], "true", "false")
        elif pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    return out.to_csv(index=False, lineterminator="\n", na_rep="").encode("utf-8")


def _check_tables(tables) -> None:
    if not isinstance(tables, dict) or set(tables) != set(TABLES):
        got = sorted(tables) if isinstance(tables, dict) else type(tables).__name__
        raise ValueError(f"tables must be a dict with exactly the keys {list(TABLES)}, got {got}")
    for name in TABLES:
        frame = tables[name]
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"tables[{name!r}] must be a pandas DataFrame")
        if tuple(frame.columns) != COLUMNS[name]:
            raise ValueError(f"{name}: columns must be {list(COLUMNS[name])}, "
                             f"got {list(frame.columns)}")


def write(tables: dict[str, pd.DataFrame], out_dir: str | Path, seed: int | None = None,
          mode: str = "faithful") -> Path:
    """Write a dataset: one CSV per table plus ``datapackage.json``; returns the descriptor's path.

    CSVs are UTF-8, comma-separated, with a header row, LF line endings, an empty field for
    missing values, ``true``/``false`` booleans and whole numbers without decimals. The same
    tables give the same bytes. ``seed`` (optional) and ``mode`` (pass the mode the tables were
    generated in) are recorded in the descriptor.
    """
    _check_tables(tables)
    if seed is not None:
        seed = _check_seed(seed)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {list(MODES)}, not {mode!r}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"not a directory: {out}")
    out.mkdir(parents=True, exist_ok=True)
    files = {name: _csv_bytes(tables[name]) for name in TABLES}
    for name, data in files.items():
        (out / f"{name}.csv").write_bytes(data)
    descriptor = out / "datapackage.json"
    text = json.dumps(datapackage(files, seed, mode), indent=2, ensure_ascii=False) + "\n"
    descriptor.write_bytes(text.encode("utf-8"))
    return descriptor
