"""Causal diagrams (DAGs) drawn as inline SVG when a chapter runs: offline, in milliseconds.

::

    from seto2018 import diagrams

    diagrams.causal(
        [diagrams.Node("age", "Victim's age", (1, 0), "confounder", conditioned=True),
         diagrams.Node("familial", "Familial offender", (0, 1), "exposure"),
         diagrams.Node("traded", "Actively traded", (0, 2), "outcome")],
        [("age", "familial"), ("age", "traded"), ("familial", "traded")],
        title="What the adjusted model assumes",
        description="Victim's age affects both the offender's relationship and trading.")

Why a builder of its own: a graph library (Graphviz, a JavaScript renderer) would be a program
to install or a script every reader downloads, for a drawing of five boxes. The diagram is
written here as SVG inside the page's HTML: it needs no network, draws in every browser and in
Jupyter and Colab, and a screen reader reads its title, its description and the list of its
arrows in words.

What a reader sees, and why:

- each node's role is named in the node itself (in italics) and shown by its fill, so colour is
  never the only cue; a node the analysis *conditions on* (a variable the model holds fixed, or
  the selection that put a case in the data) is a square box with a double line, the usual
  convention, and any other node a rounded box;
- a solid arrow is an assumed cause, a dashed arrow an assumed but less certain one;
- a legend names every shape, line and role the diagram uses, and a list under it gives every
  arrow in words ("Victim's age → Familial offender");
- the drawing scales to the width of the page (``viewBox``, ``width: 100%``) and no wider than
  its own size, and :func:`causal` refuses a layout so wide that its text would be smaller than
  14 px on a phone.

The ids inside a diagram (its title, description, arrowhead) come from its title, so two
diagrams on one page need two titles: :func:`causal` raises if a title is drawn again with a
different diagram. Drawing the same diagram again (a cell run twice, or the same chapter run for
a second student in the instructor's kit's kernel) gives the same diagram and is allowed.
"""
from __future__ import annotations

import dataclasses
import hashlib
import html
import math
import re
import textwrap

from .charts import FONT, TEXT_COLOUR

#: role -> (its name in the nodes, the legend and the text alternative; its fill). Fills are light
#: tints of the book's Okabe-Ito palette (seto2018/charts.py), so dark text on them keeps a high
#: contrast; the role's name, not the tint, is what carries the meaning.
ROLES = {
    "exposure": ("exposure", "#cce3f0"),        # PALETTE[0], blue
    "outcome": ("outcome", "#cceee3"),          # PALETTE[2], green
    "confounder": ("confounder", "#fae8c2"),    # PALETTE[1], orange
    "mediator": ("mediator", "#f2dbe8"),        # PALETTE[3], purple
    "collider": ("collider", "#e3e6ea"),        # PALETTE[5], grey
    "selection": ("selection (collider)", "#e3e6ea"),
    "other": ("other variable", "#ffffff"),
}
EDGE_STYLES = {"solid": None, "dashed": "8 6"}  # stroke-dasharray of each arrow style

LINE_COLOUR = "#3e4c59"  # 9:1 on white: arrows and outlines
ROLE_COLOUR = "#3e4c59"  # the role's name under each label
FONT_SIZE = 20           # in the drawing's units; see PHONE_WIDTH
LINE_HEIGHT = 25
CHAR_WIDTH = 0.56        # a generous average glyph width, in ems, for sizing boxes
WRAP = 15                # characters per line of a label, unless it breaks its own lines
PAD_X, PAD_Y = 14, 9     # inside a node
GAP_X, GAP_Y = 40, 56    # between nodes of neighbouring grid cells
MARGIN = 12
ARROW = 13               # length of an arrowhead
CLEARANCE = 4            # between an arrow's ends and the boxes
ROUNDED = 16             # corner radius of a node not conditioned on
#: The narrowest page a diagram must be readable on (a phone's content width, in CSS px) and
#: the smallest text allowed there. A diagram too wide to keep its text this size is refused.
PHONE_WIDTH = 340
SMALLEST_TEXT_PX = 14


class DiagramError(ValueError):
    """A diagram that cannot be drawn as specified: the message names what and why."""


