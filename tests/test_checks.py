"""Checks against the report: they run on the book's dataset and only there, and say what failed."""
from __future__ import annotations

import pytest

from seto2018 import checks, synth
from seto2018.data import DATA_VARIABLE, load


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("datasets")
    made = {}
    for name, seed, mode in (("sample", 7, "sample"), ("faithful", 3, "faithful")):
        synth.write(synth.generate(seed, mode=mode), root / name, seed=seed, mode=mode)
        made[name] = root / name
    return made


def test_the_books_dataset_is_recognised(monkeypatch):
    monkeypatch.delenv(DATA_VARIABLE, raising=False)
    described = checks.dataset()
    assert described.is_book_data and checks.on_book_data()
    assert "book's dataset" in described.sentence()


@pytest.mark.parametrize("name, words", [
    ("sample", "a sample drawn with seed 7"),
    ("faithful", "a faithful dataset drawn with seed 3"),
])
def test_any_other_dataset_skips_the_checks_and_says_so(folders, monkeypatch, capsys, name,
                                                        words):
    monkeypatch.setenv(DATA_VARIABLE, str(folders[name]))
    checks.announce()
    printed = capsys.readouterr().out
    assert words in printed and "the checks against the report are skipped" in printed
    checks.equal("Table 1, 2002-2003: cases", 1, 2)  # skipped: no error
    checks.holds("F5: a claim", False)
    assert checks.finding("F5", {}) is None


def test_a_dataset_not_written_by_the_generator_is_not_the_books(tmp_path, monkeypatch):
    (tmp_path / "datapackage.json").write_text('{"resources": []}', encoding="utf-8")
    monkeypatch.setenv(DATA_VARIABLE, str(tmp_path))
    assert not checks.on_book_data()
    assert "did not write" in checks.dataset().sentence()


def test_a_failed_check_names_what_it_expected(monkeypatch):
    monkeypatch.delenv(DATA_VARIABLE, raising=False)
    import numpy as np
    with pytest.raises(checks.ReportMismatch,
                       match=r"Table 1, 2002-2003: cases: expected 72 on the book's dataset, got 71"):
        checks.equal("Table 1, 2002-2003: cases", np.int64(71), 72)
    with pytest.raises(checks.ReportMismatch, match="F5: infant/toddler cases are traded least"):
        checks.holds("F5: infant/toddler cases are traded least", False)
    checks.equal("a share", 0.3001, 0.3, tolerance=0.001)


def test_a_finding_checks_the_chapters_p_value_on_the_books_dataset(monkeypatch):
    monkeypatch.delenv(DATA_VARIABLE, raising=False)
    modern = load("modern")
    from seto2018 import findings
    data = findings.subsets(load("historic"), modern)
    result = checks.finding("F5", data)
    assert result is not None and result.significant
    with pytest.raises(AssertionError, match="F5: the chapter's p-value"):
        checks.finding("F5", data, p=0.5)
