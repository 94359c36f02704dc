"""One test per finding (seto2018.findings): each test against an independent computation, the
test column against the expected-count rule, and the verdicts on the book's dataset."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.contingency_tables import Table2x2

from seto2018 import contract, findings, published, synth
from seto2018.data import load


@pytest.fixture(scope="module")
def data():
    return findings.subsets(load("historic"), load("modern"))


@pytest.fixture(scope="module")
def verdicts(data):
    return findings.verdicts(data)


def test_every_finding_of_the_list_has_one_known_test():
    listed = published.findings().set_index("id")
    assert set(listed["test"].dropna()) <= set(findings.TESTS)
    assert findings.tested() == [i for i in listed.index if i != "P1"]
    assert set(findings.CONTRASTS) == set(findings.tested()) == set(findings.DIRECTIONS)
    slopes = listed.index[listed["test"] == "logistic_slope"]
    assert set(slopes) == {"F7", "F15", "F21"}  # the report's "one point increase" claims
    assert (listed.loc[slopes, "row_variable"] == "sexual_activity").all()


def test_the_family_is_the_reports_24_figures():
    family = findings.family()
    assert len(family) == 24 and family[:3] == ["H-F1", "H-F2", "H-F3"] and family[-1] == "F24"
    assert "S1" not in family and "S2" not in family


def test_the_test_column_follows_the_expected_count_rule(data):
    """chi_square where Cochran's rule holds; exact (Fisher) or Monte Carlo where it breaks."""
    for finding in findings.tested():
        test = published.findings().set_index("id").loc[finding, "test"]
        if test == "logistic_slope":
            continue
        counts = findings.table(finding, data).to_numpy()
        rule = findings.cochran_rule(findings.expected_counts(counts))
        if rule:
            assert test == "chi_square", finding
        else:
            assert test == ("fisher_exact" if counts.shape == (2, 2) else "monte_carlo"), finding
    # the list: these break the rule on the study's table sizes
    breaks = {f for f in findings.tested()
              if published.findings().set_index("id").loc[f, "test"] in ("fisher_exact",
                                                                           "monte_carlo")}
    assert breaks == {"F6", "F18", "F22", "F23", "F24"}


def test_cochran_rule():
    assert findings.cochran_rule(np.array([[5.0, 6.0], [7.0, 8.0]]))
    assert not findings.cochran_rule(np.array([[4.9, 6.0], [7.0, 8.0]]))  # 1 of 4 cells below 5
    assert findings.cochran_rule(np.full((5, 2), 10.0) - np.eye(5, 2) * 7)  # 2 of 10 below 5
    assert not findings.cochran_rule(np.array([[0.9] + [50.0] * 9]))  # one below 1


def _crosstab_table(finding, data):
    """The finding's table the plain way: each row's text code mapped to its group, then
    pandas' crosstab."""
    row = published.findings().set_index("id").loc[finding]
    (row_column, row_groups), (col_column, col_groups) = findings._sides(finding)
    frame = data[row["subset"]]
    rows = findings._codes(frame[row_column]).map(findings._group_of(row_groups))
    cols = findings._codes(frame[col_column]).map(findings._group_of(col_groups))
    return pd.crosstab(rows, cols).reindex(index=list(row_groups), columns=list(col_groups),
                                           fill_value=0)


def test_tables_equal_pandas_crosstab(data):
    """table() counts with bincount for speed; it must count what crosstab counts, on the
    book's dataset and on a sample (missing and unclear codes left out)."""
    tables = synth.generate(11, mode="sample")
    sample = findings.subsets(
        {n.removeprefix("historic_"): f for n, f in tables.items() if n.startswith("historic_")},
        {n.removeprefix("modern_"): f for n, f in tables.items() if n.startswith("modern_")})
    for dataset in (data, sample):
        for finding in findings.tested():
            got = findings.table(finding, dataset)
            expected = _crosstab_table(finding, dataset)
            assert got.to_numpy().tolist() == expected.to_numpy().tolist(), finding
            assert list(got.index) == list(expected.index), finding
            assert list(got.columns) == list(expected.columns), finding
            assert got.to_numpy().sum() > 0, finding


def test_tables_use_familial_or_not_for_a_one_to_one_relationship_outcome(data):
    for finding in ("F9", "F10", "F11", "F12"):
        table = findings.table(finding, data)
        assert list(table.columns) == ["familial", "non_familial"], finding
    one = data["one"]
    f10 = findings.table("F10", data)
    girls = one[one["victim_gender"] == "female"]
    assert f10.loc["female", "familial"] == girls["relationship"].isin(
        contract.FAMILIAL).sum()
    # F6 leaves out the cases whose offender's gender is missing, as Table 3 prints them
    assert findings.table("F6", data).to_numpy().sum() == len(one) - one[
        "offender_gender"].isna().sum()
    # F8's relationship keeps its four groups: the claim names them
    assert list(findings.table("F8", data).index) == [
        "nuclear_family", "extended_family", "close_proximity", "unknown_to_child"]