@dataclasses.dataclass(frozen=True)
class Node:
    """A variable: its short ``name`` (for edges), the ``label`` readers see, its place
    ``at`` = (column, row) on a small grid (row 0 at the top; halves allowed), its ``role``
    (a key of :data:`ROLES`), and whether the analysis conditions on it (drawn boxed)."""

    name: str
    label: str
    at: tuple[float, float]
    role: str = "other"
    conditioned: bool = False


@dataclasses.dataclass(frozen=True)
class Edge:
    """An arrow from ``start`` to ``end`` (node names); ``style`` "dashed" for an assumed but
    uncertain one."""

    start: str
    end: str
    style: str = "solid"


@dataclasses.dataclass(frozen=True)
class _Box:
    """A node as drawn: its centre, half-sizes, and the lines of its label and of its role."""

    node: Node
    cx: float
    cy: float
    half_width: float
    half_height: float
    label: tuple[str, ...]
    role: tuple[str, ...]


#: slug -> (title, signature) of every diagram drawn in this process; see the module's docstring.
_DRAWN: dict[str, tuple[str, str]] = {}


# --- checking the specification -----------------------------------------------------------------

def _as_edge(edge) -> Edge:
    """An :class:`Edge` from an Edge or a tuple (start, end[, style]), so that a chapter's spec
    can stay short."""
    if isinstance(edge, Edge):
        found = edge
    elif isinstance(edge, (tuple, list)) and len(edge) in (2, 3):
        found = Edge(*edge)
    else:
        raise DiagramError(f"edge {edge!r}: give (start, end) or (start, end, 'dashed')")
    if found.style not in EDGE_STYLES:
        raise DiagramError(f"edge {found.start} → {found.end}: style {found.style!r} is not one "
                           f"of {', '.join(EDGE_STYLES)}")
    return found


def _check_nodes(nodes: list[Node]) -> None:
    """Names unique, roles known, labels given, one node per grid place."""
    seen_names, seen_places = set(), {}
    for node in nodes:
        if not isinstance(node, Node):
            raise DiagramError(f"node {node!r}: make it with diagrams.Node(name, label, at, role)")
        if node.name in seen_names:
            raise DiagramError(f"node {node.name!r} is given twice")
        if node.role not in ROLES:
            raise DiagramError(f"node {node.name!r}: role {node.role!r} is not one of "
                               f"{', '.join(ROLES)}")
        if not node.label.strip():
            raise DiagramError(f"node {node.name!r} has no label")
        if not (len(node.at) == 2
                and all(isinstance(value, (int, float)) for value in node.at)):
            raise DiagramError(f"node {node.name!r}: at={node.at!r} is not (column, row)")
        place = tuple(float(value) for value in node.at)
        if place in seen_places:
            raise DiagramError(f"nodes {seen_places[place]!r} and {node.name!r} are both at "
                               f"{node.at}")
        seen_names.add(node.name)
        seen_places[place] = node.name


def _check_edges(edges: list[Edge], names: set[str]) -> None:
    """Every arrow joins two known, different nodes, once; and the graph has no cycle (a causal
    diagram is acyclic: nothing causes itself)."""
    seen = set()
    for edge in edges:
        for end in (edge.start, edge.end):
            if end not in names:
                raise DiagramError(f"edge {edge.start} → {edge.end}: no node named {end!r} "
                                   f"(nodes: {', '.join(sorted(names))})")
        if edge.start == edge.end:
            raise DiagramError(f"edge {edge.start} → {edge.end}: an arrow from a node to itself")
        if (edge.start, edge.end) in seen:
            raise DiagramError(f"edge {edge.start} → {edge.end} is given twice")
        seen.add((edge.start, edge.end))
    cycle = _a_cycle(edges, names)
    if cycle:
        raise DiagramError("the arrows make a cycle, which a causal diagram cannot have: "
                           + " → ".join(cycle))


