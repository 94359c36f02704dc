"""The data contract (seto2018/contract.py) is the one home of the dataset's codes and rules.

Everyone else reads it: data/README.md (tested to list it), the generator's models and
datapackage.json, the report's published tables, and the chapters. A code list spelled out again
anywhere else is found here.
"""
from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from pathlib import Path

import pytest

from _book import cells
from seto2018 import contract, published, synth

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "data" / "README.md"
CONTRACT_FILE = ROOT / "seto2018" / "contract.py"
#: Folders a repository path in a message may start with.
TOP_FOLDERS = ("data", "chapters", "seto2018", "tests", "bench", "docs", "_static")
#: Where the repository's own files are (not installed packages, builds or npm's folder).
SKIPPED = {".venv", "node_modules", "_build", ".git", "seto2018.egg-info"}


def _readme_text() -> str:
    """data/README.md with its lines joined (a phrase may break across lines)."""
    return " ".join(README.read_text(encoding="utf-8").split())


def _readme_rows() -> dict[str, list[str]]:
    """data/README.md's table: each file's rows (column and values), keyed by the file's name."""
    rows, current = {}, None
    for line in README.read_text(encoding="utf-8").splitlines():
        cells_ = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells_) < 3 or cells_[0] in ("file", "---"):
            continue
        if cells_[0]:
            current = cells_[0].strip("`")
        rows.setdefault(current, []).append(" | ".join(cells_[1:]))
    return rows


# ----------------------------------------------------------------------- data/README.md agrees
def test_readme_lists_every_file_of_the_contract():
    assert sorted(_readme_rows()) == sorted(f"{table}.csv" for table in contract.TABLES)


@pytest.mark.parametrize("table", contract.TABLES)
def test_readme_lists_every_column_and_code_of_a_file(table):
    rows = _readme_rows()[f"{table}.csv"]
    for column in contract.SCHEMA[table]:
        row = next((row for row in rows if f"`{column.name}`" in row.split(" | ")[0]), None)
        assert row is not None, f"data/README.md: {table}.csv lacks `{column.name}`"
        if re.search(r"\bas (in|for) ", row):  # "as in the historic dataset": codes given there
            continue
        levels = contract.ACTIVITY_LEVELS
        scale = f"`{levels[0]}` to `{levels[-1]}`"
        for code in column.codes or ():
            shown = f"`{code}`" in row or (column.codes == levels and scale in row)
            assert shown, f"data/README.md: {table}.{column.name} lacks the code `{code}`"


def test_readme_gives_the_rules_with_the_contracts_values():
    text = _readme_text()
    for day in contract.STUDY_PERIOD:
        assert day in text, f"data/README.md does not give the study's date {day}"
    assert f"{contract.ACTIVELY_TRADED_FROM} or more" in text
    for heading in contract.ACTIVITY_HEADINGS.values():
        assert heading in text, f"data/README.md lacks the activity heading {heading!r}"
    for code in contract.CASE_RELATIONSHIPS:
        assert code.replace("_", "-") in text or code in text


def test_readme_finds_the_readme_table():
    """The helper above reads the table it claims to (a renamed table would pass vacuously)."""
    assert any("`case_id`" in row for row in _readme_rows()["modern_cases.csv"])


# ----------------------------------------------------------- the contract agrees with the rest
def test_periods_are_table1s_rows():
    assert tuple(published.table1()["period"]) == contract.PERIODS


def test_table3_uses_the_contracts_codes():
    """Table 3's categories are the contract's codes, the derived case-level ones, or the two
    rows the report prints under the table."""
    codes = {"relationship": set(contract.RELATIONSHIPS) | set(contract.CASE_RELATIONSHIPS),
             "sexual_activity": set(contract.ACTIVITY_CODES), "victim_age": set(contract.AGES),
             "victim_gender": set(contract.GENDERS), "offender_gender": set(contract.GENDERS),
             "actively_traded": {"true", "false"}}
    extra = {contract.MIXED, "unclear", "missing"}
    table3 = published.table3()
    assert set(table3["subset"]) == set(contract.STRUCTURES)
    for variable, rows in table3.groupby("variable"):
        unknown = set(rows["category"]) - codes[variable] - extra
        assert not unknown, f"table3.csv, {variable}: {sorted(unknown)} not in the contract"


def test_the_generators_models_use_the_contracts_codes():
    """The models' levels are the contract's codes plus the levels the report prints (unclear,
    missing, mixed): a code renamed in the contract fails here, not in a chapter."""
    coded = {"period": contract.PERIODS, "sexual_activity": contract.ACTIVITY_CODES,
             "age_category": contract.AGES, "gender": contract.GENDERS,
             "victim_age": contract.AGES, "victim_gender": contract.GENDERS,
             "offender_gender": contract.GENDERS, "actively_traded": ("false", "true")}
    for model in synth.MODELS.values():
        for variable, levels in model.levels.items():
            if variable == "relationship":
                allowed = set(contract.RELATIONSHIPS) | set(contract.CASE_RELATIONSHIPS)
            else:
                allowed = set(coded[variable]) | {contract.MIXED, "unclear", "missing"}
            assert set(levels) <= allowed, (model.name, variable, levels)