@pytest.mark.parametrize("finding", ["H-F1", "F4", "F5", "F10", "F13", "S2"])
def test_chi_square_is_pearsons_without_yates(data, finding):
    counts = findings.table(finding, data)
    reference = stats.chi2_contingency(counts, correction=False)
    result = findings.run(finding, counts)
    assert result.test == "chi_square"
    assert math.isclose(result.statistic, reference.statistic, rel_tol=1e-12)
    assert result.df == reference.dof and math.isclose(result.p, reference.pvalue, rel_tol=1e-9)


def test_fisher_exact_and_its_exact_interval(data):
    counts = findings.table("F6", data).to_numpy()
    result = findings.run("F6", counts)
    assert math.isclose(result.p, stats.fisher_exact(counts).pvalue, rel_tol=1e-12)
    comparison = findings.compare("F6", counts)
    reference = stats.contingency.odds_ratio(counts.astype(int), kind="conditional")
    interval = reference.confidence_interval(0.95)
    assert comparison.method == "exact"
    assert np.allclose([comparison.odds_ratio, comparison.low, comparison.high],
                       [reference.statistic, interval.low, interval.high])


def test_f14_exact_interval_includes_1_where_woolfs_does_not(data):
    """Accuracy issue, item 9: beside Fisher's p, the conditional (exact) interval."""
    counts = findings.table("F14", data)
    comparison = findings.compare("F14", counts)
    woolf = Table2x2(comparison.cells).oddsratio_confint()
    assert comparison.method == "exact" and comparison.p_fisher < 0.05
    assert comparison.low < 1 < comparison.high
    assert woolf[0] > 1  # Woolf's interval would have excluded 1


def exact_chi_square_p(counts: np.ndarray) -> float:
    """The permutation p-value of Pearson's statistic for a 2-row table, by enumerating every
    table with the same margins (hypergeometric probabilities)."""
    rows, cols = counts.sum(axis=1), counts.sum(axis=0)
    observed = findings._pearson(counts)[0]
    total = 0.0
    for first in itertools.product(*(range(c + 1) for c in cols)):
        if sum(first) != rows[0]:
            continue
        table = np.array([first, cols - np.array(first)], dtype=float)
        probability = np.prod([math.comb(int(c), int(a)) for c, a in zip(cols, first)]) / \
            math.comb(int(cols.sum()), int(rows[0]))
        if findings._pearson(table)[0] >= observed - 1e-9:
            total += probability
    return total


def test_monte_carlo_p_is_close_to_the_exact_permutation_p():
    counts = np.array([[1, 4, 7], [6, 3, 2]])
    exact = exact_chi_square_p(counts)
    _, _, p = findings._monte_carlo(counts.astype(float))
    se = math.sqrt(exact * (1 - exact) / findings.MONTE_CARLO_TABLES)
    assert abs(p - exact) < 4 * se + 1e-4
    assert findings._monte_carlo(counts.astype(float)) == findings._monte_carlo(
        counts.astype(float))  # seeded: the same on every run


def individual_rows(counts: np.ndarray, scores) -> tuple[np.ndarray, np.ndarray]:
    """One row per case of a levels-by-outcomes table: the score and the outcome's column."""
    x, y = [], []
    for level, row in zip(scores, counts.astype(int)):
        for outcome, n in enumerate(row):
            x += [level] * n
            y += [outcome] * n
    return np.array(x, dtype=float), np.array(y)


@pytest.mark.parametrize("finding", ["F7", "F15", "F21"])
def test_logistic_slope_is_statsmodels_likelihood_ratio_test(data, finding):
    counts = findings.table(finding, data).to_numpy()
    x, y = individual_rows(counts, [1, 2, 3, 4])
    exog = sm.add_constant(x)
    if counts.shape[1] == 2:
        reference = sm.Logit((y == 0).astype(float), exog).fit(disp=0)
    else:
        reference = sm.MNLogit(y, exog).fit(disp=0)
    result = findings.run(finding, counts)
    assert result.df == counts.shape[1] - 1
    assert math.isclose(result.p, reference.llr_pvalue, rel_tol=1e-6)
    assert math.isclose(result.statistic, reference.llr, rel_tol=1e-6, abs_tol=1e-5)


def test_odds_ratio_per_level_is_statsmodels_wald(data):
    counts = findings.table("F7", data).to_numpy()
    x, y = individual_rows(counts, [1, 2, 3, 4])
    fit = sm.Logit((y == 0).astype(float), sm.add_constant(x)).fit(disp=0)
    low, high = np.exp(fit.conf_int()[1])
    comparison = findings.compare("F7", counts)
    assert np.allclose([comparison.odds_ratio, comparison.low, comparison.high],
                       [np.exp(fit.params[1]), low, high])


