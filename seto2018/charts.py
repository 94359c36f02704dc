"""The book's chart theme and its offline renderer.

Every chapter starts with::

    from seto2018 import charts
    charts.enable()

and then builds ordinary Altair charts. ``enable()`` turns on one theme for the whole book
(readable type, the Okabe-Ito colour-blind-safe palette, no red-for-harm colours) and one renderer.

Why a renderer of our own: Altair's default HTML output loads Vega from a CDN, so behind a school
firewall, or offline, the charts do not draw, and every visit is reported to a third party. In the
book build (``SETO2018_BOOK=1``, set by the book's Sphinx extension) a chart is written as an
empty container plus its Vega-Lite spec as JSON; one local bundle (``_static/vega-bundle.js``,
built from the ``vl-convert-python`` package at build time) draws every chart on the page. Run
anywhere else (JupyterLab, classic Notebook, VS Code, Colab), a chart is drawn by ``vl-convert``
in the kernel as a static SVG image, which every front end shows with no network and no Vega of
its own (Altair's default output would load Vega from a CDN).

``figure(chart, table, caption)`` shows a chart with its numbers in a table beside it and a
caption, which is how every figure in the book appears.
"""
from __future__ import annotations

import hashlib
import html
import json
import os

import altair as alt
import pandas as pd

from . import tables

THEME = "seto2018"
RENDERER = "seto2018"
#: Outside the book build: Altair's renderer that draws through vl-convert, offline.
OFFLINE_RENDERER = "svg"
#: Set to "0" (the instructor's kit does, as no one looks at its kernels' charts): each chart is
#: still built, turned into its spec with the student's data and checked for a title and a
#: description, but neither drawn nor validated against Vega-Lite's schema (a chart's structure
#: is the same on every dataset; the book's build and tests validate it; validating took 0.7 s
#: of a student's 9 s in the kit).
DRAW_ENV = "SETO2018_DRAW_CHARTS"
UNDRAWN_RENDERER = "seto2018-undrawn"
BOOK_ENV = "SETO2018_BOOK"

#: Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies. Their
#: vermillion is left out (no red-for-harm colours, CONTRIBUTING.md, "Care"); grey stands in for it.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#7b8794", "#F0E442", "#000000"]
#: Ordered categories (periods, activity levels) use one hue from light to dark.
SEQUENTIAL = "blues"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
TEXT_COLOUR = "#1f2933"  # 14:1 contrast on white


def _theme() -> alt.theme.ThemeConfig:
    axis = {
        "labelFontSize": 13, "titleFontSize": 13, "titleFontWeight": "normal",
        "labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR, "gridColor": "#e4e7eb",
        "domainColor": "#7b8794", "tickColor": "#7b8794", "labelLimit": 260,
    }
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "view": {"continuousWidth": 420, "continuousHeight": 260, "stroke": None},
            "title": {"fontSize": 16, "fontWeight": 600, "anchor": "start", "color": TEXT_COLOUR,
                      "subtitleFontSize": 13, "subtitleColor": "#3e4c59", "offset": 10},
            "axis": axis,
            "header": {"labelFontSize": 13, "titleFontSize": 13, "labelColor": TEXT_COLOUR},
            "legend": {"labelFontSize": 13, "titleFontSize": 13, "labelColor": TEXT_COLOUR,
                       "titleColor": TEXT_COLOUR, "orient": "bottom", "direction": "horizontal",
                       "labelLimit": 260, "symbolType": "square"},
            "range": {"category": PALETTE, "ordinal": {"scheme": SEQUENTIAL},
                      "ramp": {"scheme": SEQUENTIAL}},
            "bar": {"color": PALETTE[0]},
            "line": {"color": PALETTE[0], "strokeWidth": 2.5},
            "point": {"color": PALETTE[0], "filled": True, "size": 70},
            "rule": {"color": "#3e4c59"},
            "text": {"color": TEXT_COLOUR, "fontSize": 12},
        }
    }


def in_book() -> bool:
    """True when the notebook is being executed for the book (or its tests)."""
    return os.environ.get(BOOK_ENV) == "1"


def check_accessible(spec: dict) -> None:
    """Refuse a chart that a screen-reader user could not make sense of."""
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if not title:
        raise ValueError("Every chart in the book needs a title: add .properties(title=...).")
    if not spec.get("description"):
        raise ValueError(
            f"Chart {title!r} has no description. Vega uses it as the chart's ARIA label, which is "
            "what a screen reader says: add .properties(description='One sentence on what it shows.')."
        )


def _chart_id(spec_json: str) -> str:
    return "s18-chart-" + hashlib.sha1(spec_json.encode("utf-8")).hexdigest()[:12]


def chart_html(spec: dict) -> str:
    """The HTML the book writes for one chart: a container and its spec, drawn by the bundle."""
    check_accessible(spec)
    spec_json = json.dumps(spec, separators=(",", ":"), sort_keys=True)
    chart_id = _chart_id(spec_json)
    # "</" would close the <script> early; JSON allows the escaped form.
    safe_json = spec_json.replace("</", "<\\/")
    return (
        f'<div class="s18-chart" id="{chart_id}"></div>'
        f'<script type="application/json" class="s18-spec" data-for="{chart_id}">{safe_json}</script>'
    )


