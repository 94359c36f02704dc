"""How a DataFrame shows as HTML in a chapter's output: the table alone, valid HTML.

pandas' notebook HTML (``DataFrame._repr_html_``) opens every table with a ``<style scoped>``
block: HTML dropped the ``scoped`` attribute, so its rules reach the whole page, and the Nu HTML
Checker rejects both (bench/check_html.py). Under a MultiIndex of columns it also marks each
spanning header ``halign="left"``, an attribute HTML does not have. The book's stylesheet
(``static/seto2018.css``) styles ``table.dataframe``, so a table needs neither.

``install()`` makes the running IPython show every DataFrame through :func:`to_html`, which
writes it with pandas' public ``DataFrame.to_html``: the same cells, escaped, the same rows and
columns (``display.max_rows``, ``min_rows``, ``max_columns``) as pandas' own notebook HTML, and
each cell's text in full (``to_html`` does not cut it at ``display.max_colwidth``, and a
textbook's table should not lose words). :mod:`seto2018.preamble` calls it.

:func:`styled` is a table with number formats (a pandas Styler) in the book's style, whose
cells are text: pandas escapes a cell's value before a formatter sees it, never what a
formatter returns, and ``Styler.format`` with a formatter turns the escaping off for the
columns it touches, so a formatter that writes "<0.001" would put a bare "<" in the page.
"""
from __future__ import annotations

import html
from collections.abc import Callable

import pandas as pd
from pandas.io.formats.style import Styler

#: The class pandas gives its tables; the book's stylesheet styles it.
CLASSES = "dataframe"


def shown_rows(frame: pd.DataFrame) -> int | None:
    """How many rows pandas' notebook HTML shows: all up to ``display.max_rows``; a longer frame
    shows ``display.min_rows`` (head and tail), as ``DataFrame._repr_html_`` does."""
    max_rows = pd.get_option("display.max_rows")
    min_rows = pd.get_option("display.min_rows")
    if max_rows and len(frame) > max_rows and min_rows:
        return min(min_rows, max_rows)
    return max_rows


def to_html(frame: pd.DataFrame, *, index: bool = True, classes: str = CLASSES,
            na_rep: str = "NaN", max_rows: int | None = None, max_cols: int | None = None,
            show_dimensions: bool | str = False) -> str:
    """``frame`` as one HTML table: no style block, no border attribute, text escaped; every
    row and column unless ``max_rows``/``max_cols`` (``DataFrame.to_html``'s) say otherwise.

    Under a MultiIndex of columns, labels are written unsparsified, each header cell naming its
    own column: pandas gives a header that spans columns an ``halign`` attribute, which is not
    HTML, and ``to_html`` has no switch for it but ``sparsify``, which also repeats the row
    labels of a MultiIndex of rows. A reader (and a screen reader) then sees every column's full
    label; the price is a top-level label repeated across its columns.
    """
    multi_columns = isinstance(frame.columns, pd.MultiIndex)
    return frame.to_html(
        index=index, classes=classes, na_rep=na_rep, border=0, escape=True,
        sparsify=False if multi_columns else None,
        max_rows=max_rows, max_cols=max_cols, show_dimensions=show_dimensions)


def _display_html(frame: pd.DataFrame) -> str | None:
    """IPython's HTML formatter for a DataFrame: truncated by the same ``display.*`` options as
    pandas' notebook HTML. None (IPython then shows the text repr) where pandas itself writes no
    HTML or writes its "info" summary instead of the table."""
    if not pd.get_option("display.notebook_repr_html"):
        return None
    if pd.get_option("display.large_repr") != "truncate":
        return None
    return to_html(frame, max_rows=shown_rows(frame),
                   max_cols=pd.get_option("display.max_columns"),
                   show_dimensions=pd.get_option("display.show_dimensions"))


def install(shell=None) -> bool:
    """Show DataFrames through :func:`to_html` in ``shell`` (default: the running IPython).
    Returns False, and changes nothing, outside IPython (plain Python shows no HTML)."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None:
        return False
    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, _display_html)
    return True


#: How a Styler escapes the cells no formatter covers: pandas' option, else HTML.
def _cell_escape() -> str:
    return pd.get_option("styler.format.escape") or "html"


def _escaped(formatter: str | Callable) -> Callable[[object], str]:
    """``formatter`` (a format string or a function, as ``Styler.format`` takes) with what it
    returns escaped as HTML."""
    if isinstance(formatter, str):
        return lambda value: html.escape(formatter.format(value))
    if callable(formatter):
        return lambda value: html.escape(str(formatter(value)))
    raise TypeError(f"a formatter is a format string or a function, not {formatter!r}")


class EscapingStyler(Styler):
    """A pandas Styler whose cells are text, escaped as HTML whatever formats them.

    ``format`` takes what ``Styler.format`` takes; what a formatter returns is escaped, and the
    cells no formatter covers are escaped as ``styler.format.escape`` says (HTML by default).
    A dict of formatters takes no ``subset``: it names its columns.
    """

    def format(self, formatter=None, subset=None, na_rep=None, precision=None, decimal=".",
               thousands=None, escape=None, hyperlinks=None):
        options = {"na_rep": na_rep, "precision": precision, "decimal": decimal,
                   "thousands": thousands, "hyperlinks": hyperlinks}
        if formatter is None:
            return super().format(None, subset=subset, escape=escape or _cell_escape(),
                                  **options)
        if isinstance(formatter, dict):
            if subset is not None:
                raise TypeError("EscapingStyler.format: a dict of formatters names its columns; "
                                f"give no subset with it (got subset={subset!r})")
            # As pandas does: the columns the dict leaves out get the default format.
            super().format(None, escape=escape or _cell_escape(), **options)
            for column, one in formatter.items():
                super().format(_escaped(one), subset=[column], **options)
            return self
        return super().format(_escaped(formatter), subset=subset, **options)


def styled(frame: pd.DataFrame) -> EscapingStyler:
    """``frame`` as a table with number formats (``.format(...)``, as a pandas Styler) in the
    book's table style; its cells and labels are escaped as HTML."""
    table = EscapingStyler(frame, table_attributes=f'class="{CLASSES}"')
    for axis in (0, 1):
        table.format_index(escape=_cell_escape(), axis=axis)
    return table
