"""The data contract: every file, column, code and rule that a dataset of the book keeps.

The generator (:mod:`seto2018.synth`, which writes ``datapackage.json`` from :data:`SCHEMA`), the
loader (:mod:`seto2018.data`, which checks a dataset against it), :mod:`seto2018.findings`, the
tests and the chapters read the codes and rules from here, so each is defined once. The names are
a contract: chapters, exercises and the instructor's answer key read them, so a change here is a
change of the dataset format. ``data/README.md`` states the same contract for readers, and
``tests/test_contract.py`` checks that it lists every file, column and code defined here.

Whose is what: the study's dates and the five-report rule are the report's (read from
``data/published/design.csv``, which gives each one's page); the file, column and code names,
the ethnicity codes beyond "white" and the wording of the descriptions are the book's.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import published

__all__ = ["ACTIVELY_TRADED_FROM", "ACTIVITY_CODES", "ACTIVITY_HEADINGS",
           "ACTIVITY_LEVELS", "AGES", "CASE_RELATIONSHIPS", "Column", "COLUMNS",
           "COMPLETENESS_MIN", "DATASETS", "ETHNICITIES", "FAMILIAL", "FOREIGN_KEYS",
           "GENDERS", "MIXED", "NON_FAMILIAL", "PERIODS", "PRIMARY_KEYS",
           "RELATIONSHIPS", "REPORTED_ETHNICITIES", "SCHEMA", "STRUCTURE_MEANINGS",
           "STRUCTURES", "STUDY_PERIOD", "TABLES"]


# ------------------------------------------------------------------------------- the report's rules
def _design(fact: str) -> str:
    """One design fact's value as data/published/design.csv holds it."""
    return published.design().set_index("id").loc[fact, "value"]


#: The modern dataset's window: the first and last day a case was received (report, p. 14).
STUDY_PERIOD: tuple[str, str] = (_design("modern_start"), _design("modern_end"))
#: A series is actively traded when seen in at least this many reports (report, p. 9).
ACTIVELY_TRADED_FROM: int = int(_design("traded_min_reports"))
#: A variable is analysed only when known for at least this share of cases (report, p. 11).
COMPLETENESS_MIN: float = float(_design("completeness_min"))


# ------------------------------------------------------------------------------------------ codes
#: Two-year periods in which NCMEC first recorded a historic series (the rows of Table 1).
PERIODS = ("2002-2003", "2004-2005", "2006-2007", "2008-2009", "2010-2011", "2012-2013")
#: The sexual activity scale by its four headings, the only way the book shows it (CONTRIBUTING.md).
ACTIVITY_HEADINGS = {
    1: "nudity or erotic posing, no sexual activity",
    2: "non-penetrative sexual activity",
    3: "penetrative sexual activity",
    4: "sadism or bestiality",
}
ACTIVITY_LEVELS = tuple(ACTIVITY_HEADINGS)
#: The levels as text, as findings.csv, targets.csv and Table 3 write them.
ACTIVITY_CODES = tuple(str(level) for level in ACTIVITY_LEVELS)
#: A modern case's structure, and what each code means.
STRUCTURE_MEANINGS = {
    "one": "one victim and one offender",
    "multiple": "more than one victim and/or more than one offender",
}
STRUCTURES = tuple(STRUCTURE_MEANINGS)
GENDERS = ("female", "male")
AGES = ("infant_toddler", "prepubescent", "pubescent")
#: The report names only "white" (P1); the other codes are the book's, so a dataset may use others.
ETHNICITIES = ("white", "black", "hispanic", "asian", "other")
REPORTED_ETHNICITIES = ("white",)
#: Relationship codes that count as familial (the report's "family" rows of Table 3).
FAMILIAL = ("nuclear_family", "extended_family")
NON_FAMILIAL = ("close_proximity", "unknown_to_child")
#: An offender's relationship to a victim, one code per victim-offender pair.
RELATIONSHIPS = FAMILIAL + NON_FAMILIAL
#: A case-level code derived from people who differ (data.case_level); never stored in a file.
MIXED = "mixed"
#: A multiple case's relationship, derived from its pairs: all familial, none, or both.
CASE_RELATIONSHIPS = ("familial", "non_familial", MIXED)


# ---------------------------------------------------------------------------------------- columns
@dataclass(frozen=True)
class Column:
    """One column of a file: its Table Schema type, description and constraints.

    ``codes`` are the allowed values (the schema's ``enum``), in order. ``open_codes`` marks a
    coded column whose list is partly the book's: a dataset's schema may change its codes as long
    as it keeps ``must_include``. ``optional`` marks a column the generator writes but a dataset
    may leave out (the loader does not require it).
    """

    name: str
    type: str
    description: str
    codes: tuple | None = None
    required: bool = False
    unique: bool = False
    minimum: object = None
    maximum: object = None
    must_include: tuple | None = None
    optional: bool = False

    @property
    def limits(self) -> dict:
        return {key: value for key, value in (("minimum", self.minimum),
                                              ("maximum", self.maximum)) if value is not None}


def _either(codes) -> str:
    """Codes as words: "a, b or c"."""
    codes = [str(code) for code in codes]
    return f"{', '.join(codes[:-1])} or {codes[-1]}"


_ID = "An identifier only: it does not belong to any real case, child or person."
_ACTIVITY = ("Sexual activity depicted, coded for the whole series at its highest level on the "
             f"report's {len(ACTIVITY_LEVELS)}-point scale: "
             + "; ".join(f"{level} = {heading}" for level, heading in ACTIVITY_HEADINGS.items())
             + ". Empty when the level was coded as unclear.")
_AGE = ("Age category from physical development at the youngest appearance in the series: "
        f"{_either(AGES)}. Coded per victim.")