def _a_cycle(edges: list[Edge], names: set[str]) -> list[str]:
    """One cycle of the graph as a list of names (first repeated at the end), or []."""
    after = {name: [e.end for e in edges if e.start == name] for name in names}
    state: dict[str, str] = {}  # "open" while on the current path, "done" after

    def visit(name: str, path: list[str]) -> list[str]:
        state[name] = "open"
        for following in after[name]:
            if state.get(following) == "open":
                return path[path.index(following):] + [name, following]
            if following not in state:
                found = visit(following, path + [name])
                if found:
                    return found
        state[name] = "done"
        return []

    for name in sorted(names):
        if name not in state:
            found = visit(name, [])
            if found:
                return found
    return []


def _slug(title: str) -> str:
    """The diagram's id, from its title: ids must be unique on a page, and a title is."""
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    if not words:
        raise DiagramError(f"title {title!r}: it needs letters or digits (its id is made "
                           "from them)")
    return f"s18-dag-{words}"


def _register(slug: str, title: str, signature: str) -> None:
    """Refuse a second, different diagram under a title already drawn: the two would share
    their ids on the page. The same diagram again is a re-run, not a second diagram."""
    drawn = _DRAWN.get(slug)
    if drawn and drawn[1] != signature:
        raise DiagramError(f"title {title!r}: a different diagram titled {drawn[0]!r} was "
                           f"already drawn (both would use the id {slug!r}); give each "
                           "diagram its own title")
    _DRAWN[slug] = (title, signature)


# --- layout ---------------------------------------------------------------------------------------

