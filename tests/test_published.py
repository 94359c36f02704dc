"""The report's published numbers in data/published/: totals, pages, ids, and the book's targets."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from seto2018 import contract, published

FINDING_IDS = (["H-F1", "H-F2", "H-F3"] + [f"F{k}" for k in range(4, 25)] + ["S1", "S2", "P1"])


def test_table1_sums_to_518_cases_on_page_16():
    t1 = published.table1()
    assert t1["cases"].tolist() == [71, 75, 82, 72, 110, 108]
    assert t1["cases"].sum() == 518
    assert (t1["page"] == 16).all()
    assert t1["period"].tolist() == ["2002-2003", "2004-2005", "2006-2007", "2008-2009",
                                     "2010-2011", "2012-2013"]


@pytest.mark.parametrize("subset, total", [("one", 1965), ("multiple", 633)])
def test_table3_each_variable_sums_to_its_column_total(subset, total):
    t3 = published.table3(subset)
    sums = t3.groupby("variable")["count"].sum()
    assert set(sums.index) == {"relationship", "sexual_activity", "victim_age", "victim_gender",
                               "offender_gender", "actively_traded"}
    assert (sums == total).all(), sums.to_dict()


def test_table3_key_counts_and_pages():
    t3 = published.table3().set_index(["subset", "variable", "category"])
    assert t3.loc[("one", "relationship", "nuclear_family"), "count"] == 209
    assert t3.loc[("one", "offender_gender", "female"), "count"] == 41
    assert t3.loc[("one", "offender_gender", "missing"), "count"] == 198
    assert t3.loc[("one", "sexual_activity", "unclear"), "count"] == 64
    assert t3.loc[("multiple", "offender_gender", "female"), "count"] == 17
    assert t3.loc[("multiple", "offender_gender", "missing"), "count"] == 35
    assert t3.loc[("multiple", "victim_age", "infant_toddler"), "count"] == 22
    assert t3.loc[("multiple", "sexual_activity", "unclear"), "count"] == 23
    assert t3["page"].isin([23, 24]).all()
    assert t3["finding"].str.fullmatch(r"T3[a-l]").all()
    assert t3["finding"].nunique() == 12
    # percent as printed: present except on the unclear/missing rows
    printed = t3["percent"].notna()
    assert (printed == ~t3.index.get_level_values("category").isin(["unclear", "missing"])).all()


def test_table3_percentages_agree_with_counts():
    """Printed percentages are within a point of count / column (of known values)."""
    t3 = published.table3()
    known = t3[t3["percent"].notna()].copy()
    known["share"] = 100 * known["count"] / known.groupby(["subset", "variable"])["count"].transform("sum")
    assert ((known["share"] - known["percent"]).abs() < 1).all(), known[["share", "percent"]]


def test_table3_subset_rejects_unknown_names():
    with pytest.raises(ValueError, match="subset"):
        published.table3("both")


def test_percentages_have_pages_and_known_findings():
    pct = published.percentages()
    assert len(pct) == 17
    assert pct["page"].isin([14, 22, 30]).all()
    assert pct["percent"].between(1, 99).all()
    p2 = pct[pct["finding"] == "P2"].set_index("among")["percent"].to_dict()
    assert p2 == {"victim_age=infant_toddler": 59, "victim_age=prepubescent": 43,
                  "victim_age=pubescent": 14}
    p1 = pct[pct["finding"] == "P1"].set_index("variable")["percent"].to_dict()
    assert p1 == {"victim_ethnicity": 85, "offender_ethnicity": 86}
    traded = pct[(pct["variable"] == "actively_traded")].set_index("subset")["percent"].to_dict()
    assert traded == {"one": 7, "multiple": 12}
    assert (pct[pct["page"] == 14]["variable"] == "actively_traded").all()


def test_findings_list_is_complete_with_pages():
    f = published.findings()
    assert f["id"].tolist() == FINDING_IDS
    assert set(f["significance"]) == {"significant", "not significant", "not stated", "none"}
    said = f.set_index("id")["significance"]
    assert set(said[said == "not significant"].index) == {"F4", "F6", "F21"}
    assert set(said[said == "none"].index) == {"F19", "F23", "F24", "P1"}
    # multiple victims or offenders: "more likely", never "significant" (F21 alone is stated)
    assert set(said[said == "not stated"].index) == {
        "F13", "F14", "F15", "F16", "F17", "F18", "F20", "F22", "S1", "S2"}
    from_report = f[f["source"] == "report"]
    assert from_report["page"].notna().all()
    assert f.set_index("id")["source"][["S1", "S2"]].tolist() == ["csam-overview", "book"]
    figures = f[f["figure"].notna()]
    numbers = figures["figure"].str.extract(r"Figure (\d+)")[0].astype(int)
    assert sorted(numbers) == list(range(1, 25))
    # the report's figures run from page 17 (Figure 1) to page 41 (Figure 24), in order
    assert figures["page"].is_monotonic_increasing
    assert figures["page"].iloc[0] == 17 and figures["page"].iloc[-1] == 41
    assert f.set_index("id").loc["F18", "claim_page"] == 43
    assert (f["claim"].str.len() > 20).all()
    assert set(f["test"].dropna()) == {"chi_square", "fisher_exact", "monte_carlo",
                                       "logistic_slope"}
    assert set(f.loc[f["test"] == "logistic_slope", "id"]) == {"F7", "F15", "F21"}


def test_findings_say_whose_words_and_how_significance_is_known():
    f = published.findings().set_index("id")
    assert set(f["basis"]) == {"stated", "association", "odds_ratio_rule", "direction_only",
                               "no_claim", "book"}
    # every "stated" finding says "significant" in its own words
    stated = f[(f["basis"] == "stated") & f["test"].notna()]
    assert stated["words"].str.contains("significant").all()
    # the report's p. 25 rule covers the one-to-one findings it describes as differences
    assert set(f.index[f["basis"] == "odds_ratio_rule"]) == {"F5", "F7", "F8", "F9", "F10",
                                                             "F11", "F12"}
    # no words for a figure whose sentence is not in the text, nor for the book's own S2
    assert set(f.index[f["words"].isna()]) == {"F19", "S2"}
    assert (f.loc[f["significance"] != "none", "book_reading"].dropna()
            == f.loc[f["significance"] != "none", "significance"].replace(
                {"not stated": "significant"}).dropna()).all()
    # "no significant difference", never "no difference" (F4, F6, F21)
    for finding in ("F4", "F6", "F21"):
        assert "no significant difference" in f.loc[finding, "direction"], finding


def test_targets_margins_equal_the_published_counts():
    """The book's chosen tables keep Table 1 and Table 3 to the unit."""
    targets = published.targets()
    t3 = published.table3()
    for subset, model in (("one", "modern_one"), ("multiple", "modern_multiple")):
        rows = targets[(targets["model"] == model) & targets["col_variable"].notna()]
        checked = set()
        for finding, table in rows.groupby("finding"):
            for side in ("row", "col"):
                variable = table[f"{side}_variable"].iloc[0]
                margin = table.groupby(f"{side}_level")["count"].sum().to_dict()
                printed = t3[(t3["subset"] == subset) & (t3["variable"] == variable)]
                assert margin == printed.set_index("category")["count"].to_dict(), \
                    (model, finding, variable)
                checked.add(variable)
        assert checked == set(t3["variable"])
    periods = targets[(targets["model"] == "historic_cases") & (targets["row_variable"] == "period")]
    assert periods.groupby("row_level")["count"].sum().tolist() == [71, 75, 82, 72, 110, 108]
    victims = targets[(targets["model"] == "historic_victims") & (targets["finding"] == "H-F2")]
    assert victims["count"].sum() == 933


