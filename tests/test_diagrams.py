"""Causal diagrams (seto2018/diagrams.py): a valid, accessible SVG figure, or a clear error."""
from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

import pytest

from seto2018 import diagrams
from seto2018.diagrams import DiagramError, Node

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def fresh_page(monkeypatch):
    """Each test draws on its own page: no titles drawn before."""
    monkeypatch.setattr(diagrams, "_DRAWN", {})


def _nodes(label_of_age="Victim's age"):
    return [Node("age", label_of_age, (1, 0), "confounder", conditioned=True),
            Node("familial", "Familial offender", (0, 1), "exposure"),
            Node("traded", "Actively traded", (0, 2), "outcome"),
            Node("records", "Reached CVIP's records", (1, 3), "selection", conditioned=True)]


EDGES = [("age", "familial"), ("age", "traded"), ("familial", "traded"),
         ("familial", "records", "dashed"), ("traded", "records", "dashed")]


def _draw(title="A test diagram", nodes=None, edges=EDGES, **extra):
    return diagrams.causal(nodes or _nodes(), edges, title=title,
                           description=extra.pop("description", "What it shows."), **extra)


def _svg_root(diagram) -> ElementTree.Element:
    svg = re.search(r"<svg xmlns=.*?</svg>(?=</div>)", diagram._repr_html_(), re.S)[0]
    return ElementTree.fromstring(svg)


class _Elements(HTMLParser):
    """Every start tag of an HTML fragment, and its text, read as a browser's parser would."""

    def __init__(self):
        super().__init__()
        self.tags, self.ids, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.ids += [value for name, value in attrs if name == "id"]

    def handle_data(self, data):
        self.text.append(data)


def _parsed(diagram) -> _Elements:
    parser = _Elements()
    parser.feed(diagram._repr_html_())
    return parser


def test_the_svg_parses_as_xml_and_is_named_and_described():
    diagram = _draw(description="Age affects the relationship and trading.")
    root = _svg_root(diagram)
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == "A test diagram"
    assert desc is not None and desc.text == "Age affects the relationship and trading."
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert root.find(f"{SVG}defs/{SVG}marker") is not None, "arrows need their arrowhead"
    assert len(root.findall(f"{SVG}line")) == len(EDGES)


def test_the_figure_has_a_caption_a_legend_and_scales_to_the_page():
    html = _draw(caption="What the model assumes.")._repr_html_()
    assert html.startswith("<figure") and html.endswith("</figure>")
    assert "<figcaption" in html and "What the model assumes." in html
    root = _svg_root(_draw(title="Another"))
    assert root.get("viewBox") and "width:100%" in root.get("style")
    legend = re.search(r'<ul class="s18-diagram-legend".*?</ul>', html)[0]
    for words in ("Exposure", "Outcome", "Confounder", "Selection (collider)",
                  "conditioned on", "Solid arrow", "Dashed arrow"):
        assert words in legend, f"the legend does not name {words!r}"


def test_every_arrow_and_every_role_is_in_the_text_alternative():
    parsed = _parsed(_draw())
    words = " ".join(" ".join(parsed.text).split())
    labels = {node.name: node.label for node in _nodes()}
    for start, end, *style in EDGES:
        assert f"{labels[start]} → {labels[end]}" in words, f"{start} → {end} is not in words"
    assert "Victim's age: confounder; conditioned on" in words
    assert "(dashed: assumed, less certain)" in words


def test_the_roles_are_named_inside_the_drawing_not_only_coloured():
    root = _svg_root(_draw())
    text = " ".join(span.text for span in root.iter(f"{SVG}tspan"))
    for role in ("confounder", "exposure", "outcome", "selection (collider)"):
        assert role in text


def test_text_is_escaped_everywhere():
    nasty = 'Age <b>"&" </b>'
    diagram = _draw(title="Escaping <script> & co", nodes=_nodes(nasty),
                    description='A "description" with <tags> & ampersands.',
                    caption="<i>caption</i> & more")
    html = diagram._repr_html_()
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "<tags>" not in html
    root = _svg_root(diagram)  # still well-formed XML with the text in it
    assert root.find(f"{SVG}title").text == "Escaping <script> & co"
    spans = [span.text for span in root.iter(f"{SVG}tspan")]
    assert spans[0] == " ".join(nasty.split()), spans
    assert f'{" ".join(nasty.split())} → Familial offender' in " ".join(_parsed(diagram).text)


def test_ids_come_from_the_title_and_are_unique_within_the_figure():
    parsed = _parsed(_draw(title="What the adjusted model assumes"))
    assert len(parsed.ids) == len(set(parsed.ids)), parsed.ids
    assert all(id_.startswith("s18-dag-what-the-adjusted-model-assumes") for id_ in parsed.ids)


def test_an_edge_to_an_unknown_node_is_named():
    with pytest.raises(DiagramError, match=r"age → trade: no node named 'trade'"):
        _draw(edges=[("age", "trade")])


def test_the_same_title_for_a_second_diagram_raises():
    _draw(title="Twice")
    with pytest.raises(DiagramError, match=r"title 'Twice'.*already drawn"):
        _draw(title="Twice", edges=EDGES[:2])
    with pytest.raises(DiagramError, match="already drawn"):  # the same id from other words
        _draw(title="twice!", edges=EDGES[:2])


def test_the_same_diagram_again_is_a_rerun_not_a_second_diagram():
    first, again = _draw(title="Re-run"), _draw(title="Re-run")
    assert first._repr_html_() == again._repr_html_()


@pytest.mark.parametrize("nodes, edges, message", [
    (_nodes() + [Node("age", "Age again", (2, 2))], EDGES, "'age' is given twice"),
    ([Node("age", "Age", (0, 0), "cause")], [], "role 'cause' is not one of"),
    ([Node("a", "A", (0, 0)), Node("b", "B", (0, 0))], [], "both at"),
    ([Node("a", "A", (0, 0)), Node("b", "B", (0, 0.2))], [], "overlap"),
    (_nodes(), [("age", "age")], "from a node to itself"),
    (_nodes(), [("age", "traded"), ("age", "traded")], "given twice"),
    (_nodes(), [("age", "traded", "dotted")], "style 'dotted'"),
    (_nodes(), [("age", "traded"), ("traded", "familial"), ("familial", "age")],
     "cycle, which a causal diagram cannot have: age → traded → familial → age"),
    ([Node(str(n), "A label of some length", (n, 0)) for n in range(3)], [],
     "under 14 px"),
])
def test_a_diagram_that_cannot_be_drawn_says_why(nodes, edges, message):
    with pytest.raises(DiagramError, match=message):
        _draw(nodes=nodes, edges=edges)


def test_it_builds_in_milliseconds():
    start = time.perf_counter()
    for number in range(20):
        _draw(title=f"Timing {number}")._repr_html_()
    assert (time.perf_counter() - start) / 20 < 0.01, "a diagram should take milliseconds"
