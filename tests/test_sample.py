"""Sample mode: replications of the study drawn from the population the targets describe."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from seto2018 import data, published, synth
from seto2018.data import case_level

MODERN = {"modern_one": "one", "modern_multiple": "multiple"}


def _case_codes(tables: dict[str, pd.DataFrame], structure: str) -> pd.Series:
    """Counts of one structure's cases over the population's six case-level codes."""
    modern = {k.removeprefix("modern_"): v for k, v in tables.items() if k.startswith("modern_")}
    cases = case_level(modern)
    cases = cases[cases["structure"] == structure]
    codes = pd.DataFrame({
        "relationship": cases["relationship"].astype(str),
        "victim_age": cases["victim_age"].astype(str),
        "offender_gender": cases["offender_gender"].fillna("missing").astype(str),
        "victim_gender": cases["victim_gender"].astype(str),
        "sexual_activity": cases["sexual_activity"].astype("string").fillna("unclear").astype(str),
        "actively_traded": cases["actively_traded"].map({True: "true", False: "false"}),
    })
    return codes.value_counts().rename("count")


def _nonzero(counts: pd.Series) -> pd.Series:
    """The cells that occur, as plain (code tuple -> count) pairs, sorted."""
    counts = counts[counts > 0]
    return pd.Series(counts.to_numpy(), index=pd.MultiIndex.from_tuples(
        [tuple(str(code) for code in cell) for cell in counts.index],
        names=counts.index.names), name="count").sort_index()


def test_counts_have_the_population_shape_and_the_study_sizes():
    counts, population = synth.sample_counts(7), synth.population()
    assert list(counts) == list(population)
    for name, series in counts.items():
        assert series.index.equals(population[name].index)
        assert series.dtype == np.int64 and series.name == "count"
        assert series.sum() == synth.study_sizes()[name]
    resized = synth.sample_counts(7, n={"modern_one": 5000, "historic_victims": 2000})
    assert resized["modern_one"].sum() == 5000 and resized["historic_victims"].sum() == 2000
    assert resized["modern_multiple"].sum() == synth.study_sizes()["modern_multiple"]


def test_same_seed_same_draw_other_seed_other_counts():
    first, again, other = (synth.sample_counts(s) for s in (11, 11, 12))
    for name in first:
        assert first[name].equals(again[name])
    assert any(not first[name].equals(other[name]) for name in first)
    tables, tables_again = synth.generate(11, mode="sample"), synth.generate(11, mode="sample")
    for name in synth.TABLES:
        pd.testing.assert_frame_equal(tables[name], tables_again[name])


def test_the_published_counts_vary_between_samples():
    """Faithful data hit Table 3 on every seed; samples miss it, by different amounts."""
    table3 = published.table3()
    one = table3[(table3["subset"] == "one") & (table3["variable"] == "victim_gender")]
    published_girls = int(one.loc[one["category"] == "female", "count"].iloc[0])
    girls = [int(synth.sample_counts(seed)["modern_one"].xs("female", level="victim_gender").sum())
             for seed in range(20)]
    assert len(set(girls)) > 5
    assert sum(g == published_girls for g in girls) < 5
    assert abs(np.mean(girls) - published_girls) < 4 * np.std(girls) / np.sqrt(len(girls)) + 1


@pytest.mark.parametrize("seed", [1, 2018])
def test_a_sample_dataset_tabulates_to_its_counts(seed):
    tables, counts = synth.generate(seed, mode="sample"), synth.sample_counts(seed)
    for name, structure in MODERN.items():
        got = _case_codes(tables, structure).reorder_levels(counts[name].index.names)
        pd.testing.assert_series_equal(_nonzero(got), _nonzero(counts[name]))
    cases = tables["historic_cases"]
    by_period = pd.DataFrame({
        "period": cases["period"],
        "sexual_activity": cases["sexual_activity"].astype("string").fillna("unclear")})
    pd.testing.assert_series_equal(_nonzero(by_period.value_counts().rename("count")),
                                   _nonzero(counts["historic_cases"]))
    victims = tables["historic_victims"].merge(cases[["case_id", "period"]], on="case_id")
    got = victims[["period", "age_category", "gender"]].value_counts().rename("count")
    pd.testing.assert_series_equal(_nonzero(got), _nonzero(counts["historic_victims"]))


def _two_way(counts: np.ndarray, axes: tuple[int, int]) -> np.ndarray:
    """A two-way table of draws (draws x joint cells) -> draws x cells of the (a, b) table."""
    others = tuple(k + 1 for k in range(counts.ndim - 1) if k not in axes)
    return counts.sum(axis=others).reshape(len(counts), -1)


def _within_error(draws: np.ndarray, size: int, p: np.ndarray, z: float = 4.5) -> bool:
    """Each cell's mean count over the draws within ``z`` standard errors of ``size * p``."""
    error = np.sqrt(size * p * (1 - p) / len(draws))
    return bool(np.all(np.abs(draws.mean(axis=0) - size * p) <= z * error + 1e-9))


