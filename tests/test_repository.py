"""What a user of the repository needs besides the book: its licences and how to cite it."""
from __future__ import annotations

import tomllib

import yaml

from seto2018 import ROOT


def test_the_licence_covers_code_text_and_data_and_keeps_the_reports_words_its_own():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in text and "Permission is hereby granted" in text
    assert "CC BY-SA 4.0" in text and "creativecommons.org/licenses/by-sa/4.0/legalcode" in text
    assert "The report's words remain the report's" in text
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT", "pyproject.toml's licence is the code's licence"


def test_the_citation_file_names_the_book_its_version_and_the_report():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    for key in ("cff-version", "message", "title", "authors", "version", "license"):
        assert cff.get(key), f"CITATION.cff: {key} is required"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert str(cff["version"]) == project["version"], "CITATION.cff's version is the package's"
    assert set(cff["license"]) == {"MIT", "CC-BY-SA-4.0"}, "the licences LICENSE gives"
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert cff["title"] == config["title"]
    assert cff["url"] == config["html"]["baseurl"]
    assert cff["repository-code"] == config["repository"]["url"]
    report = cff["references"][0]
    assert [a["family-names"] for a in report["authors"]] == ["Seto", "Buckman", "Dwyer", "Quayle"]


def test_every_page_shows_the_licences():
    footer = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["html"]["extra_footer"]
    assert "MIT" in footer and "CC BY-SA 4.0" in footer and "NCMEC and Thorn" in footer
