"""Load a synthetic dataset and check it against its ``datapackage.json``.

Every chapter reads its data through :func:`load`, so a dataset that breaks the data contract
(``data/README.md``) fails here, with a message that says where and why, instead of as a wrong number
three chapters later::

    >>> from seto2018.data import load
    >>> modern = load("modern")                      # data/synthetic/ by default
    >>> sorted(modern)
    ['cases', 'offenders', 'relationships', 'victims']
    >>> modern["cases"]["structure"].cat.categories.tolist()
    ['one', 'multiple']

An instructor checking an edited or regenerated dataset::

    python -c "from seto2018.data import validate; validate('mydata')"

which prints nothing when the folder is valid and raises :class:`DataError` otherwise, e.g.::

    modern_cases.csv, line 14, column "structure": value "several" is not one of the allowed
    codes (one, multiple).

The check is strict and converts nothing silently: ``1.0`` is not an integer, ``True`` or ``yes``
is not a boolean (only ``true``/``false``), ``2012-1-5`` is not a date (only ``YYYY-MM-DD``), a
code outside the schema's ``enum`` is an error, and only the schema's ``missingValues`` (the empty
field) mean missing. Types returned: ID and free-text columns ``string``; coded text columns
``Categorical`` with the schema's codes, in the schema's order, as categories; integer ``Int64``;
number ``Float64``; boolean ``boolean``; date ``datetime64[ns]``; missing values ``<NA>``/``NaT``.

Two kinds of check, in two parts of this module. Part 1 is generic Frictionless Table Schema
(what the pinned ``frictionless`` also checks, re-done here for messages that name the file, line,
column and rule). Part 2 is the book's own rules, from :mod:`seto2018.contract`:
the contract's columns and codes, unique IDs, the study's dates, the five-report rule, and how
cases, victims, offenders and their relationship rows fit together.

A UTF-8 byte-order mark at the start of a file (Excel's "CSV UTF-8") is accepted. A file whose
bytes no longer match the ``hash`` recorded in ``datapackage.json`` but is otherwise valid gives a
:class:`DataWarning`, not an error, so an instructor's deliberate edit still loads.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import warnings
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd

import seto2018

from . import contract
from .contract import (ACTIVELY_TRADED_FROM, CASE_RELATIONSHIPS, DATASETS, FAMILIAL, MIXED,
                       STRUCTURES, STUDY_PERIOD)

__all__ = ["DATASETS", "DataError", "DataWarning", "case_level", "default_path", "load", "validate"]


_TYPES = ("string", "integer", "number", "boolean", "date")
_CONSTRAINTS = {"required", "unique", "enum", "minimum", "maximum", "pattern", "minLength",
                "maxLength"}
# Canonical spellings only: a value that would need rounding, trimming or guessing is an error.
_INTEGER = r"-?(?:0|[1-9][0-9]{0,17})"
_NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_BOM = "\ufeff"
_MAX_SHOWN = 60  # characters of an offending value quoted in a message


# --------------------------------------------------------------------------------------- errors
class DataError(ValueError):
    """A dataset that breaks its ``datapackage.json`` or the data contract.

    ``str(error)`` is one readable sentence; the parts are also attributes: ``file``, ``line``
    (in the CSV, header = line 1), ``column``, ``value`` (None where they do not apply).
    """

    def __init__(self, problem: str, *, file: str | None = None, line: int | None = None,
                 column: str | None = None, value: str | None = None, more: int = 0,
                 more_where: str = "in this file"):
        self.file, self.line, self.column, self.value = file, line, column, value
        self.problem, self.more = problem, more
        where = [part for part in (file, line and f"line {line}", _columns_label(column)) if part]
        message = (f"{', '.join(where)}: {problem}" if where else problem).rstrip(".")
        if more:
            message += f" (and {more} more problem{'s' * (more > 1)} {more_where})"
        super().__init__(message + ".")


class DataWarning(UserWarning):
    """A dataset that is valid but differs from the one ``datapackage.json`` describes."""


def _columns_label(column: str | tuple | None) -> str | None:
    if not column:
        return None
    if isinstance(column, str):
        return f'column "{column}"'
    return "columns " + ", ".join(f'"{name}"' for name in column)


def _quote(value) -> str:
    """Show a value as in the file, quoted, with invisible characters made visible."""
    text = str(value)
    if len(text) > _MAX_SHOWN:
        text = text[:_MAX_SHOWN] + "..."
    return json.dumps(text, ensure_ascii=False)


def _codes(values) -> str:
    return ", ".join(_json_text(value) for value in values)


def _json_text(value) -> str:
    """A schema value (enum item, minimum...) as it is written in a CSV file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ================================================================================================
# Part 1. Generic Table Schema checks: what any Frictionless validator checks (the descriptor, the
# CSV, types, required, unique, enum, minimum/maximum, pattern, lengths, primary and foreign keys,
# hash). Nothing here knows the book's files; only the messages are the book's own.
# ================================================================================================
# ----------------------------------------------------------------------------------- the package
@dataclass
class _Field:
    name: str
    type: str
    constraints: dict
    true_values: tuple = ("true",)
    false_values: tuple = ("false",)

    @property
    def enum(self) -> list | None:
        return self.constraints.get("enum")