def test_draws_match_the_population_targets_on_average():
    """Over 400 draws, every cell of every target table (the two-way tables of targets.csv,
    which the population's margins reproduce) averages within 4.5 standard errors of its
    expected count."""
    draws, sizes, population = 400, synth.study_sizes(), synth.population()
    samples = [synth.sample_counts(seed) for seed in range(draws)]
    for name in ("modern_one", "modern_multiple", "historic_cases"):
        shape = tuple(len(level) for level in population[name].index.levels)
        joint = population[name].to_numpy().reshape(shape)
        counts = np.stack([s[name].to_numpy().reshape(shape) for s in samples])
        for a in range(len(shape)):
            for b in range(a + 1, len(shape)):
                p = _two_way(joint[None], (a, b))[0]
                assert _within_error(_two_way(counts, (a, b)), sizes[name], p), (name, a, b)
    # historic victims: each period's total and its age-by-gender shares
    victims = np.stack([s["historic_victims"].to_numpy() for s in samples]).reshape(draws, 6, -1)
    expected = sizes["historic_victims"] * population["historic_victims"].to_numpy().reshape(6, -1)
    mean = victims.mean(axis=0)
    assert np.allclose(mean.sum(axis=1), expected.sum(axis=1), rtol=0.03)
    assert np.allclose(mean / mean.sum(axis=1, keepdims=True),
                       expected / expected.sum(axis=1, keepdims=True), atol=0.01)


def test_the_average_check_fails_on_a_biased_draw():
    """The tolerance above is tight enough to catch draws from shares 10% off."""
    draws, size = 400, synth.study_sizes()["modern_one"]
    p = synth.population()["modern_one"].groupby(level="relationship").sum().to_numpy()
    biased = p * np.array([1.1, 0.9, 1.0, 1.0])
    rng = np.random.default_rng(0)
    assert _within_error(rng.multinomial(size, p, size=draws), size, p)
    assert not _within_error(rng.multinomial(size, biased / biased.sum(), size=draws), size, p)


@pytest.mark.parametrize("seed, n", [(3, None), (4, {"modern_one": 300, "modern_multiple": 80,
                                                     "historic_cases": 40,
                                                     "historic_victims": 41})])
def test_sample_datasets_are_valid_and_say_they_are_samples(tmp_path, seed, n):
    tables = synth.generate(seed, mode="sample", n=n)
    descriptor = synth.write(tables, tmp_path, seed=seed, mode="sample")
    data.validate(tmp_path)
    package = pd.read_json(descriptor, typ="series")
    assert package["mode"] == "sample" and "SAMPLE" in package["description"]
    modern = data.load("modern", tmp_path)
    sizes = synth.study_sizes() | (n or {})
    assert (modern["cases"]["structure"] == "one").sum() == sizes["modern_one"]
    assert len(data.load("historic", tmp_path)["victims"]) == sizes["historic_victims"]


@pytest.mark.parametrize("kwargs, error, words", [
    ({"mode": "replicate"}, ValueError, "mode must be one of"),
    ({"n": {"modern_one": 10}}, ValueError, "mode='sample' only"),
    ({"mode": "sample", "n": {"modern": 10}}, ValueError, "unknown size ['modern']"),
    ({"mode": "sample", "n": {"modern_one": 2.5}}, TypeError, "whole number"),
    ({"mode": "sample", "n": {"modern_one": 0}}, ValueError, "at least 1"),
    ({"mode": "sample", "n": [("modern_one", 10)]}, TypeError, "must be a dict"),
    ({"mode": "sample", "n": {"historic_cases": 50, "historic_victims": 49}}, ValueError,
     "every series has a victim"),
])
def test_bad_sample_arguments_raise_clear_errors(kwargs, error, words):
    with pytest.raises(error) as raised:
        synth.generate(1, **kwargs)
    assert words in str(raised.value)


def test_write_refuses_an_unknown_mode(tmp_path):
    with pytest.raises(ValueError, match="mode must be one of"):
        synth.write(synth.generate(1), tmp_path, mode="draft")
