"""Valid HTML where the book's extensions write it: a Sphinx extension (``_config.yml``,
``sphinx.extra_extensions``).

The Nu HTML Checker (``bench/check_html.py``) finds three things in what the book's Sphinx
extensions write; each is fixed here, where the HTML is made, not in the built pages' text:

- **The site's front door.** sphinx-external-toc writes ``index.html`` as one bare
  ``<meta http-equiv="Refresh">`` line: no doctype, title, language or icon, so a browser asks
  for ``/favicon.ico`` and gets a 404. :func:`front_door` writes a small page that redirects to
  the book's first page, with a visible link for a browser that does not.
- **sphinx-exercise's ids.** Every exercise's and solution's body is a section with the same
  id (``exercise-content``, ``solution-content``), repeated on a page with several exercises;
  an id must be unique. The name becomes a class (nothing links to those ids).
- **myst-nb's hidden cells.** A hidden cell's ``<summary>`` holds its "Show/Hide code cell"
  labels as ``<p>`` elements; a summary holds phrasing content only. The same labels are
  written as ``<span>`` elements (``static/seto2018.css`` styles them as myst-nb styles its
  ``<p>``).

What stays upstream is listed in CONTRIBUTING.md ("HTML the book does not control").
"""
from __future__ import annotations

import html
from pathlib import Path, PurePosixPath

from docutils import nodes
# myst-nb's node for a hidden cell: its HTML visitor is replaced below. A test
# (tests/test_html.py) fails if myst-nb no longer has it under this name.
from myst_nb.sphinx_ import HideCodeCellNode

#: Ids that sphinx-exercise gives every exercise's and solution's body section.
EXERCISE_CONTENT_IDS = ("exercise-content", "solution-content")


# --- the front door -------------------------------------------------------------------------

def favicon_href(favicon: str | None) -> str | None:
    """Where a page at the site's root finds the icon: Sphinx copies a local ``html_favicon``
    into ``_static/`` under its own name; a URL stays as it is."""
    if not favicon:
        return None
    if "://" in favicon:
        return favicon
    return f"_static/{PurePosixPath(favicon).name}"


def front_door(*, title: str, language: str, target: str, favicon: str | None,
               canonical: str | None = None) -> str:
    """The site's ``index.html``: a small page that sends the reader to ``target`` (relative to
    the site's root) at once; ``canonical``, the target's full address, tells search engines
    that the target is the page to index."""
    url = html.escape(target, quote=True)
    head = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        *([f'<link rel="icon" href="{html.escape(favicon, quote=True)}">'] if favicon else []),
        *([f'<link rel="canonical" href="{html.escape(canonical, quote=True)}">']
          if canonical else []),
        f'<meta http-equiv="refresh" content="0; url={url}">',
    ]
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(language or "en", quote=True)}">',
        "<head>", *head, "</head>",
        "<body>",
        f'<p><a href="{url}">Open the book\'s first page</a> if it does not open by itself.</p>',
        "</body>",
        "</html>", ""])


def _root_page(app) -> str:
    """The root page's address relative to the site's root, as the builder names pages."""
    root = app.config.root_doc
    if app.builder.name == "dirhtml":
        return f"{root}/"
    return f"{root}{app.builder.out_suffix}"


def _on_build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html" or app.config.root_doc == "index":
        return
    target = _root_page(app)
    base = app.config.html_baseurl
    page = front_door(title=app.config.html_title or app.config.project,
                      language=app.config.language, target=target,
                      favicon=favicon_href(app.config.html_favicon),
                      canonical=f"{base.rstrip('/')}/{target}" if base else None)
    Path(app.outdir, "index.html").write_text(page, encoding="utf-8")


# --- sphinx-exercise's ids ------------------------------------------------------------------

def unique_exercise_ids(doctree: nodes.Node) -> int:
    """Turn sphinx-exercise's shared body ids into classes; returns how many were changed."""
    changed = 0
    for section in doctree.findall(nodes.section):
        for shared in EXERCISE_CONTENT_IDS:
            if shared in section["ids"]:
                section["ids"].remove(shared)
                section["classes"].append(shared)
                changed += 1
    return changed


def _on_doctree_resolved(app, doctree, docname) -> None:
    if app.builder.format == "html":
        unique_exercise_ids(doctree)


# --- myst-nb's hidden cells -----------------------------------------------------------------

def visit_hidden_cell(self, node) -> None:
    """myst-nb's markup for a hidden cell (``myst_nb.sphinx_.visit_HideCellInput``) with its
    labels as spans: phrasing content, which is what a ``<summary>`` may hold."""
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {html.escape(classes, quote=True)}">\n'
                     '<summary aria-label="Toggle hidden content">\n'
                     f'<span class="collapsed admonition-title">'
                     f'{html.escape(node["prompt_show"])}</span>\n'
                     f'<span class="expanded admonition-title">'
                     f'{html.escape(node["prompt_hide"])}</span>\n'
                     "</summary>\n")


def depart_hidden_cell(self, node) -> None:
    self.body.append("</details>\n")


def setup(app):
    # Before sphinx-external-toc's own build-finished handler (priority 500), which writes the
    # bare redirect only where no index.html exists.
    app.connect("build-finished", _on_build_finished, priority=400)
    app.connect("doctree-resolved", _on_doctree_resolved)
    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_cell, depart_hidden_cell))
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