@dataclass
class _Resource:
    name: str
    file: Path
    fields: list[_Field]
    missing_values: tuple
    primary_key: list[str]
    foreign_keys: list[dict]
    hash: str | None = None
    bytes: int | None = None

    @property
    def filename(self) -> str:
        return self.file.name


@dataclass
class _Table:
    """A validated file: its frame and, for messages, the file line of each row."""

    resource: _Resource
    frame: pd.DataFrame
    lines: np.ndarray = field(repr=False)

    def fail(self, row: int, column, problem: str, value=None, more: int = 0, **kwargs):
        raise DataError(problem, file=self.resource.filename, line=int(self.lines[row]),
                        column=column, value=value, more=more, **kwargs)


#: Names a dataset folder that replaces ``data/synthetic/`` wherever no path is given, so the
#: chapters (which call ``load("modern")``) run on a student's own dataset unchanged.
DATA_VARIABLE = "SETO2018_DATA"


def default_path() -> Path:
    """The dataset folder :func:`load` reads when given no path.

    The folder named by the environment variable ``SETO2018_DATA`` (relative to the current
    folder) when it is set and not empty, else the book's dataset (``data/synthetic/`` in the
    repository, its copy inside the package when installed). A variable naming a folder that does
    not exist is an error that names both, not a silent fall-back.
    """
    chosen = os.environ.get(DATA_VARIABLE, "")
    if not chosen:
        return seto2018.DATA_DIR / "synthetic"
    folder = Path(chosen)
    if not folder.is_dir():
        state = "is not a folder" if folder.exists() else "not found"
        raise DataError(f"dataset folder {folder} {state} (named by the environment variable "
                        f"{DATA_VARIABLE}; set it to a folder that `make data` wrote, or unset "
                        "it to read data/synthetic/)")
    return folder


def _package_error(problem: str) -> DataError:
    return DataError(problem, file="datapackage.json")


