"""Every chapter's first line: the setup that is not the lesson, in one place.

::

    from seto2018.preamble import *

gives a chapter the names below and sets up what every chapter shares: the book's chart theme and
a renderer that needs no network (:func:`seto2018.charts.enable`), and tables whose text is
escaped as HTML (a "p < 0.001" in a table cell stays text). A chapter imports what its lesson
uses beyond these (statsmodels, scipy) in its own cells, where a student sees them.

The setup runs when the module is first imported, once per Python process (a kernel that runs
several chapters, as the instructor's kit's do, sets it up once): what it sets is process-wide.

Names: ``alt`` (Altair), ``np`` (NumPy), ``pd`` (pandas); the book's modules ``charts``,
``checks``, ``contract``, ``findings``, ``published``; ``glue``; ``load`` and ``case_level``
(:mod:`seto2018.data`); ``p_value``, ``percent`` and ``interval`` (:mod:`seto2018.text`); and
:func:`styled` (:mod:`seto2018.tables`), a table in the book's style.
"""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from . import charts, checks, contract, findings, glue, published, tables
from .data import case_level, load
from .tables import styled
from .text import interval, p_value, percent

__all__ = ["alt", "np", "pd", "charts", "checks", "contract", "findings", "glue", "published",
           "case_level", "load", "interval", "p_value", "percent", "styled"]


def _setup() -> None:
    charts.enable()
    # A Styler writes its cells' text into HTML as it is unless asked to escape it
    # (tables.styled escapes what its formatters return too).
    pd.set_option("styler.format.escape", "html")
    tables.install()  # DataFrames as valid HTML: no <style scoped>, no halign


_setup()