def _label_lines(node: Node) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The label's lines (its own line breaks, or wrapped) and the role's name, wrapped: short
    lines keep the grid narrow enough for a phone."""
    if "\n" in node.label:
        label = [line.strip() for line in node.label.splitlines() if line.strip()]
    else:
        label = textwrap.wrap(node.label, WRAP, break_long_words=False)
    return tuple(label), tuple(textwrap.wrap(ROLES[node.role][0], WRAP))


def _text_width(line: str) -> float:
    """An upper estimate of a line's width: the kernel cannot measure the reader's font."""
    return len(line) * CHAR_WIDTH * FONT_SIZE


def _layout(nodes: list[Node]) -> tuple[list[_Box], float, float]:
    """Each node's box on the grid, and the drawing's width and height. One column step and
    one row step for the whole grid (the widest and tallest node's), so the grid stays a grid."""
    sized = [(node, _label_lines(node)) for node in nodes]
    widths = [max(map(_text_width, label + role)) + 2 * PAD_X for _, (label, role) in sized]
    heights = [len(label + role) * LINE_HEIGHT + 2 * PAD_Y for _, (label, role) in sized]
    widest, tallest = max(widths), max(heights)
    column_step, row_step = widest + GAP_X, tallest + GAP_Y
    left = min(node.at[0] for node in nodes)
    top = min(node.at[1] for node in nodes)
    boxes = [
        _Box(node, MARGIN + widest / 2 + (node.at[0] - left) * column_step,
             MARGIN + tallest / 2 + (node.at[1] - top) * row_step,
             width / 2, height / 2, label, role)
        for (node, (label, role)), width, height in zip(sized, widths, heights)]
    width = max(box.cx for box in boxes) + widest / 2 + MARGIN
    height = max(box.cy for box in boxes) + tallest / 2 + MARGIN
    return boxes, width, height


def _check_apart(boxes: list[_Box]) -> None:
    """Refuse two boxes that overlap (half-steps of the grid can bring them together)."""
    for number, one in enumerate(boxes):
        for other in boxes[number + 1:]:
            if (abs(one.cx - other.cx) < one.half_width + other.half_width
                    and abs(one.cy - other.cy) < one.half_height + other.half_height):
                raise DiagramError(f"nodes {one.node.name!r} at {one.node.at} and "
                                   f"{other.node.name!r} at {other.node.at} overlap: move "
                                   "one of them further on the grid")


def _check_readable(width: float, title: str) -> None:
    """Refuse a drawing that a phone would shrink below readable text."""
    smallest = FONT_SIZE * PHONE_WIDTH / width
    if smallest < SMALLEST_TEXT_PX:
        raise DiagramError(
            f"diagram {title!r} is {width:.0f} units wide: on a {PHONE_WIDTH} px phone its text "
            f"would be {smallest:.1f} px, under {SMALLEST_TEXT_PX} px; use fewer columns (a "
            "taller grid) or shorter labels")


def _check_drawable(nodes: list[Node], edges: list[Edge], title: str) -> None:
    """Lay the diagram out once, before it is accepted: boxes apart, text readable on a phone,
    room for every arrow. A mistake shows when the cell runs, not as a broken drawing."""
    boxes, width, _ = _layout(nodes)
    _check_apart(boxes)
    _check_readable(width, title)
    by_name = {box.node.name: box for box in boxes}
    for edge in edges:
        _arrow_line(by_name[edge.start], by_name[edge.end])


def _to_border(box: _Box, ux: float, uy: float) -> float:
    """How far from the box's centre, along the unit direction (ux, uy), its border lies."""
    along_x = box.half_width / abs(ux) if ux else math.inf
    along_y = box.half_height / abs(uy) if uy else math.inf
    return min(along_x, along_y)


def _arrow_line(start: _Box, end: _Box) -> tuple[float, float, float, float]:
    """The line of an arrow between two boxes' borders, ending where its arrowhead starts."""
    dx, dy = end.cx - start.cx, end.cy - start.cy
    length = math.hypot(dx, dy)
    ux, uy = dx / length, dy / length
    begin = _to_border(start, ux, uy) + CLEARANCE
    finish = length - _to_border(end, ux, uy) - CLEARANCE - ARROW
    if finish - begin < ARROW:
        raise DiagramError(f"nodes {start.node.name!r} and {end.node.name!r} are too close "
                           "on the grid for an arrow between them")
    return (start.cx + ux * begin, start.cy + uy * begin,
            start.cx + ux * finish, start.cy + uy * finish)


# --- SVG and HTML -------------------------------------------------------------------------------

def _escape(text: str) -> str:
    """Text for an element or an attribute: every label and title is the chapter's, not ours."""
    return html.escape(text, quote=True)


def _fmt(number: float) -> str:
    """A coordinate to a tenth of a unit: finer is invisible and only lengthens the page."""
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _node_svg(box: _Box) -> str:
    """A node: its box (square and double-lined if conditioned on, rounded otherwise), its
    label and, in italics, its role."""
    node, fill = box.node, ROLES[box.node.role][1]
    x, y = box.cx - box.half_width, box.cy - box.half_height
    w, h = 2 * box.half_width, 2 * box.half_height
    radius = 0 if node.conditioned else ROUNDED
    parts = [f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(w)}" height="{_fmt(h)}" '
             f'rx="{radius}" fill="{fill}" stroke="{LINE_COLOUR}" stroke-width="2"/>']
    if node.conditioned:  # the second line of the double outline
        parts.append(f'<rect x="{_fmt(x + 5)}" y="{_fmt(y + 5)}" width="{_fmt(w - 10)}" '
                     f'height="{_fmt(h - 10)}" fill="none" stroke="{LINE_COLOUR}" '
                     'stroke-width="1.5"/>')
    first = y + PAD_Y + 0.78 * LINE_HEIGHT
    spans = []
    for number, line in enumerate(box.label + box.role):
        style = f' font-style="italic" fill="{ROLE_COLOUR}"' if number >= len(box.label) else ""
        spans.append(f'<tspan x="{_fmt(box.cx)}" y="{_fmt(first + number * LINE_HEIGHT)}"'
                     f"{style}>{_escape(line)}</tspan>")
    parts.append(f'<text text-anchor="middle" font-size="{FONT_SIZE}">{"".join(spans)}</text>')
    return f'<g data-node="{_escape(node.name)}">{"".join(parts)}</g>'


def _edge_svg(edge: Edge, boxes: dict[str, _Box], marker: str) -> str:
    """An arrow: a line (dashed if less certain) with the diagram's arrowhead at its end."""
    x1, y1, x2, y2 = _arrow_line(boxes[edge.start], boxes[edge.end])
    dash = EDGE_STYLES[edge.style]
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<line x1="{_fmt(x1)}" y1="{_fmt(y1)}" x2="{_fmt(x2)}" y2="{_fmt(y2)}" '
            f'stroke="{LINE_COLOUR}" stroke-width="2.2"{dashed} marker-end="url(#{marker})" '
            f'data-edge="{_escape(edge.start)} {_escape(edge.end)}"/>')