def _render(spec: dict, **_metadata) -> dict:
    return {"text/html": chart_html(spec), "text/plain": f"<chart: {_plain_title(spec)}>"}


def _table_name(spec: dict) -> str:
    title = _plain_title(spec)
    return f"Numbers of the chart: {title}" if title else "Numbers of the chart"


def _plain_title(spec: dict) -> str:
    title = spec.get("title", "")
    return title.get("text", "") if isinstance(title, dict) else str(title)


def _render_undrawn(spec: dict, **_metadata) -> dict:
    check_accessible(spec)
    return {"text/plain": f"<chart: {_plain_title(spec)}>"}


alt.theme.register(THEME, enable=False)(_theme)
alt.renderers.register(RENDERER, _render)
alt.renderers.register(UNDRAWN_RENDERER, _render_undrawn)


def enable() -> None:
    """Turn on the book's theme and a renderer that needs no network: the site's own in the book
    build, a static SVG drawn in the kernel anywhere else."""
    alt.theme.enable(THEME)
    if in_book():
        alt.renderers.enable(RENDERER)
    elif os.environ.get(DRAW_ENV) == "0":
        alt.renderers.enable(UNDRAWN_RENDERER)
    else:
        alt.renderers.enable(OFFLINE_RENDERER)


def table_html(table: pd.DataFrame, *, index: bool = False) -> str:
    """A figure's numbers as a plain HTML table (:func:`seto2018.tables.to_html`: valid HTML,
    text escaped, no styling noise), every row of it, in the figures' table style."""
    return tables.to_html(table, index=index, classes="s18-table", na_rep="–")


class Figure:
    """A chart, its numbers in a table beside it, and a caption: how every figure appears.

    A re-created figure or table of the report also names it (``report="Figure 5"``) and carries
    a "published / synthetic" pair: the report's claim and the estimate on the synthetic data.
    """

    def __init__(self, chart: alt.TopLevelMixin, table: pd.DataFrame, caption: str, *,
                 index: bool = False, report: str | None = None,
                 published: str | None = None, synthetic: str | None = None):
        if not caption:
            raise ValueError("A figure needs a caption that says what it shows.")
        if report and not (published and synthetic):
            raise ValueError(f"{report} re-creates the report: give its `published` claim and "
                             "the `synthetic` estimate beside it.")
        if (published or synthetic) and not report:
            raise ValueError("A published/synthetic pair needs the `report` figure or table "
                             'it belongs to, e.g. report="Figure 5".')
        self.chart, self.table, self.caption, self.index = chart, table, caption, index
        self.report, self.published, self.synthetic = report, published, synthetic

    def _caption_html(self) -> str:
        caption = html.escape(self.caption)
        if self.report:
            caption = f'<span class="s18-report">{html.escape(self.report)}</span> {caption}'
        return caption

    def _compare_html(self) -> str:
        if not self.report:
            return ""
        return (f'<dl class="s18-compare" data-report="{html.escape(self.report)}">'
                f"<dt>Published</dt><dd>{html.escape(self.published)}</dd>"
                f"<dt>Synthetic</dt><dd>{html.escape(self.synthetic)}</dd></dl>")

    def _repr_html_(self) -> str:
        spec = self.chart.to_dict()
        report = f' data-report="{html.escape(self.report)}"' if self.report else ""
        return (
            f'<figure class="s18-figure"{report}>'
            f'<div class="s18-figure-chart">{chart_html(spec)}</div>'
            # A wide table scrolls inside its box; a scrolling box must take keyboard focus and
            # have a name (axe-core: scrollable-region-focusable).
            f'<div class="s18-figure-table" tabindex="0" role="region" '
            f'aria-label="{html.escape(_table_name(spec), quote=True)}">'
            f"{table_html(self.table, index=self.index)}</div>"
            f"<figcaption>{self._caption_html()}{self._compare_html()}</figcaption>"
            "</figure>"
        )

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, display

        if in_book():
            display(HTML(self._repr_html_()))
        elif alt.renderers.active == UNDRAWN_RENDERER:
            display(_render_undrawn(self.chart.to_dict(validate=False)), raw=True)
            display(HTML(table_html(self.table, index=self.index)))
        else:  # Jupyter, VS Code and Colab: the chart as an SVG image drawn in the kernel
            display(self.chart)
            display(HTML(table_html(self.table, index=self.index)
                         + f"<p><em>{self._caption_html()}</em></p>{self._compare_html()}"))


def figure(chart: alt.TopLevelMixin, table: pd.DataFrame, caption: str, *,
           index: bool = False, report: str | None = None,
           published: str | None = None, synthetic: str | None = None) -> Figure:
    """Show ``chart`` with ``table`` (its numbers) beside it and ``caption`` under both.

    For a re-created figure or table of the report, name it and put the report's claim beside the
    synthetic estimate::

        charts.figure(chart, table, "Prepubescent victims' cases are traded most often.",
                      report="Figure 5", published=published.claim("F5"),
                      synthetic="traded: 3.6% [1.4, 8.8] infant/toddler, ...; chi2(2) = 25.1, p < .001")
    """
    return Figure(chart, table, caption, index=index, report=report,
                  published=published, synthetic=synthetic)