_ETHNICITY = (f"Ethnicity, coded per person: {_either(ETHNICITIES)} (codes chosen by the book; "
              "the report names only 'white'). Empty when unknown.")
_REPORTS = "Number of CyberTipline reports and CVIP case reviews the series was seen in"


def _id(name: str, what: str) -> Column:
    """A file's own ID column."""
    return Column(name, "string", f"{what} {_ID}", required=True, unique=True)


def _case_of(dataset: str) -> Column:
    return Column("case_id", "string", f"{dataset.capitalize()} series (case) it belongs to "
                  f"({dataset}_cases.case_id).", required=True)


def _gender(who: str, more: str = "", required: bool = True) -> Column:
    return Column("gender", "string", f"{who} gender, coded per {who.lower()}: "
                  f"{_either(GENDERS)}.{more}", GENDERS, required=required)


def _victim_columns(dataset: str) -> tuple[Column, ...]:
    return (_id("victim_id", f"Identified victim ID ({dataset})."), _case_of(dataset),
            _gender("Victim"), Column("age_category", "string", _AGE, AGES, required=True))


def _activity() -> Column:
    return Column("sexual_activity", "integer", _ACTIVITY, ACTIVITY_LEVELS)


def _ethnicity(more: str = "") -> Column:
    return Column("ethnicity", "string", _ETHNICITY + more, ETHNICITIES,
                  must_include=REPORTED_ETHNICITIES)


#: Every file's columns, in file order (a file is ``<table>.csv``; a table is ``<dataset>_<part>``).
SCHEMA: dict[str, tuple[Column, ...]] = {
    "historic_cases": (
        _id("case_id", "Historic series (case) ID."),
        Column("period", "string", "Two-year period in which NCMEC first recorded the series "
               "(Table 1 of the report). Every historic series was actively traded.", PERIODS,
               required=True),
        _activity(),
        # The generator's: the report states only that every historic series was traded.
        Column("n_reports", "integer", f"{_REPORTS} ({ACTIVELY_TRADED_FROM} or more: actively "
               "traded).", required=True, minimum=ACTIVELY_TRADED_FROM, optional=True),
    ),
    "historic_victims": _victim_columns("historic"),
    "modern_cases": (
        _id("case_id", "Modern series (case) ID, numbered in the order NCMEC received the "
            "cases."),
        Column("structure", "string", "; ".join(
            f"{code}: {words}" for code, words in STRUCTURE_MEANINGS.items()) + ".", STRUCTURES,
            required=True),
        Column("date_received", "date", "Date NCMEC received the law enforcement submission "
               f"(series level), {STUDY_PERIOD[0]} to {STUDY_PERIOD[1]}.", required=True,
               minimum=STUDY_PERIOD[0], maximum=STUDY_PERIOD[1]),
        Column("n_reports", "integer", f"{_REPORTS}.", required=True, minimum=1),
        Column("actively_traded", "boolean", f"true when the series was seen in "
               f"{ACTIVELY_TRADED_FROM} or more reports (NCMEC's definition of actively traded): "
               f"exactly n_reports >= {ACTIVELY_TRADED_FROM}.", required=True),
        _activity(),
    ),
    "modern_victims": _victim_columns("modern") + (_ethnicity(),),
    "modern_offenders": (
        _id("offender_id", "Offender ID (modern): a person who produced the images or enticed "
            "or coerced a child to produce them."),
        _case_of("modern"),
        _gender("Offender", " Empty when missing; a case with any such offender has missing "
                "offender gender.", required=False),
        _ethnicity(f" Known for fewer than {COMPLETENESS_MIN:.0%} of offenders, below the study's "
                   "completeness rule, so not analysed."),
    ),
    "modern_relationships": (
        _case_of("modern"),
        Column("victim_id", "string", "Victim of the pair (modern_victims.victim_id).",
               required=True),
        Column("offender_id", "string", "Offender of the pair (modern_offenders.offender_id).",
               required=True),
        Column("relationship", "string", "Relationship of the offender to the victim, one row "
               f"per victim-offender pair. Familial: {', '.join(FAMILIAL)}; non-familial: "
               f"{', '.join(NON_FAMILIAL)} (includes strangers and missing information).",
               RELATIONSHIPS, required=True),
    ),
}

#: The files of one dataset, in the order they are written.
TABLES = tuple(SCHEMA)
#: The datasets and their tables; a table's file is ``<dataset>_<table>.csv``.
DATASETS: dict[str, tuple[str, ...]] = {}
for _table in TABLES:
    _dataset, _, _part = _table.partition("_")
    DATASETS[_dataset] = DATASETS.get(_dataset, ()) + (_part,)
#: Each file's column names, in file order.
COLUMNS = {table: tuple(column.name for column in columns) for table, columns in SCHEMA.items()}
#: Each file's primary key.
PRIMARY_KEYS = {
    "historic_cases": ("case_id",), "historic_victims": ("victim_id",),
    "modern_cases": ("case_id",), "modern_victims": ("victim_id",),
    "modern_offenders": ("offender_id",), "modern_relationships": ("victim_id", "offender_id"),
}
#: Each file's references to other files: (column, file, its column).
FOREIGN_KEYS = {
    "historic_cases": (),
    "historic_victims": (("case_id", "historic_cases", "case_id"),),
    "modern_cases": (),
    "modern_victims": (("case_id", "modern_cases", "case_id"),),
    "modern_offenders": (("case_id", "modern_cases", "case_id"),),
    "modern_relationships": (("case_id", "modern_cases", "case_id"),
                             ("victim_id", "modern_victims", "victim_id"),
                             ("offender_id", "modern_offenders", "offender_id")),
}