def _marker_svg(marker: str) -> str:
    """The arrowhead, one per diagram (its id is the diagram's): drawn from the line's end."""
    return (f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="0" refY="5" '
            f'markerUnits="userSpaceOnUse" markerWidth="{ARROW}" markerHeight="{ARROW}" '
            f'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{LINE_COLOUR}"/></marker></defs>')


def _swatch(*, role: str | None = None, conditioned: bool = False,
            style: str | None = None) -> str:
    """A small drawing for one legend entry: a node's box, or an arrow's line. Hidden from
    screen readers: the entry's words say the same."""
    if style is not None:
        dash = EDGE_STYLES[style]
        shape = (f'<line x1="2" y1="9" x2="30" y2="9" stroke="{LINE_COLOUR}" stroke-width="2.2"'
                 + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
    else:
        fill = ROLES[role][1] if role else "#ffffff"
        radius = 0 if conditioned else 6
        shape = (f'<rect x="2" y="2" width="28" height="14" rx="{radius}" fill="{fill}" '
                 f'stroke="{LINE_COLOUR}" stroke-width="1.5"/>')
        if conditioned:
            shape += (f'<rect x="5" y="5" width="22" height="8" fill="none" '
                      f'stroke="{LINE_COLOUR}" stroke-width="1"/>')
    return (f'<svg aria-hidden="true" width="32" height="18" viewBox="0 0 32 18" '
            f'style="vertical-align:middle;margin-right:0.4em">{shape}</svg>')


def _legend_html(nodes: list[Node], edges: list[Edge]) -> str:
    """The legend: each role, box and line the diagram uses, named (the node's fill is the
    role's; its name is in the box too)."""
    entries = [(_swatch(role=role), ROLES[role][0].capitalize())
               for role in ROLES if any(node.role == role for node in nodes)]
    if any(node.conditioned for node in nodes):
        entries.append((_swatch(conditioned=True), "Square box, double line: conditioned on "
                        "(held fixed by the model, or selected on)"))
    if any(not node.conditioned for node in nodes):
        entries.append((_swatch(), "Rounded box: not conditioned on"))
    if any(edge.style == "solid" for edge in edges):
        entries.append((_swatch(style="solid"), "Solid arrow: an assumed cause"))
    if any(edge.style == "dashed" for edge in edges):
        entries.append((_swatch(style="dashed"), "Dashed arrow: an assumed cause, less certain"))
    items = "".join(f'<li style="margin:0.15rem 0">{swatch}{_escape(words)}</li>'
                    for swatch, words in entries)
    return (f'<ul class="s18-diagram-legend" aria-label="Legend" '
            f'style="flex:1 1 14rem;list-style:none;padding:0;margin:0">{items}</ul>')


def _plain(label: str) -> str:
    """A label on one line, as the legend and the text alternative write it."""
    return " ".join(label.split())


def arrow_words(edge: Edge, labels: dict[str, str]) -> str:
    """One arrow in words, as the text alternative lists it: "Victim's age → Active trading"."""
    words = f"{labels[edge.start]} → {labels[edge.end]}"
    return words + (" (dashed: assumed, less certain)" if edge.style == "dashed" else "")


def _node_words(node: Node) -> str:
    """One variable in words: its label, its role, and whether it is conditioned on."""
    conditioned = "; conditioned on (boxed)" if node.conditioned else ""
    return f"{_plain(node.label)}: {ROLES[node.role][0]}{conditioned}"


def _words_html(nodes: list[Node], edges: list[Edge]) -> str:
    """The text alternative: every node with its role, then every arrow, in words."""
    labels = {node.name: _plain(node.label) for node in nodes}
    node_items = "".join(f"<li>{_escape(_node_words(node))}</li>" for node in nodes)
    edge_items = "".join(f"<li>{_escape(arrow_words(edge, labels))}</li>" for edge in edges)
    return ("<details><summary>The diagram in words</summary>"
            f"<p>Variables:</p><ul>{node_items}</ul>"
            f"<p>Arrows:</p><ul>{edge_items}</ul></details>")


@dataclasses.dataclass(frozen=True)
class Diagram:
    """A drawn causal diagram; Jupyter, Colab and the book show it through ``_repr_html_``."""

    title: str
    description: str
    caption: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    slug: str

    def size(self) -> tuple[float, float]:
        """The drawing's width and height, in its own units (CSS px at full size)."""
        return _layout(list(self.nodes))[1:]

    def svg(self) -> str:
        """The drawing: ``role="img"``, named by its ``<title>``, described by its ``<desc>``."""
        boxes, width, height = _layout(list(self.nodes))
        by_name = {box.node.name: box for box in boxes}
        marker = f"{self.slug}-arrow"
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_fmt(width)} {_fmt(height)}" '
            f'role="img" aria-labelledby="{self.slug}-title" '
            f'aria-describedby="{self.slug}-desc" font-family="{_escape(FONT)}" '
            f'fill="{TEXT_COLOUR}" '
            # White behind the drawing: its dark lines stay readable on a dark theme too.
            f'style="display:block;width:100%;height:auto;max-width:{_fmt(width)}px;'
            'background:#ffffff;border-radius:4px">'
            f'<title id="{self.slug}-title">{_escape(self.title)}</title>'
            f'<desc id="{self.slug}-desc">{_escape(self.description)}</desc>'
            + _marker_svg(marker)
            + "".join(_edge_svg(edge, by_name, marker) for edge in self.edges)
            + "".join(_node_svg(box) for box in boxes)
            + "</svg>")

    def _repr_html_(self) -> str:
        """The figure: the drawing and its legend (side by side where the page is wide enough),
        then the caption and the diagram in words. Styled inline: it must look the same in
        the book, in Jupyter and in Colab, which share no stylesheet."""
        return (f'<figure class="s18-diagram" id="{self.slug}" style="display:flex;'
                'flex-wrap:wrap;gap:0.75rem 1.5rem;align-items:flex-start;margin:1rem 0;'
                'text-align:left">'
                f'<div style="flex:3 1 18rem;max-width:{_fmt(self.size()[0])}px">{self.svg()}'
                "</div>"
                + _legend_html(list(self.nodes), list(self.edges))
                + f'<figcaption style="flex:1 0 100%;text-align:left">{_escape(self.caption)}'
                + _words_html(list(self.nodes), list(self.edges))
                + "</figcaption></figure>")

    def __repr__(self) -> str:
        return (f"<causal diagram {self.title!r}: {len(self.nodes)} variables, "
                f"{len(self.edges)} arrows>")