def test_woolf_interval_is_table2x2s(data):
    comparison = findings.compare("F10", findings.table("F10", data))
    reference = Table2x2(comparison.cells)
    assert comparison.method == "Woolf"
    assert np.allclose([comparison.odds_ratio, *reference.oddsratio_confint()],
                       [reference.oddsratio, comparison.low, comparison.high])


def test_every_finding_agrees_with_the_report_on_the_books_dataset(verdicts):
    disagree = verdicts[~verdicts["agrees"]]
    assert disagree.empty, disagree[["result", "direction holds"]].to_string()
    significant = verdicts["book reading"] == "significant"
    assert (verdicts.loc[significant, "p"] < 0.05).all()
    assert (verdicts.loc[~significant, "p"] >= 0.05).all()


def test_verdicts_say_what_the_report_says(verdicts):
    said = verdicts["report says"]
    assert set(said[said == "not significant"].index) == {"F4", "F6", "F21"}
    assert set(said[said == "none"].index) == {"F19", "F23", "F24"}
    assert set(said[said == "not stated"].index) == {
        "F13", "F14", "F15", "F16", "F17", "F18", "F20", "F22", "S1", "S2"}


def test_check_names_the_finding_and_what_it_expected(data):
    findings.check("F5", data)  # holds
    broken = dict(data)
    one = data["one"].copy()
    one["actively_traded"] = one["victim_age"] != "prepubescent"  # the wrong way round
    broken["one"] = one
    with pytest.raises(findings.FindingNotReproduced, match=r"F5 \(Figure 5\): expected "
                                                            r"prepubescent .*significant; got"):
        findings.check("F5", broken)
    with pytest.raises(findings.FindingNotReproduced, match="F10: the chapter's p-value"):
        findings.check("F10", data, p=0.0086)  # the four-group test, not the finding's test


def test_directions_fail_without_the_association(data):
    rng = np.random.default_rng(1)
    one = data["one"].copy()
    for column in ("actively_traded", "relationship"):
        one[column] = rng.permutation(one[column].to_numpy())
    shuffled = dict(data, one=one)
    failing = [f for f in ("F5", "F7", "F8", "F9", "F10", "F11", "F12")
               if not findings.agrees(f, findings.test(f, shuffled),
                                      findings.direction_holds(f, findings.table(f, shuffled)))]
    assert failing == ["F5", "F7", "F8", "F9", "F10", "F11", "F12"]


def test_tables_from_counts_equal_the_tables_of_the_rows():
    """The simulation chapter's counts and a sampled dataset's rows give the same tables."""
    tables = synth.generate(5, mode="sample")
    historic = {name.removeprefix("historic_"): frame for name, frame in tables.items()
                if name.startswith("historic_")}
    modern = {name.removeprefix("modern_"): frame for name, frame in tables.items()
              if name.startswith("modern_")}
    data = findings.subsets(historic, modern)
    counts = synth.sample_counts(5)
    for finding in findings.tested():
        model = findings.MODEL_OF_SUBSET[published.findings().set_index("id").loc[
            finding, "subset"]]
        many = findings.tables_from_counts(finding, counts[model].to_numpy(), counts[model].index)
        assert many.shape[0] == 1
        assert np.array_equal(many[0], findings.table(finding, data).to_numpy()), finding


def test_an_unknown_test_name_is_refused(monkeypatch):
    listed = published.findings()
    listed.loc[listed["id"] == "F4", "test"] = "t_test"
    monkeypatch.setattr(published, "findings", lambda: listed)
    for cached in (findings._listed, findings._rows, findings._sides):
        cached.cache_clear()
    try:
        with pytest.raises(ValueError, match=r'findings.csv, column "test": \[\'t_test\'\]'):
            findings.tested()
    finally:
        monkeypatch.undo()
        for cached in (findings._listed, findings._rows, findings._sides):
            cached.cache_clear()


def test_an_unknown_finding_names_the_file():
    with pytest.raises(KeyError, match="findings.csv"):
        findings.run("F99", np.ones((2, 2)))
    with pytest.raises(KeyError, match="P1"):  # P1 has no test
        findings.run("P1", np.ones((2, 2)))


def test_a_finding_without_contrast_or_direction_says_where_to_add_it(data, monkeypatch):
    counts = findings.table("F5", data)
    monkeypatch.delitem(findings.CONTRASTS, "F5")
    with pytest.raises(LookupError, match="F5: no contrast in seto2018/findings.py's CONTRASTS"):
        findings.compare("F5", counts)
    monkeypatch.delitem(findings.DIRECTIONS, "F5")
    with pytest.raises(LookupError, match="F5: no direction in seto2018/findings.py's DIRECTIONS"):
        findings.direction_holds("F5", counts)
