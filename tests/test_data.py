"""The loader and validator, seto2018.data: what it returns, and one test per kind of bad input.

Each bad-input test edits a copy of the tiny hand-made dataset in tests/fixtures/tiny/ (3 historic
cases, 4 modern cases, two of them `multiple`) and checks that the error names the file, the line,
the column and the rule broken.
"""
import hashlib
import json
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

import seto2018
from seto2018 import published
from seto2018.data import DataError, DataWarning, case_level, load, validate

TINY = Path(__file__).parent / "fixtures" / "tiny"
DEFAULT = seto2018.ROOT / "data" / "synthetic"


@pytest.fixture
def tiny(tmp_path) -> Path:
    """A fresh copy of the tiny valid dataset, safe to edit."""
    return Path(shutil.copytree(TINY, tmp_path / "tiny"))


def replace(folder: Path, file: str, old: str, new: str, count: int = 1) -> None:
    """Edit a data file: replace the first `count` occurrences of `old`, which must be there."""
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def set_line(folder: Path, file: str, line: int, new: str | None) -> None:
    """Replace (or, with None, delete) line `line` of a file; the header is line 1."""
    path = folder / file
    lines = path.read_text(encoding="utf-8").splitlines()
    if new is None:
        del lines[line - 1]
    else:
        lines[line - 1] = new
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def add_lines(folder: Path, file: str, *new: str) -> None:
    with open(folder / file, "a", encoding="utf-8") as out:
        out.write("".join(line + "\n" for line in new))


def edit_package(folder: Path, change) -> None:
    """Apply `change(descriptor)` to datapackage.json."""
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def schema(descriptor: dict, resource: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == resource)["schema"]


def error_of(folder: Path, dataset: str = "modern", *parts: str) -> str:
    """Load, expect a DataError, check that its message contains every part; return it."""
    with pytest.raises(DataError) as caught:
        load(dataset, folder)
    message = str(caught.value)
    for part in parts:
        assert part in message, f"{part!r} not in: {message}"
    return message


# -------------------------------------------------------------------------------- a valid dataset
def test_load_returns_each_table_keyed_by_its_name(tiny):
    assert list(load("historic", tiny)) == ["cases", "victims"]
    assert list(load("modern", tiny)) == ["cases", "victims", "offenders", "relationships"]


def test_load_gives_schema_types_and_na_for_empty_fields(tiny):
    modern = load("modern", tiny)
    cases = modern["cases"]
    assert cases.columns.tolist() == ["case_id", "structure", "date_received", "n_reports",
                                      "actively_traded", "sexual_activity"]
    assert cases["case_id"].dtype == "string"
    assert isinstance(cases["structure"].dtype, pd.CategoricalDtype)
    assert cases["structure"].cat.categories.tolist() == ["one", "multiple"]  # schema order
    assert cases["date_received"].dtype == "datetime64[ns]"
    assert cases["date_received"][0] == pd.Timestamp("2011-07-01")
    assert cases["n_reports"].dtype == "Int64"
    assert cases["n_reports"].tolist() == [1, 7, 5, 2]
    assert cases["actively_traded"].dtype == "boolean"
    assert cases["actively_traded"].tolist() == [False, True, True, False]
    assert cases["sexual_activity"].dtype == "Int64"
    assert cases["sexual_activity"].isna().tolist() == [False, True, False, False]
    victims = modern["victims"]
    assert victims["ethnicity"].cat.categories.tolist() == ["white", "black", "hispanic", "asian",
                                                            "other"]
    assert victims["ethnicity"].isna().tolist() == [False, True, False, False, False]
    assert modern["offenders"]["gender"].isna().tolist() == [False] * 4 + [True]
    assert len(modern["relationships"]) == 6
    historic = load("historic", tiny)
    assert historic["cases"]["period"].cat.categories.tolist()[0] == "2002-2003"
    assert historic["cases"]["sexual_activity"].isna().sum() == 1
    assert historic["victims"]["victim_id"].dtype == "string"


def test_validate_accepts_the_folder_or_its_datapackage(tiny):
    assert validate(tiny) is None
    assert validate(str(tiny / "datapackage.json")) is None