def _signature(title, description, caption, nodes, edges) -> str:
    """A digest of everything drawn, to tell a re-run from a second diagram."""
    return hashlib.sha256(repr((title, description, caption, nodes, edges)).encode()).hexdigest()


def causal(nodes, edges, *, title: str, description: str, caption: str | None = None) -> Diagram:
    """A causal diagram of ``nodes`` (:class:`Node`) joined by ``edges`` (:class:`Edge`, or
    tuples ``(start, end)`` and ``(start, end, "dashed")``), shown as an SVG figure.

    ``title`` names the drawing (and makes its ids), ``description`` says in a few sentences what
    it shows (a screen reader reads it), ``caption`` is printed under it (the title if omitted).
    Raises :class:`DiagramError` naming the node, arrow or title that is wrong.
    """
    if not title.strip() or not description.strip():
        raise DiagramError("a diagram needs a title and a description that says what it shows")
    nodes = tuple(nodes)
    if not nodes:
        raise DiagramError(f"diagram {title!r} has no nodes")
    _check_nodes(list(nodes))
    edges = tuple(_as_edge(edge) for edge in edges)
    _check_edges(list(edges), {node.name for node in nodes})
    _check_drawable(list(nodes), list(edges), title)
    caption = caption or title
    slug = _slug(title)
    _register(slug, title, _signature(title, description, caption, nodes, edges))
    return Diagram(title, description, caption, nodes, edges, slug)