def test_targets_name_a_known_finding():
    targets = published.targets()
    known = set(FINDING_IDS)
    assert set(targets["finding"]) <= known
    assert (targets["count"] >= 0).all()
    # F11: the familial one-to-one cases by victim age, as the book chose them
    one = targets[targets["model"] == "modern_one"]
    familial = one[(one["finding"] == "F11")
                   & one["col_level"].isin(contract.FAMILIAL)]
    assert familial.groupby("row_level")["count"].sum().to_dict() == {
        "infant_toddler": 66, "prepubescent": 277, "pubescent": 171}


def test_readme_says_which_numbers_are_the_reports():
    text = (published.PUBLISHED_DIR / "README.md").read_text()
    for name in ("table1.csv", "table3.csv", "percentages.csv", "findings.csv", "targets.csv"):
        assert name in text
    assert re.search(r"book's choice", text, re.IGNORECASE)


def test_every_file_is_read_with_whole_numbers():
    for frame, column in ((published.table1(), "cases"), (published.table3(), "count"),
                          (published.percentages(), "percent"), (published.targets(), "count")):
        assert isinstance(frame, pd.DataFrame)
        assert str(frame[column].dtype) == "Int64"


def test_claim_quotes_the_source_and_says_whose_reading_significance_is():
    assert published.claim("F5") == (
        'Figure 5 (p. 26): "Cases with a prepubescent victim were much more likely to be traded '
        'than either infant/toddler or pubescent victims". Significant: the report printed an '
        "odds ratio beneath a figure only for a significant difference (p. 25); this one is "
        "lost with the figure's image.")
    assert published.claim("F13").endswith(
        "Significance not stated; the book's data make it significant.")
    assert published.claim("F18").startswith("Figure 18 (p. 36), in the words of p. 43: ")
    assert published.claim("F19") == (
        "Figure 19 (p. 36): no sentence under the figure survives in the report's text. No "
        "test stated; the book's data keep it not significant.")
    assert published.claim("F4").endswith('"There was no significant difference in actively '
                                          'traded status based on victim gender".')
    assert published.claim("S1").startswith("NCMEC's overview of CSAM, citing this report: ")
    assert published.claim("S2").startswith("Not the report's: the book's own choice")


def test_claim_of_an_unknown_finding_names_the_file():
    with pytest.raises(KeyError, match="findings.csv"):
        published.claim("F99")


def test_design_facts_have_pages_and_leave_unprinted_numbers_empty():
    facts = published.design().set_index("id")
    assert facts["page"].notna().all()
    assert facts.loc["historic_cases", "value"] == str(published.table1()["cases"].sum())
    assert facts.loc["historic_victims", "value"] == "933"
    assert facts.loc["traded_min_reports", "value"] == "5"
    assert pd.isna(facts.loc["cases_received", "value"])  # the report printed no count
    assert facts.loc["modern_start", "value"] < facts.loc["modern_end", "value"]


def test_readme_gives_the_provenance_of_every_finding():
    """data/published/README.md: one row per finding id, naming the test findings.csv names."""
    text = (published.PUBLISHED_DIR / "README.md").read_text()
    rows = {cells[0]: cells for cells in (line.strip("| ").split(" | ")
                                          for line in text.splitlines() if line.startswith("| "))
            if len(cells) == 6}
    listed = published.findings().set_index("id")
    expected = ["T1", "T3"] + list(listed.index)
    assert set(expected) <= set(rows), set(expected) - set(rows)
    for finding, test in listed["test"].dropna().items():
        assert f"`{test}`" in rows[finding][4], (finding, rows[finding][4])
        assert rows[finding][2].count('"') % 2 == 0, finding  # quotations closed
    assert "P2" in rows
