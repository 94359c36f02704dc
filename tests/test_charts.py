"""The chart theme and the offline renderer."""
from __future__ import annotations

import json
import re

import altair as alt
import pandas as pd
import pytest

from seto2018 import charts, sphinxext

DATA = pd.DataFrame({"group": ["a", "b"], "n": [3, 5]})


def bar(**props) -> alt.Chart:
    return alt.Chart(DATA).mark_bar().encode(x="n:Q", y="group:N").properties(**props)


@pytest.fixture
def book_mode(monkeypatch):
    monkeypatch.setenv(charts.BOOK_ENV, "1")
    charts.enable()
    yield
    alt.renderers.enable("default")
    alt.theme.enable("default")


def test_book_renderer_writes_a_container_and_its_spec_without_any_cdn(book_mode):
    bundle = bar(title="T", description="Two bars: a 3, b 5.")._repr_mimebundle_()
    html = (bundle[0] if isinstance(bundle, tuple) else bundle)["text/html"]
    assert 'class="s18-chart"' in html and 'class="s18-spec"' in html
    assert "http" not in html.replace("https://vega.github.io/schema", "")  # only the schema id
    spec = json.loads(re.search(r'<script type="application/json"[^>]*>(.*)</script>', html).group(1))
    assert spec["config"]["range"]["category"] == charts.PALETTE  # the theme is applied
    assert spec["description"] == "Two bars: a 3, b 5."


def test_chart_without_title_or_description_is_refused(book_mode):
    with pytest.raises(ValueError, match="title"):
        charts.chart_html(bar(description="d").to_dict())
    with pytest.raises(ValueError, match="description"):
        charts.chart_html(bar(title="T").to_dict())


def test_spec_cannot_close_its_script_early(book_mode):
    html = charts.chart_html(bar(title="</script><b>x", description="d").to_dict())
    assert html.count("</script>") == 1


def test_figure_puts_table_beside_chart_with_caption(book_mode):
    fig = charts.figure(bar(title="T", description="d"), DATA, "Figure 1: two groups.")
    html = fig._repr_html_()
    assert html.startswith('<figure class="s18-figure">')
    assert 's18-table' in html and "<figcaption>Figure 1: two groups.</figcaption>" in html
    assert "<th>n</th>" in html and "<td>5</td>" in html
    # The table's box may scroll, so keyboard users can reach it and it has a name.
    assert '<div class="s18-figure-table" tabindex="0" role="region" ' \
           'aria-label="Numbers of the chart: T">' in html


def test_figure_needs_a_caption():
    with pytest.raises(ValueError, match="caption"):
        charts.figure(bar(title="T", description="d"), DATA, "")


def test_bundle_defines_vega_embed_and_draws_charts(tmp_path):
    path = sphinxext.write_bundle(tmp_path)
    code = path.read_text(encoding="utf-8")
    assert code.startswith("(function () {") and "window.vegaEmbed" in code and "s18-spec" in code
    assert not re.search(r"https?://(cdn|unpkg|cdnjs)\.", code)
    mtime = path.stat().st_mtime_ns
    sphinxext.write_bundle(tmp_path)  # the second build reuses it
    assert path.stat().st_mtime_ns == mtime


def test_figure_of_the_report_puts_published_beside_synthetic(book_mode):
    fig = charts.figure(bar(title="T", description="d"), DATA, "Boys & girls alike.",
                        report="Figure 4", published="no difference; <not significant>",
                        synthetic="7.1% against 7.5%; p = 0.81")
    html = fig._repr_html_()
    assert html.startswith('<figure class="s18-figure" data-report="Figure 4">')
    assert '<span class="s18-report">Figure 4</span> Boys &amp; girls alike.' in html
    assert "<dt>Published</dt><dd>no difference; &lt;not significant&gt;</dd>" in html
    assert "<dt>Synthetic</dt><dd>7.1% against 7.5%; p = 0.81</dd>" in html


@pytest.mark.parametrize("given", [dict(report="Figure 4"),
                                   dict(report="Figure 4", published="p"),
                                   dict(published="p", synthetic="s")])
def test_figure_of_the_report_needs_report_published_and_synthetic(given):
    with pytest.raises(ValueError, match="report|published"):
        charts.figure(bar(title="T", description="d"), DATA, "c", **given)


def test_an_undrawn_figure_is_checked_from_the_students_data_but_not_drawn(monkeypatch):
    """The kit's kernels: a figure gives its spec (built from the data) a text stand-in, and a
    chart with no description still fails."""
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    monkeypatch.delenv(charts.BOOK_ENV, raising=False)
    monkeypatch.setenv(charts.DRAW_ENV, "0")
    charts.enable()
    charts.figure(bar(title="T", description="d"), DATA, "c")._ipython_display_()
    assert shown[0] == {"text/plain": "<chart: T>"}
    assert "<table" in shown[1].data
    with pytest.raises(ValueError):
        charts.figure(bar(title="T", description=""), DATA, "c")._ipython_display_()


def test_outside_the_book_a_chart_is_an_svg_or_when_asked_is_checked_but_not_drawn(monkeypatch):
    """Jupyter, VS Code, Colab: an SVG drawn in the kernel, no network. The kit's kernels set
    SETO2018_DRAW_CHARTS=0: the chart is still built and checked, not drawn."""
    from seto2018 import kit

    assert kit.CHARTS_UNDRAWN == {charts.DRAW_ENV: "0"}
    chart = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x:Q").properties(
        title="T", description="D")
    monkeypatch.delenv(charts.BOOK_ENV, raising=False)
    monkeypatch.delenv(charts.DRAW_ENV, raising=False)
    charts.enable()
    assert set(chart._repr_mimebundle_()) == {"image/svg+xml"}
    monkeypatch.setenv(charts.DRAW_ENV, "0")
    charts.enable()
    assert chart._repr_mimebundle_() == {"text/plain": "<chart: T>"}
    with pytest.raises(ValueError, match="description"):
        alt.Chart(pd.DataFrame({"x": [1]})).mark_bar().properties(title="T")._repr_mimebundle_()
    alt.renderers.enable("default")