def _read_package(folder: Path) -> dict[str, _Resource]:
    """Read ``datapackage.json`` and check that it describes resources this module can read."""
    if not folder.exists():
        raise DataError(f"dataset folder {folder} not found (a dataset is a folder holding "
                        "datapackage.json and its CSV files; `make data` writes one)")
    if not folder.is_dir():
        raise DataError(f"{folder} is not a folder (give the dataset folder that holds "
                        "datapackage.json)")
    descriptor_file = folder / "datapackage.json"
    if not descriptor_file.is_file():
        raise DataError(f"datapackage.json not found in {folder} (it describes the dataset's "
                        "files and columns; `make data` writes it)")
    try:
        descriptor = json.loads(descriptor_file.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise _package_error(f"the file is not valid UTF-8 ({error.reason})") from None
    except json.JSONDecodeError as error:
        raise DataError(f"not valid JSON: {error.msg} (column {error.colno})",
                        file="datapackage.json", line=error.lineno) from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise _package_error('no "resources" list (a data package lists one resource per file)')
    resources = {}
    for number, item in enumerate(descriptor["resources"], start=1):
        resource = _read_resource(item, number, folder)
        if resource.name in resources:
            raise _package_error(f'two resources are named "{resource.name}"')
        resources[resource.name] = resource
    return resources


def _read_resource(item, number: int, folder: Path) -> _Resource:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise _package_error(f'resource {number} has no "name"')
    name = item["name"]
    label = f'resource "{name}"'
    path = item.get("path")
    # A local, relative file only: the book never fetches data, and a dataset folder is
    # self-contained so it can be copied or handed out as is.
    local = (isinstance(path, str) and "://" not in path and not Path(path).is_absolute()
             and ".." not in Path(path).parts)
    if not local:
        raise _package_error(f'{label} needs a "path" to a file in the dataset folder, '
                             f"got {_quote(path)}")
    encoding = str(item.get("encoding", "utf-8")).lower().replace("_", "-")
    if encoding not in ("utf-8", "utf8"):
        raise _package_error(f'{label} has encoding {_quote(item["encoding"])}; the book\'s '
                             "files are UTF-8")
    dialect = item.get("dialect", {})
    if dialect.get("delimiter", ",") != "," or dialect.get("header", True) is not True:
        raise _package_error(f"{label} has a CSV dialect other than comma-separated with a "
                             "header line, which is what the book's files are")
    schema = item.get("schema")
    if isinstance(schema, str):  # a schema kept in its own file, next to datapackage.json
        schema = _read_json(folder / schema, label)
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        raise _package_error(f'{label} has no "schema" with a "fields" list')
    fields = [_read_field(spec, label) for spec in schema["fields"]]
    names = [f.name for f in fields]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise _package_error(f"{label} lists field {_quote(duplicated[0])} twice")
    primary_key = schema.get("primaryKey", [])
    primary_key = [primary_key] if isinstance(primary_key, str) else list(primary_key)
    foreign_keys = list(schema.get("foreignKeys", []))
    for key in primary_key + [n for fk in foreign_keys for n in _as_list(fk.get("fields"))]:
        if key not in names:
            raise _package_error(f'{label}: key field "{key}" is not one of its fields')
    return _Resource(name=name, file=folder / path, fields=fields,
                     missing_values=tuple(schema.get("missingValues", [""])),
                     primary_key=primary_key, foreign_keys=foreign_keys,
                     hash=item.get("hash"), bytes=item.get("bytes"))


def _read_json(file: Path, label: str):
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise _package_error(f"{label}: cannot read its schema {file.name} ({error})") from None


def _read_field(spec, label: str) -> _Field:
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
        raise _package_error(f'{label} has a field without a "name"')
    name, kind = spec["name"], spec.get("type", "string")
    where = f'{label}, field "{name}"'
    if kind not in _TYPES:
        raise _package_error(f"{where} has type {_quote(kind)}; this loader reads "
                             f"{', '.join(_TYPES)}")
    if spec.get("format", "default") != "default":  # e.g. a date format other than ISO
        raise _package_error(f'{where} has format {_quote(spec["format"])}; this loader reads '
                             'only the "default" format (dates as YYYY-MM-DD)')
    constraints = dict(spec.get("constraints", {}))
    unknown = sorted(set(constraints) - _CONSTRAINTS)
    if unknown:  # never skip a rule the schema states: say it cannot be checked instead
        raise _package_error(f"{where} has constraint {_quote(unknown[0])}, which this loader "
                             f"cannot check (it checks {', '.join(sorted(_CONSTRAINTS))})")
    enum = constraints.get("enum")
    if enum is not None and (not isinstance(enum, list) or not enum):
        raise _package_error(f'{where}: "enum" must be a non-empty list of codes')
    return _Field(name, kind, constraints, tuple(spec.get("trueValues", ["true"])),
                  tuple(spec.get("falseValues", ["false"])))


def _as_list(value) -> list:
    return [value] if isinstance(value, str) else list(value or [])


# ------------------------------------------------------------------------------------ one file
def _read_text(resource: _Resource) -> str:
    name = resource.filename
    if not resource.file.is_file():
        raise DataError(f"data file not found in {resource.file.parent} (datapackage.json lists "
                        f'it as resource "{resource.name}")', file=name)
    raw = resource.file.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        bad = raw[error.start:error.end].hex(" ")
        raise DataError(f"the file is not valid UTF-8 (bytes {bad} cannot be decoded); save it "
                        "as UTF-8", file=name, line=line) from None
    return text.removeprefix(_BOM)


def _read_rows(resource: _Resource) -> tuple[list[str], list[list[str]], np.ndarray]:
    """Split a CSV file into header, rows and the file line each row starts on."""
    name = resource.filename
    reader = csv.reader(io.StringIO(_read_text(resource), newline=""), strict=True)
    rows, lines = [], []
    try:
        header = next(reader, None)
        previous = reader.line_num
        for row in reader:
            rows.append(row)
            lines.append(previous + 1)
            previous = reader.line_num
    except csv.Error as error:  # e.g. a stray quote inside an unquoted field
        raise DataError(f"the line is not valid CSV ({error})", file=name,
                        line=reader.line_num) from None
    if header is None:
        raise DataError("the file is empty; it needs a header line naming the columns", file=name)
    return header, rows, np.asarray(lines, dtype=np.int64)


def _check_header(resource: _Resource, header: list[str]) -> None:
    expected = [f.name for f in resource.fields]
    if header == expected:
        return

    def fail(column, problem):
        raise DataError(problem, file=resource.filename, line=1, column=column)

    for name in header:
        if header.count(name) > 1:
            fail(name, "this column appears twice in the header")
    for name in expected:
        if name not in header:
            fail(name, "this column is missing from the header (datapackage.json lists: "
                       f"{', '.join(expected)})")
    for name in header:
        if name not in expected:
            fail(name, "unexpected column: it is not in the schema in datapackage.json "
                       "(add it there, with a description, or remove it)")
    for position, (found, wanted) in enumerate(zip(header, expected), start=1):
        if found != wanted:
            fail(found, f'columns are in the wrong order: column {position} is "{found}" where '
                        f'the schema expects "{wanted}" (expected order: {", ".join(expected)})')


def _check_row_lengths(resource: _Resource, rows: list[list[str]], lines: np.ndarray,
                       width: int) -> None:
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    bad = np.flatnonzero(lengths != width)
    if bad.size:
        row = bad[0]
        problem = ("the line is blank" if lengths[row] == 0 else
                   f"the line has {lengths[row]} fields but the header has {width} "
                   "(a missing or extra comma, or a value with a comma that needs quotes?)")
        raise DataError(problem, file=resource.filename, line=int(lines[row]),
                        more=bad.size - 1)


@dataclass
class _Problem:
    """Rows of one column that break one rule; ``describe(value)`` says how, for the first."""

    column: str | tuple
    position: int  # the column's place, so problems on one line are reported left to right
    mask: np.ndarray
    describe: object


def _convert_column(raw: pd.Series, spec: _Field, missing_values, position: int):
    """Convert a column of raw text to its schema type; return (values, problems)."""
    problems = []

    def check(mask, describe):
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            problems.append(_Problem(spec.name, position, mask, describe))

    missing = raw.isin(missing_values).to_numpy()
    present = ~missing
    if spec.constraints.get("required"):
        check(missing, lambda v: "a value is required here but the field is empty")

    values, valid = _parse(raw, spec, present)
    check(present & ~valid, _type_rule(spec))
    ok = present & valid
    _check_constraints(raw, values, ok, spec, check)
    return _typed(raw, values, ok, spec), problems


def _parse(raw: pd.Series, spec: _Field, present: np.ndarray):
    """Values of the column's type (where valid) and a mask of the values that parse."""
    text = raw.where(present, "")
    kind = spec.type
    if kind == "string":
        return raw, np.ones(len(raw), dtype=bool)
    if kind == "integer":
        valid = text.str.fullmatch(_INTEGER).to_numpy()
        numbers = np.zeros(len(raw), dtype=np.int64)
        numbers[valid] = text[valid].to_numpy().astype(np.int64)
        return numbers, valid
    if kind == "number":
        valid = text.str.fullmatch(_NUMBER).to_numpy()
        numbers = np.full(len(raw), np.nan)
        numbers[valid] = text[valid].to_numpy().astype(np.float64)
        return numbers, valid
    if kind == "boolean":
        is_true = text.isin(spec.true_values).to_numpy()
        return is_true, is_true | text.isin(spec.false_values).to_numpy()
    # date: the exact ISO form, and a real calendar day (2013-02-30 parses to NaT)
    shaped = text.str.fullmatch(_DATE).to_numpy()
    dates = pd.to_datetime(text.where(shaped), format="%Y-%m-%d", errors="coerce")
    return dates.to_numpy(dtype="datetime64[ns]"), shaped & dates.notna().to_numpy()


def _type_rule(spec: _Field):
    kind = spec.type
    if kind == "integer":
        return lambda v: (f"value {_quote(v)} is not a whole number (write digits only, like 12: "
                          "no decimal point, spaces or leading zeros)")
    if kind == "number":
        return lambda v: f"value {_quote(v)} is not a number (write it like 12 or 3.5)"
    if kind == "boolean":
        allowed = " or ".join(spec.true_values + spec.false_values)
        return lambda v: f"value {_quote(v)} is not a boolean (write {allowed})"
    return lambda v: (f"value {_quote(v)} is not a date written YYYY-MM-DD (like 2013-07-01), "
                      "or is not a real day")


def _check_constraints(raw: pd.Series, values, ok: np.ndarray, spec: _Field, check) -> None:
    rules = spec.constraints
    if spec.type == "string":
        # Invisible spaces make "M0001 " a different ID from "M0001"; say so rather than
        # failing later as a broken reference or an unknown code.
        spaced = ok & (raw.str.strip() != raw).to_numpy()
        check(spaced, lambda v: f"value {_quote(v)} has a space or line break at its start or end")
        ok = ok & ~spaced
    if spec.enum is not None:
        allowed = _parse_schema_values(spec, spec.enum)
        check(ok & ~pd.Series(values).isin(allowed).to_numpy(),
              lambda v: f"value {_quote(v)} is not one of the allowed codes ({_codes(spec.enum)})")
    for key, compare, words in (("minimum", np.less, "below the minimum"),
                                ("maximum", np.greater, "above the maximum")):
        if key in rules and spec.type in ("integer", "number", "date"):
            (limit,) = _parse_schema_values(spec, [rules[key]])
            outside = np.zeros(len(raw), dtype=bool)
            outside[ok] = compare(np.asarray(values)[ok], limit)
            check(outside, lambda v, w=words, k=key: f"value {_quote(v)} is {w} allowed, "
                                                     f"{_json_text(rules[k])}")
    if "pattern" in rules:
        check(ok & ~raw.str.fullmatch(rules["pattern"]).to_numpy(dtype=bool),
              lambda v: f"value {_quote(v)} does not match the pattern {rules['pattern']}")
    lengths = raw.str.len().to_numpy()
    if "minLength" in rules:
        check(ok & (lengths < rules["minLength"]),
              lambda v: f"value {_quote(v)} is shorter than {rules['minLength']} characters")
    if "maxLength" in rules:
        check(ok & (lengths > rules["maxLength"]),
              lambda v: f"value {_quote(v)} is longer than {rules['maxLength']} characters")


def _parse_schema_values(spec: _Field, items: list):
    """Schema values (enum, minimum) in the column's type, to compare with the parsed data."""
    text = pd.Series([_json_text(item) for item in items], dtype=object)
    values, valid = _parse(text, spec, np.ones(len(text), dtype=bool))
    if not valid.all():
        bad = items[int(np.argmin(valid))]
        raise _package_error(f'field "{spec.name}": schema value {_quote(_json_text(bad))} is not '
                             f"a valid {spec.type}")
    return np.asarray(values)


def _typed(raw: pd.Series, values, ok: np.ndarray, spec: _Field) -> pd.Series:
    kind = spec.type
    if kind == "string" and spec.enum is not None:
        array = pd.Categorical(raw.where(ok), categories=[str(code) for code in spec.enum])
    elif kind == "string":
        array = raw.where(ok).astype("string")
    elif kind == "integer":
        array = pd.arrays.IntegerArray(values, ~ok)
    elif kind == "number":
        array = pd.arrays.FloatingArray(values, ~ok)
    elif kind == "boolean":
        array = pd.arrays.BooleanArray(values, ~ok)
    else:
        array = np.where(ok, values, np.datetime64("NaT", "ns"))
    return pd.Series(array, name=spec.name)


def _check_unique(frame: pd.DataFrame, columns: list[str], lines: np.ndarray, position: int,
                  rule: str) -> list[_Problem]:
    """Problems for rows whose key repeats an earlier row's (keys with a missing part skipped)."""
    keys = frame[columns].astype(object)
    complete = keys.notna().all(axis=1).to_numpy()
    repeated = keys.duplicated(keep="first").to_numpy() & complete
    if not repeated.any():
        return []

    def describe(_value, row=int(np.argmax(repeated))):
        key = keys.iloc[row].tolist()
        first = int(np.argmax((keys == key).all(axis=1).to_numpy()))
        shown = ", ".join(_quote(v) for v in key)
        return f"{shown} repeats line {lines[first]}, but {rule}"

    label = columns[0] if len(columns) == 1 else tuple(columns)
    return [_Problem(label, position, repeated, describe)]


def _read_table(resource: _Resource) -> _Table:
    """Read one file and check it against its schema; raise on the first problem in file order."""
    header, rows, lines = _read_rows(resource)
    _check_header(resource, header)
    width = len(header)
    _check_row_lengths(resource, rows, lines, width)
    columns = list(zip(*rows)) if rows else [()] * width
    frame, problems = {}, []
    for position, (spec, cells) in enumerate(zip(resource.fields, columns)):
        raw = pd.Series(np.asarray(cells, dtype=object), dtype=object)
        frame[spec.name], found = _convert_column(raw, spec, resource.missing_values, position)
        problems += found
    frame = pd.DataFrame(frame)
    raws = dict(zip(header, columns))
    key_position = len(header)  # key problems after cell problems on the same line
    for spec in resource.fields:
        if spec.constraints.get("unique"):
            problems += _check_unique(frame, [spec.name], lines, key_position,
                                      "values in this column must be unique")
    if resource.primary_key:
        required = {f.name for f in resource.fields if f.constraints.get("required")}
        for name in resource.primary_key:  # a key must be complete (Frictionless: implied)
            missing = frame[name].isna().to_numpy()
            if missing.any() and name not in required:
                problems.append(_Problem(name, key_position, missing, lambda v: (
                    "a value is required here (the column is part of the primary key) but the "
                    "field is empty")))
        problems += _check_unique(frame, resource.primary_key, lines, key_position,
                                  "the primary key must be unique")
    if problems:
        _raise_first(resource, problems, lines, raws)
    return _Table(resource, frame, lines)


def _raise_first(resource: _Resource, problems: list[_Problem], lines, raws) -> None:
    firsts = [(int(np.argmax(p.mask)), p.position, n) for n, p in enumerate(problems)]
    row, _, chosen = min(firsts)
    problem = problems[chosen]
    value = raws[problem.column][row] if isinstance(problem.column, str) else None
    text = problem.describe(value)
    # Count each bad cell once, though it may break two rules (say, unique and primary key).
    cells = {}
    for p in problems:
        cells[p.column] = cells.get(p.column, False) | p.mask
    more = int(sum(mask.sum() for mask in cells.values())) - 1
    raise DataError(text, file=resource.filename, line=int(lines[row]), column=problem.column,
                    value=value, more=more)


def _check_hash(resource: _Resource) -> None:
    """Warn when a valid file is not byte for byte the one datapackage.json describes."""
    if not resource.hash and resource.bytes is None:
        return
    content = resource.file.read_bytes()
    changed = resource.bytes is not None and resource.bytes != len(content)
    if resource.hash and not changed:
        algorithm, _, digest = resource.hash.rpartition(":")
        try:
            changed = hashlib.new(algorithm or "md5", content).hexdigest() != digest.lower()
        except ValueError:
            raise _package_error(f'resource "{resource.name}" has a hash of unknown kind '
                                 f"{_quote(algorithm)}") from None
    if changed:
        warnings.warn(f"{resource.filename} is valid but differs from the file datapackage.json "
                      "describes (its size or hash does not match): it was edited or converted "
                      "after it was written. If that was on purpose, update or remove its "
                      '"hash" and "bytes" there.', DataWarning, stacklevel=4)


# ------------------------------------------------------------------------------- across files
def _check_foreign_keys(tables: dict[str, _Table]) -> None:
    """Each foreign key the schemas declare: every complete key points to an existing row."""
    for name, table in tables.items():
        for key in table.resource.foreign_keys:
            reference = key.get("reference", {})
            parent_name = reference.get("resource") or name  # "" means the same resource
            if parent_name not in tables:
                raise _package_error(f'resource "{name}" has a foreign key to "{parent_name}", '
                                     "which is not a resource of this dataset")
            parent = tables[parent_name]
            fields, parent_fields = _as_list(key.get("fields")), _as_list(reference.get("fields"))
            matches = len(fields) == len(parent_fields) and set(parent_fields) <= set(parent.frame)
            if not matches:
                raise _package_error(f'resource "{name}": foreign key {fields} does not match '
                                     f'fields of "{parent_name}"')
            _check_reference(table, fields, parent, parent_fields)


def _key_index(frame: pd.DataFrame, columns: list[str]) -> pd.Index:
    if len(columns) == 1:
        return pd.Index(frame[columns[0]].astype(object))
    return pd.MultiIndex.from_frame(frame[columns].astype(object))


def _check_reference(child: _Table, fields: list[str], parent: _Table,
                     parent_fields: list[str]) -> None:
    complete = child.frame[fields].notna().all(axis=1).to_numpy()
    known = _key_index(child.frame, fields).isin(_key_index(parent.frame, parent_fields))
    broken = np.flatnonzero(complete & ~known)
    if broken.size:
        row = broken[0]
        values = child.frame[fields].iloc[row].tolist()
        shown = ", ".join(f"{name} {_quote(value)}" for name, value in zip(parent_fields, values))
        what = shown if len(fields) == 1 else f"row with {shown}"
        child.fail(row, fields[0] if len(fields) == 1 else tuple(fields),
                   f"there is no {what} in {parent.resource.filename} (broken reference)",
                   value=values[0], more=broken.size - 1, more_where="like it")


# ================================================================================================
# Part 2. The book's own rules: the data contract (seto2018/contract.py, data/README.md), which no
# Table Schema states: the contract's columns, types and codes; IDs unique whatever the schema
# says; the study's dates and the five-report rule; every case has its people; and the shape of
# one and multiple cases, with one relationship row for each victim-offender pair.
# ================================================================================================
def _check_contract(resource: _Resource) -> None:
    """The schema may add columns, but not rename, retype or recode the contract's columns."""
    fields = {f.name: f for f in resource.fields}
    for column in contract.SCHEMA.get(resource.name, ()):
        if column.optional:
            continue
        name, where = column.name, f'resource "{resource.name}"'
        if name not in fields:
            raise _package_error(f'{where} has no field "{name}", which the data contract '
                                 "(data/README.md) requires")
        spec = fields[name]
        if spec.type != column.type:
            raise _package_error(f'{where}, field "{name}" has type "{spec.type}"; the data '
                                 f'contract (data/README.md) needs "{column.type}"')
        expected = column.must_include or column.codes
        if expected is None:
            continue
        enum = spec.enum or []
        exact = column.must_include is None
        codes_ok = (set(enum) == set(expected)) if exact else set(expected) <= set(enum)
        if not codes_ok:
            wanted = "exactly" if exact else "at least"
            raise _package_error(f'{where}, field "{name}" allows the codes ({_codes(enum)}); the '
                                 f"data contract (data/README.md) needs {wanted} "
                                 f"({_codes(expected)})")


def _check_dataset(dataset: str, tables: dict[str, _Table]) -> None:
    """The data contract's rules (data/README.md) across the dataset's files."""
    cases, victims = tables[f"{dataset}_cases"], tables[f"{dataset}_victims"]
    _check_reference(victims, ["case_id"], cases, ["case_id"])
    if dataset == "historic":
        _check_has_people(cases, victims, "victim")
        return
    offenders, relationships = tables["modern_offenders"], tables["modern_relationships"]
    _check_cases_columns(cases)
    _check_reference(offenders, ["case_id"], cases, ["case_id"])
    _check_reference(relationships, ["case_id"], cases, ["case_id"])
    _check_pair_member(relationships, victims, "victim")
    _check_pair_member(relationships, offenders, "offender")
    _check_has_people(cases, victims, "victim")
    _check_has_people(cases, offenders, "offender")
    _check_structure(cases, victims, offenders, relationships)
    _check_pairs(cases, victims, offenders, relationships)


def _check_ids_unique(table: _Table) -> None:
    for column in contract.SCHEMA.get(table.resource.name, ()):
        if column.unique:
            name = column.name
            problems = _check_unique(table.frame, [name], table.lines, 0,
                                     "IDs in this column must be unique")
            for problem in problems:
                row = int(np.argmax(problem.mask))
                table.fail(row, name, problem.describe(None), value=table.frame[name][row],
                           more=int(problem.mask.sum()) - 1, more_where="like it")


def _check_cases_columns(cases: _Table) -> None:
    frame = cases.frame
    expected = frame["n_reports"] >= ACTIVELY_TRADED_FROM
    traded = frame["actively_traded"]
    agree = (expected == traded).fillna(False) | (expected.isna() & traded.isna())

    def shown(value):
        if pd.isna(value):
            return _quote("")
        return _quote(_json_text(bool(value) if isinstance(value, np.bool_) else value))

    _fail_first(cases, ~agree.to_numpy(dtype=bool), "actively_traded", lambda row: (
        f"value {shown(traded[row])} does not match n_reports {shown(frame['n_reports'][row])} "
        f"(actively_traded is true exactly when n_reports >= {ACTIVELY_TRADED_FROM})"))
    _fail_first(cases, (frame["n_reports"] < 1).fillna(False).to_numpy(dtype=bool), "n_reports",
                lambda row: f"value {_quote(frame['n_reports'][row])} is below 1 (every case was "
                            "seen in at least one report)")
    first, last = (pd.Timestamp(day) for day in STUDY_PERIOD)
    received = frame["date_received"]
    outside = ((received < first) | (received > last)).to_numpy(dtype=bool)
    _fail_first(cases, outside, "date_received", lambda row: (
        f"value {_quote(received[row].date())} is outside the study period "
        f"({STUDY_PERIOD[0]} to {STUDY_PERIOD[1]})"))


def _fail_first(table: _Table, mask: np.ndarray, column, describe) -> None:
    bad = np.flatnonzero(mask)
    if bad.size:
        table.fail(bad[0], column, describe(bad[0]), more=bad.size - 1, more_where="like it")


def _check_pair_member(relationships: _Table, people: _Table, role: str) -> None:
    """A relationship's victim (offender) must exist and belong to the relationship's case."""
    id_column = f"{role}_id"
    _check_reference(relationships, [id_column], people, [id_column])
    case_of = pd.Series(people.frame["case_id"].astype(object).to_numpy(),
                        index=people.frame[id_column].astype(object).to_numpy())
    frame = relationships.frame
    theirs = frame[id_column].astype(object).map(case_of)
    mine = frame["case_id"].astype(object)
    _fail_first(relationships, (frame[id_column].notna() & (theirs != mine)).to_numpy(),
                id_column, lambda row: (
                    f"{role} {_quote(frame[id_column][row])} belongs to case "
                    f"{_quote(theirs[row])} in {people.resource.filename}, not to case "
                    f"{_quote(mine[row])} (a relationship pairs a victim and an offender of the "
                    "same case)"))


def _count_per_case(cases: _Table, table: _Table) -> np.ndarray:
    counts = table.frame["case_id"].astype(object).value_counts()
    return counts.reindex(cases.frame["case_id"].astype(object), fill_value=0).to_numpy()


def _check_has_people(cases: _Table, people: _Table, role: str) -> None:
    counts = _count_per_case(cases, people)
    ids = cases.frame["case_id"]
    _fail_first(cases, counts == 0, "case_id", lambda row: (
        f"case {_quote(ids[row])} has no {role}s in {people.resource.filename} (every case needs "
        f"at least one {role})"))


def _check_structure(cases: _Table, victims: _Table, offenders: _Table,
                     relationships: _Table) -> None:
    n_victims = _count_per_case(cases, victims)
    n_offenders = _count_per_case(cases, offenders)
    n_pairs = _count_per_case(cases, relationships)
    structure = cases.frame["structure"].astype(object).to_numpy()
    ids = cases.frame["case_id"]

    def counts(row):
        return (f"{_count(n_victims[row], 'victim')}, {_count(n_offenders[row], 'offender')} and "
                f"{_count(n_pairs[row], 'relationship row')}")

    one_code, multiple_code = STRUCTURES
    one = (structure == one_code) & ((n_victims != 1) | (n_offenders != 1) | (n_pairs != 1))
    _fail_first(cases, one, "structure", lambda row: (
        f'case {_quote(ids[row])} is coded "one" but has {counts(row)} (a "one" case has '
        "exactly one victim, one offender and one relationship row)"))
    multiple = (structure == multiple_code) & (n_victims < 2) & (n_offenders < 2)
    _fail_first(cases, multiple, "structure", lambda row: (
        f'case {_quote(ids[row])} is coded "multiple" but has {counts(row)} (a "multiple" case '
        "has two or more victims or two or more offenders)"))


def _count(number, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _check_pairs(cases: _Table, victims: _Table, offenders: _Table,
                 relationships: _Table) -> None:
    """Every victim-offender pair of a case has exactly one relationship row."""
    pairs = relationships.frame[["victim_id", "offender_id"]].astype(object)
    repeated = pairs.duplicated(keep="first").to_numpy()
    rule = "(every victim-offender pair of a case has exactly one relationship row)"

    def repeated_pair(row):
        victim, offender = pairs.iloc[row]
        first = int(np.argmax(((pairs["victim_id"] == victim)
                               & (pairs["offender_id"] == offender)).to_numpy()))
        return (f"victim {_quote(victim)} and offender {_quote(offender)} already have a "
                f"relationship row on line {relationships.lines[first]} {rule}")

    _fail_first(relationships, repeated, ("victim_id", "offender_id"), repeated_pair)
    # With no repeats and every pair inside its case, a complete case has n_victims * n_offenders
    # rows; only a short case needs its pairs spelled out to name the missing one.
    expected = _count_per_case(cases, victims) * _count_per_case(cases, offenders)
    short = _count_per_case(cases, relationships) != expected

    def missing_pair(row):
        case = cases.frame["case_id"][row]
        in_case = [table.frame.loc[table.frame["case_id"] == case, f"{role}_id"]
                   for table, role in ((victims, "victim"), (offenders, "offender"))]
        have = set(map(tuple, pairs[relationships.frame["case_id"] == case].to_numpy()))
        victim, offender = next(p for p in product(*in_case) if p not in have)
        return (f"case {_quote(case)} has no row in {relationships.resource.filename} for victim "
                f"{_quote(victim)} and offender {_quote(offender)} {rule}")

    _fail_first(cases, short, "case_id", missing_pair)


# ----------------------------------------------------------------------------------- public API
def _load_tables(resources: dict[str, _Resource], names: list[str]) -> dict[str, _Table]:
    """Validate the named resources, and any they reference, file by file then across files."""
    wanted, tables = list(names), {}
    while wanted:
        name = wanted.pop(0)
        if name in tables:
            continue
        resource = resources[name]
        _check_contract(resource)
        tables[name] = _read_table(resource)
        _check_ids_unique(tables[name])
        for key in resource.foreign_keys:  # a referenced file must be loaded to check the key
            parent = key.get("reference", {}).get("resource")
            if parent and parent in resources and parent not in tables:
                wanted.append(parent)
    _check_foreign_keys(tables)
    for dataset, parts in DATASETS.items():
        if all(f"{dataset}_{part}" in tables for part in parts):
            _check_dataset(dataset, tables)
    for table in tables.values():
        _check_hash(table.resource)
    return tables


def _require_resources(resources: dict[str, _Resource], dataset: str) -> list[str]:
    required = [f"{dataset}_{part}" for part in DATASETS[dataset]]
    for name in required:
        if name not in resources:
            raise _package_error(f'no resource named "{name}" (the {dataset} dataset needs '
                                 f"{', '.join(required)})")
    extra = [name for name in resources if name.startswith(f"{dataset}_") and name not in required]
    return required + extra


def load(name: str, path: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Read and validate one dataset; return its tables keyed ``cases``, ``victims``, ...

    ``name`` is ``"historic"`` (tables ``cases``, ``victims``) or ``"modern"`` (``cases``,
    ``victims``, ``offenders``, ``relationships``); any further resource named
    ``<name>_<table>`` in ``datapackage.json`` is returned too. ``path`` is the dataset folder,
    ``data/synthetic/`` by default. Raises :class:`DataError` on the first problem found.

    A folder loaded before in this process and unchanged since (the same files, sizes and
    modification times) is not read and checked again: its tables are copied from memory, so a
    chapter that loads its data in several sections, or the kit's kernel running chapter after
    chapter, pays for the checks once.
    """
    if name not in DATASETS:
        raise DataError(f"unknown dataset {_quote(name)}; choose one of: {', '.join(DATASETS)}")
    folder = Path(path) if path is not None else default_path()
    key = (str(folder.resolve()), name)
    stamp = _stamp(folder)
    cached = _LOADED.get(key)
    if cached is None or cached[0] != stamp:
        resources = _read_package(folder)
        names = _require_resources(resources, name)
        tables = _load_tables(resources, names)
        prefix = f"{name}_"
        cached = _LOADED[key] = (stamp, {
            table: tables[table_name].frame
            for table_name in names if (table := table_name.removeprefix(prefix))})
    return {table: frame.copy() for table, frame in cached[1].items()}


#: Validated tables by (folder, dataset), with the folder's stamp when they were read.
_LOADED: dict[tuple[str, str], tuple[tuple, dict[str, pd.DataFrame]]] = {}


def _stamp(folder: Path) -> tuple | None:
    """Each file's name, size and modification time; None for a folder that is not there."""
    if not folder.is_dir():
        return None
    return tuple((entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
                 for entry in sorted(folder.iterdir()) if entry.is_file())


def validate(path: str | Path) -> None:
    """Validate every resource of a dataset folder (or its ``datapackage.json``); raise
    :class:`DataError` on the first problem, return None when all is well.

    The contract's rules apply to each dataset (historic, modern) the folder holds; a folder may
    hold one or both, but not half of one.
    """
    folder = Path(path)
    if folder.name == "datapackage.json":
        folder = folder.parent
    resources = _read_package(folder)
    for dataset in DATASETS:
        if any(name.startswith(f"{dataset}_") for name in resources):
            _require_resources(resources, dataset)
    _load_tables(resources, list(resources))



def _single_or_mixed(people: pd.DataFrame, column: str) -> pd.Series:
    """Per case: the one value all its people share, or "mixed"."""
    by_case = people[column].astype("string").groupby(people["case_id"])
    return by_case.first().where(by_case.nunique() == 1, MIXED)


def case_level(modern: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The modern cases with case-level codes derived from their people.

    The report's rule: the value all of a case's people share, or ``mixed`` (pages 13 and 32).
    Two parts are the book's, as the report does not state them: offender gender is missing when
    any offender's gender is missing, and a multiple case's relationship comes from its
    victim-offender pairs. The chapter "The datasets" derives these codes step by step; later
    chapters call this. Adds ``victim_gender``, ``victim_age``, ``offender_gender`` and
    ``relationship``: a one-to-one case keeps its pair's code, a multiple case is ``familial``
    (every pair nuclear or extended family), ``non_familial`` (no pair) or ``mixed``. The new
    columns are ``string``; one row per case, in the cases table's order.
    """
    cases = modern["cases"].set_index("case_id")
    victims, offenders, pairs = modern["victims"], modern["offenders"], modern["relationships"]
    cases["victim_gender"] = _single_or_mixed(victims, "gender")
    cases["victim_age"] = _single_or_mixed(victims, "age_category")
    unknown = offenders["gender"].isna().groupby(offenders["case_id"]).any()
    cases["offender_gender"] = _single_or_mixed(offenders, "gender").mask(unknown)
    familial_share = pairs["relationship"].isin(FAMILIAL).groupby(pairs["case_id"]).mean()
    grouped = pd.Series(np.select([familial_share == 1, familial_share == 0],
                                  list(CASE_RELATIONSHIPS[:2]), MIXED),  # familial, non_familial
                        index=familial_share.index, dtype="string")
    own = pairs.groupby("case_id")["relationship"].first().astype("string")
    cases["relationship"] = own.where(cases["structure"] == STRUCTURES[0], grouped)
    return cases.reset_index()