def test_the_tiny_fixture_is_a_valid_frictionless_package():
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(TINY / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_columns_the_schema_documents_beyond_the_contract_are_loaded(tiny):
    def add_field(descriptor):
        schema(descriptor, "modern_cases")["fields"].append(
            {"name": "n_images", "type": "integer", "description": "Images in the series",
             "constraints": {"minimum": 1}})
    edit_package(tiny, add_field)
    rows = (tiny / "modern_cases.csv").read_text().splitlines()
    rows = [rows[0] + ",n_images"] + [row + ",3" for row in rows[1:]]
    (tiny / "modern_cases.csv").write_text("\n".join(rows) + "\n")
    assert load("modern", tiny)["cases"]["n_images"].tolist() == [3, 3, 3, 3]


def test_windows_line_endings_and_a_byte_order_mark_are_read(tiny):
    path = tiny / "modern_cases.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert load("modern", tiny)["cases"]["case_id"].tolist() == ["M001", "M002", "M003", "M004"]


def test_quoted_fields_are_read_as_their_text(tiny):
    set_line(tiny, "modern_victims.csv", 2, '"MV01","M001","female","prepubescent","white"')
    assert load("modern", tiny)["victims"]["victim_id"][0] == "MV01"


# ----------------------------------------------------------------------------- folder and package
def test_an_unknown_dataset_name_lists_the_choices(tiny):
    with pytest.raises(DataError, match='unknown dataset "moden"; choose one of: historic, modern'):
        load("moden", tiny)


def test_a_missing_folder(tmp_path):
    error_of(tmp_path / "nowhere", "modern", str(tmp_path / "nowhere"), "not found")


def test_a_file_given_for_the_folder(tiny):
    error_of(tiny / "modern_cases.csv", "modern", "is not a folder")


def test_a_missing_datapackage(tiny):
    (tiny / "datapackage.json").unlink()
    error_of(tiny, "modern", "datapackage.json not found")


def test_a_datapackage_that_is_not_json(tiny):
    path = tiny / "datapackage.json"
    path.write_text(path.read_text().replace('"resources": [', '"resources": [,', 1))
    error_of(tiny, "modern", "datapackage.json, line 4:", "not valid JSON")


def test_a_datapackage_without_one_of_the_datasets_resources(tiny):
    edit_package(tiny, lambda d: d["resources"].pop(4))
    error_of(tiny, "modern", "datapackage.json", 'no resource named "modern_offenders"')


def test_a_schema_that_renames_a_contract_column(tiny):
    edit_package(tiny, lambda d: schema(d, "modern_cases")["fields"][1].update(name="kind"))
    error_of(tiny, "modern", "datapackage.json", '"modern_cases" has no field "structure"',
             "data contract")


def test_a_schema_that_recodes_a_contract_column(tiny):
    fields = lambda d: schema(d, "modern_relationships")["fields"]  # noqa: E731
    edit_package(tiny, lambda d: fields(d)[3]["constraints"].update(enum=["family", "other"]))
    error_of(tiny, "modern", "datapackage.json", 'field "relationship"', "data contract",
             "nuclear_family")


def test_a_schema_constraint_the_loader_cannot_check(tiny):
    edit_package(tiny, lambda d: schema(d, "modern_cases")["fields"][0]["constraints"]
                 .update(format_rule="x"))
    error_of(tiny, "modern", "datapackage.json", '"format_rule"', "cannot check")


def test_a_date_format_other_than_iso(tiny):
    edit_package(tiny, lambda d: schema(d, "modern_cases")["fields"][2].update(format="%d/%m/%Y"))
    error_of(tiny, "modern", "datapackage.json", 'field "date_received" has format "%d/%m/%Y"',
             "YYYY-MM-DD")


def test_a_missing_data_file(tiny):
    (tiny / "modern_offenders.csv").unlink()
    error_of(tiny, "modern", "modern_offenders.csv: data file not found")
    assert load("historic", tiny)  # the other dataset does not need it


def test_an_empty_data_file(tiny):
    (tiny / "historic_victims.csv").write_text("")
    error_of(tiny, "historic", "historic_victims.csv", "empty", "header")


def test_a_file_that_is_not_utf8(tiny):
    path = tiny / "modern_victims.csv"
    path.write_bytes(path.read_bytes().replace(b"MV03,M002,male", b"MV03,M002,m\xe2le"))
    error_of(tiny, "modern", "modern_victims.csv, line 4", "not valid UTF-8", "e2")


# --------------------------------------------------------------------------------------- headers
def test_a_header_missing_a_column(tiny):
    set_line(tiny, "modern_offenders.csv", 1, "offender_id,case_id,gender")
    error_of(tiny, "modern", 'modern_offenders.csv, line 1, column "ethnicity"',
             "missing from the header")


def test_a_header_with_an_unexpected_column(tiny):
    replace(tiny, "historic_cases.csv", "case_id,period,sexual_activity",
            "case_id,period,sexual_activity,notes")
    error_of(tiny, "historic", 'historic_cases.csv, line 1, column "notes"', "unexpected column",
             "not in the schema")


def test_a_header_in_the_wrong_order(tiny):
    set_line(tiny, "modern_cases.csv", 1, "case_id,date_received,structure,n_reports,"
                                          "actively_traded,sexual_activity")
    error_of(tiny, "modern", 'modern_cases.csv, line 1, column "date_received"', "wrong order",
             'column 2 is "date_received" where the schema expects "structure"')


def test_a_header_naming_a_column_twice(tiny):
    set_line(tiny, "historic_cases.csv", 1, "case_id,period,period")
    error_of(tiny, "historic", 'column "period"', "appears twice")


# ------------------------------------------------------------------------------------------ rows
@pytest.mark.parametrize("line, problem", [
    ("MV02,M002,female,pubescent,,", "has 6 fields but the header has 5"),
    ("MV02,M002,female,pubescent", "has 4 fields but the header has 5"),
    ("", "the line is blank"),
])
def test_a_line_with_the_wrong_number_of_fields(tiny, line, problem):
    set_line(tiny, "modern_victims.csv", 3, line)
    error_of(tiny, "modern", "modern_victims.csv, line 3:", problem)


def test_a_required_value_missing(tiny):
    replace(tiny, "modern_cases.csv", "M003,one,2013-11-30,5", "M003,one,,5")
    error_of(tiny, "modern", 'modern_cases.csv, line 4, column "date_received"',
             "a value is required here but the field is empty")


@pytest.mark.parametrize("value", ["1.0", " 7", "07", "+7", "1e3", "seven"])
def test_an_integer_that_is_not_written_as_one(tiny, value):
    replace(tiny, "modern_cases.csv", "2012-03-15,7,", f"2012-03-15,{value},")
    error_of(tiny, "modern", 'modern_cases.csv, line 3, column "n_reports"',
             f'value "{value}" is not a whole number')


@pytest.mark.parametrize("value", ["True ", "True", "TRUE", "yes", "1", "t"])
def test_a_boolean_that_is_not_true_or_false(tiny, value):
    replace(tiny, "modern_cases.csv", "7,true,", f"7,{value},")
    error_of(tiny, "modern", 'modern_cases.csv, line 3, column "actively_traded"',
             f'value "{value}" is not a boolean (write true or false)')


@pytest.mark.parametrize("value", ["2012-1-5", "2012/03/15", "15/03/2012", "2013-02-30",
                                   "2012-03-15T00:00"])
def test_a_date_that_is_not_iso(tiny, value):
    replace(tiny, "modern_cases.csv", "2012-03-15", value)
    error_of(tiny, "modern", 'modern_cases.csv, line 3, column "date_received"',
             f'value "{value}" is not a date written YYYY-MM-DD')


def test_an_unknown_code(tiny):
    replace(tiny, "modern_cases.csv", "M003,one,", "M003,several,")
    message = error_of(tiny, "modern")
    assert message == ('modern_cases.csv, line 4, column "structure": value "several" is not one '
                       "of the allowed codes (one, multiple).")


@pytest.mark.parametrize("file, old, new, line, column, codes", [
    ("modern_cases.csv", "2011-07-01,1,false,2", "2011-07-01,1,false,5", 2, "sexual_activity",
     "1, 2, 3, 4"),
    ("modern_victims.csv", "MV04,M003,female", "MV04,M003,Female", 5, "gender", "female, male"),
    ("modern_relationships.csv", "M003,MV04,MO03,unknown_to_child", "M003,MV04,MO03,stranger",
     5, "relationship", "nuclear_family, extended_family"),
])
def test_an_unknown_code_in_other_columns(tiny, file, old, new, line, column, codes):
    replace(tiny, file, old, new)
    error_of(tiny, "modern", f'{file}, line {line}, column "{column}"', "not one of the allowed",
             codes)


def test_a_code_with_a_trailing_space(tiny):
    replace(tiny, "modern_victims.csv", "MV03,M002,male", "MV03,M002,male ")
    error_of(tiny, "modern", 'modern_victims.csv, line 4, column "gender"', 'value "male "',
             "has a space or line break at its start or end")


def test_a_value_below_the_schema_minimum(tiny):
    replace(tiny, "modern_cases.csv", "M001,one,2011-07-01,1,", "M001,one,2011-07-01,0,")
    error_of(tiny, "modern", 'modern_cases.csv, line 2, column "n_reports"',
             'value "0" is below the minimum allowed, 1')


def test_the_first_problem_is_reported_with_a_count_of_the_rest(tiny):
    replace(tiny, "modern_cases.csv", "one,", "single,", count=2)
    replace(tiny, "modern_cases.csv", "2012-03-15,7,", "2012-03-15,7.0,")
    message = error_of(tiny, "modern", 'line 2, column "structure"')
    assert message.endswith("(and 2 more problems in this file).")


def test_a_duplicate_primary_key(tiny):
    replace(tiny, "historic_cases.csv", "H003,", "H001,")
    error_of(tiny, "historic", 'historic_cases.csv, line 4, column "case_id"',
             '"H001" repeats line 2', "must be unique")


def test_a_bad_cell_is_counted_once_though_it_breaks_two_rules(tiny):
    replace(tiny, "historic_cases.csv", "H003,", "H001,")  # unique and primary key
    assert error_of(tiny, "historic").endswith("must be unique.")


def test_a_duplicate_composite_key(tiny):
    replace(tiny, "modern_relationships.csv", "M004,MV05,MO05,close_proximity",
            "M004,MV05,MO04,close_proximity")
    error_of(tiny, "modern", 'modern_relationships.csv, line 7, columns "victim_id", "offender_id"',
             '"MV05", "MO04" repeats line 6', "primary key must be unique")


def test_a_duplicate_id_when_the_schema_declares_no_key(tiny):
    def drop_keys(descriptor):
        cases = schema(descriptor, "modern_cases")
        del cases["primaryKey"]
        del cases["fields"][0]["constraints"]["unique"]
    edit_package(tiny, drop_keys)
    replace(tiny, "modern_cases.csv", "M004,", "M003,")
    error_of(tiny, "modern", 'modern_cases.csv, line 5, column "case_id"', '"M003" repeats line 4',
             "IDs in this column must be unique")


# --------------------------------------------------------------------------------- across files
def test_a_victim_of_an_unknown_case(tiny):
    replace(tiny, "modern_victims.csv", "MV05,M004", "MV05,M999")
    error_of(tiny, "modern", 'modern_victims.csv, line 6, column "case_id"',
             'there is no case_id "M999" in modern_cases.csv', "broken reference")


def test_a_victim_of_an_unknown_case_when_the_schema_declares_no_foreign_key(tiny):
    edit_package(tiny, lambda d: schema(d, "historic_victims").pop("foreignKeys"))
    replace(tiny, "historic_victims.csv", "HV02,H002", "HV02,H009")
    error_of(tiny, "historic", 'historic_victims.csv, line 3, column "case_id"',
             'there is no case_id "H009" in historic_cases.csv')


def test_a_relationship_with_an_unknown_offender(tiny):
    replace(tiny, "modern_relationships.csv", "M004,MV05,MO05", "M004,MV05,MO55")
    error_of(tiny, "modern", 'modern_relationships.csv, line 7, column "offender_id"',
             'there is no offender_id "MO55" in modern_offenders.csv')


def test_a_broken_composite_foreign_key(tiny):
    def pair_with_victims(descriptor):
        schema(descriptor, "modern_relationships")["foreignKeys"].append(
            {"fields": ["victim_id", "case_id"],
             "reference": {"resource": "modern_victims", "fields": ["victim_id", "case_id"]}})
    edit_package(tiny, pair_with_victims)
    replace(tiny, "modern_relationships.csv", "M002,MV03,MO02", "M002,MV04,MO02")
    error_of(tiny, "modern", 'modern_relationships.csv, line 4, columns "victim_id", "case_id"',
             'there is no row with victim_id "MV04", case_id "M002" in modern_victims.csv')


def test_a_relationship_with_a_victim_of_another_case(tiny):
    replace(tiny, "modern_relationships.csv", "M002,MV03,MO02", "M002,MV04,MO02")
    error_of(tiny, "modern", 'modern_relationships.csv, line 4, column "victim_id"',
             'victim "MV04" belongs to case "M003" in modern_victims.csv, not to case "M002"')


def test_a_relationship_with_an_offender_of_another_case(tiny):
    replace(tiny, "modern_relationships.csv", "M004,MV05,MO05", "M004,MV05,MO01")
    error_of(tiny, "modern", 'modern_relationships.csv, line 7, column "offender_id"',
             'offender "MO01" belongs to case "M001"')


def test_a_historic_case_with_no_victims(tiny):
    set_line(tiny, "historic_victims.csv", 3, None)  # HV02, the only victim of H002
    error_of(tiny, "historic", 'historic_cases.csv, line 3, column "case_id"',
             'case "H002" has no victims in historic_victims.csv',
             "every case needs at least one victim")


def test_a_modern_case_with_no_offenders(tiny):
    add_lines(tiny, "modern_cases.csv", "M005,one,2013-01-01,1,false,")
    add_lines(tiny, "modern_victims.csv", "MV06,M005,female,pubescent,")
    error_of(tiny, "modern", 'modern_cases.csv, line 6, column "case_id"',
             'case "M005" has no offenders', "at least one offender")


def test_a_one_case_with_two_victims(tiny):
    add_lines(tiny, "modern_victims.csv", "MV06,M003,male,pubescent,")
    add_lines(tiny, "modern_relationships.csv", "M003,MV06,MO03,unknown_to_child")
    error_of(tiny, "modern", 'modern_cases.csv, line 4, column "structure"',
             'case "M003" is coded "one" but has 2 victims, 1 offender and 2 relationship rows',
             'a "one" case has exactly one victim, one offender and one relationship row')


def test_a_multiple_case_with_one_victim_and_one_offender(tiny):
    replace(tiny, "modern_cases.csv", "M001,one,", "M001,multiple,")
    error_of(tiny, "modern", 'modern_cases.csv, line 2, column "structure"',
             'case "M001" is coded "multiple" but has 1 victim, 1 offender',
             "two or more victims or two or more offenders")


def test_a_victim_offender_pair_without_a_relationship(tiny):
    set_line(tiny, "modern_relationships.csv", 7, None)  # MV05 with MO05, case M004
    error_of(tiny, "modern", 'modern_cases.csv, line 5, column "case_id"',
             'case "M004" has no row in modern_relationships.csv for victim "MV05" and offender '
             '"MO05"', "exactly one relationship row")


def test_a_victim_offender_pair_with_two_relationships(tiny):
    edit_package(tiny, lambda d: schema(d, "modern_relationships").pop("primaryKey"))
    add_lines(tiny, "modern_relationships.csv", "M002,MV03,MO02,nuclear_family")
    error_of(tiny, "modern", 'modern_relationships.csv, line 8, columns "victim_id", "offender_id"',
             'victim "MV03" and offender "MO02" already have a relationship row on line 4',
             "exactly one relationship row")


@pytest.mark.parametrize("old, new, shown", [
    ("M001,one,2011-07-01,1,false", "M001,one,2011-07-01,1,true", 'value "true" does not match '
                                                                  'n_reports "1"'),
    ("M003,one,2013-11-30,5,true", "M003,one,2013-11-30,5,false", 'value "false" does not match '
                                                                  'n_reports "5"'),
])
def test_actively_traded_that_disagrees_with_n_reports(tiny, old, new, shown):
    replace(tiny, "modern_cases.csv", old, new)
    error_of(tiny, "modern", 'modern_cases.csv, line', 'column "actively_traded"', shown,
             "actively_traded is true exactly when n_reports >= 5")


def test_a_date_received_outside_the_study_period(tiny):
    replace(tiny, "modern_cases.csv", "2014-06-30", "2014-07-01")
    error_of(tiny, "modern", 'modern_cases.csv, line 5, column "date_received"',
             'value "2014-07-01" is outside the study period (2011-07-01 to 2014-06-30)')


# -------------------------------------------------------------------------------------- integrity
def test_a_file_edited_after_its_hash_was_recorded_loads_with_a_warning(tiny):
    content = (tiny / "historic_cases.csv").read_bytes()

    def record(descriptor, digest):
        resource = descriptor["resources"][0]
        resource.update(bytes=len(content), hash=f"sha256:{digest}")

    edit_package(tiny, lambda d: record(d, hashlib.sha256(content).hexdigest()))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load("historic", tiny)  # the recorded hash matches: no warning
    replace(tiny, "historic_cases.csv", "H002,2008-2009", "H002,2010-2011")
    with pytest.warns(DataWarning, match="historic_cases.csv is valid but differs"):
        load("historic", tiny)


def test_validate_reports_problems_in_either_dataset(tiny):
    replace(tiny, "historic_victims.csv", "HV04,H003,female", "HV04,H003,girl")
    with pytest.raises(DataError, match='historic_victims.csv, line 5, column "gender"'):
        validate(tiny)


def test_validate_refuses_half_a_dataset(tiny):
    edit_package(tiny, lambda d: d["resources"].pop())
    with pytest.raises(DataError, match='no resource named "modern_relationships"'):
        validate(tiny)


def test_data_error_is_a_value_error_with_its_parts():
    error = DataError("bad", file="a.csv", line=3, column="x", value="v")
    assert isinstance(error, ValueError)
    assert (error.file, error.line, error.column, error.value) == ("a.csv", 3, "x", "v")
    assert str(error) == 'a.csv, line 3, column "x": bad.'


# ------------------------------------------------------------------------- the default dataset
@pytest.fixture(scope="module")
def default_dataset() -> Path:
    if not (DEFAULT / "datapackage.json").exists():
        pytest.skip("data/synthetic/ has not been generated yet (make data)")
    return DEFAULT


def test_the_default_dataset_is_valid(default_dataset):
    validate(default_dataset)
    modern, historic = load("modern"), load("historic")
    assert list(modern) == ["cases", "victims", "offenders", "relationships"]
    assert list(historic) == ["cases", "victims"]
    assert len(modern["cases"]) > 0 and len(historic["victims"]) > 0


def test_case_level_codes_are_shared_values_or_mixed():
    codes = case_level(load("modern", TINY)).set_index("case_id")
    # A one-to-one case keeps its people's codes and its pair's relationship.
    assert codes.loc["M001", ["victim_gender", "victim_age", "offender_gender",
                              "relationship"]].tolist() == [
        "female", "prepubescent", "male", "nuclear_family"]
    # Two victims (girl and boy), one offender: mixed gender and age; one familial pair of two.
    assert codes.loc["M002", ["victim_gender", "victim_age", "offender_gender",
                              "relationship"]].tolist() == ["mixed", "mixed", "male", "mixed"]
    # An offender of missing gender makes the case's offender gender missing, not "male".
    assert pd.isna(codes.loc["M004", "offender_gender"])
    assert codes.loc["M004", "relationship"] == "mixed"
    assert codes.index.tolist() == ["M001", "M002", "M003", "M004"]


def test_case_level_gives_table3_on_the_default_data():
    codes = case_level(load("modern"))
    multiple = codes[codes["structure"] == "multiple"]
    printed = published.table3("multiple").set_index(["variable", "category"])["count"]
    assert multiple["relationship"].value_counts().to_dict() == printed["relationship"].to_dict()
    gender = multiple["offender_gender"].fillna("missing").value_counts().to_dict()
    assert gender == printed["offender_gender"].to_dict()


def test_a_folder_loaded_again_unchanged_is_copied_from_memory_and_rechecked_once_changed(tmp_path):
    from seto2018 import synth
    synth.write(synth.generate(7, mode="sample"), tmp_path, seed=7, mode="sample")
    first = load("modern", path=tmp_path)
    first["cases"].loc[0, "n_reports"] = 10**6  # a chapter's edit must not reach the next load
    again = load("modern", path=tmp_path)
    assert again["cases"]["n_reports"].max() < 10**6
    cases = tmp_path / "modern_cases.csv"
    cases.write_text(cases.read_text(encoding="utf-8").replace(",one,", ",several,", 1),
                     encoding="utf-8")
    with pytest.raises(DataError, match="several"):
        load("modern", path=tmp_path)