def test_the_committed_datapackage_is_the_contract():
    package = json.loads((ROOT / "data" / "synthetic" / "datapackage.json").read_text())
    for resource in package["resources"]:
        columns = contract.SCHEMA[resource["name"]]
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == [c.name for c in columns]
        for field, column in zip(fields, columns):
            assert field["type"] == column.type and field["description"] == column.description
            enum = field.get("constraints", {}).get("enum")
            assert enum == (list(column.codes) if column.codes else None), field["name"]
        assert resource["schema"]["primaryKey"] == list(contract.PRIMARY_KEYS[resource["name"]])


def test_the_rules_are_the_reports_design_facts():
    design = published.design().set_index("id")["value"]
    assert contract.STUDY_PERIOD == (design["modern_start"], design["modern_end"])
    assert contract.ACTIVELY_TRADED_FROM == int(design["traded_min_reports"])
    assert set(contract.FAMILIAL) | set(contract.NON_FAMILIAL) == set(contract.RELATIONSHIPS)


# ------------------------------------------------------------- one home for the familial codes
def _python_sources() -> list[Path]:
    return sorted(p for folder in ("seto2018", "tests", "bench") for p in (ROOT / folder).glob("*.py"))


def _chapter_code(path: Path) -> str:
    """A notebook's code cells, IPython's magics and shell lines left out so that ast reads it."""
    lines = [line for cell in cells(path) if cell["cell_type"] == "code"
             for line in "".join(cell["source"]).splitlines()
             if not line.lstrip().startswith(("%", "!"))]
    return "\n".join(lines)


def _code_lists(source: str, codes: set[str]) -> list[int]:
    """Lines of list, tuple or set literals holding exactly ``codes`` (as strings)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and node.elts:
            values = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            if len(values) == len(node.elts) and set(values) == codes:
                found.append(node.lineno)
    return found


def _asserts_equal_to_the_contract(source: str) -> bool:
    return re.search(r"^\s*assert\b.*\bcontract\.FAMILIAL\b", source, re.MULTILINE) is not None


def test_familial_codes_are_spelled_out_only_in_the_contract():
    """grep for the familial codes finds one definition: chapters may spell the list out where
    the lesson needs it, if they assert it equal to contract.FAMILIAL."""
    familial = set(contract.FAMILIAL)
    places = []
    for path in _python_sources():
        if path != CONTRACT_FILE:
            places += [f"{path.relative_to(ROOT)}:{line}"
                       for line in _code_lists(path.read_text(encoding="utf-8"), familial)]
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        code = _chapter_code(path)
        if _code_lists(code, familial) and not _asserts_equal_to_the_contract(code):
            places.append(f"{path.relative_to(ROOT)} (without an assert against contract.FAMILIAL)")
    assert _code_lists(CONTRACT_FILE.read_text(encoding="utf-8"), familial), "no definition"
    assert not places, f"the familial codes are defined again in {places}"


def test_the_code_list_search_finds_a_list():
    assert _code_lists('x = ["extended_family", "nuclear_family"]\n',
                       set(contract.FAMILIAL)) == [1]
    assert _code_lists('x = ("nuclear_family",)\n', set(contract.FAMILIAL)) == []


# -------------------------------------------------- every document a message or docstring cites
def _repository_files() -> set[str]:
    names = set()
    for path in ROOT.rglob("*"):
        if path.is_file() and not SKIPPED & set(path.relative_to(ROOT).parts):
            names.add(path.relative_to(ROOT).as_posix())
    return names


def _prose(path: Path, strings: bool) -> str:
    """A Python file's comments and docstrings, and with ``strings`` every string literal (the
    package's messages). A test's other strings are fixtures (pages it writes), not citations."""
    source = path.read_text(encoding="utf-8")
    parts = [token.string for token in tokenize.generate_tokens(io.StringIO(source).readline)
             if token.type == tokenize.COMMENT]
    for node in ast.walk(ast.parse(source)):
        if strings and isinstance(node, ast.Constant) and isinstance(node.value, str):
            parts.append(node.value)
        elif isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            parts.append(ast.get_docstring(node) or "")
    return "\n".join(parts)


def _cited(text: str) -> set[str]:
    """Documents (*.md) by name, and repository paths (data/..., chapters/...) of documents and
    data (not of files a build writes, such as _static/vega-bundle.js)."""
    documents = set(re.findall(r"(?<![\w./-])([\w.-]+\.md)\b", text))
    paths = {match for match in re.findall(r"(?<![\w./-])((?:[\w.-]+/)+[\w.-]+\.(?:md|csv|json|"
                                           r"ipynb|yml|cff|txt))\b", text)
             if match.split("/", 1)[0] in TOP_FOLDERS}
    return documents | paths


@pytest.mark.parametrize("folder", ["seto2018", "bench", "tests"])
def test_every_document_cited_in_messages_and_docstrings_is_in_the_repository(folder):
    """Covers what tests/test_care.py's check leaves out: the tests' docstrings and comments,
    repository paths of any kind (a CSV, a notebook), and a name found only under node_modules
    or a build folder, which a user's clone would not have."""
    files = _repository_files()
    basenames = {name.rsplit("/", 1)[-1] for name in files}
    missing = {}
    for path in sorted((ROOT / folder).glob("*.py")):
        for name in _cited(_prose(path, strings=folder != "tests")):
            exists = name in files if "/" in name else name in basenames
            if not exists:
                missing.setdefault(name, path.name)
    assert not missing, f"cited but not in the repository: {missing}"


def test_the_citation_search_finds_documents_and_paths():
    assert _cited('see DATA.md or "data/published/nowhere.csv" (kit/answer_key.csv)') == {
        "DATA.md", "data/published/nowhere.csv"}
