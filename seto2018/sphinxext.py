"""The book's Sphinx extension: serve the Vega bundle locally and style figures.

Listed in ``_config.yml`` under ``sphinx.extra_extensions``. It

- marks the build (``SETO2018_BOOK=1``) before notebooks execute, so that the kernels Jupyter
  Book starts inherit it and ``charts.enable()`` picks the offline renderer;
- writes one Vega/Vega-Lite/Vega-Embed bundle (from the ``vl-convert-python`` package, never
  fetched) into the site's ``_static/``, and adds it, deferred, only to pages that have a chart:
  pages without charts stay light, and the browser caches the bundle across the pages that do;
- adds the book's stylesheet;
- puts the book's package on the site as a wheel (``wheel/``, :mod:`seto2018.wheel`) and, under
  each chapter's "Setting up" heading, a "Run this chapter" box: the notebook to download, the
  one command that installs the package (with the book's data) from the site, Colab, and how
  to run the chapter on a dataset of one's own;
- lightens the theme (``light_head``): no Font Awesome (the book's own SVG icons in
  ``static/seto2018-icons.css`` stand in), no search index on pages that do not search;
- writes bibliography entries as list items (:class:`CitationListTranslator`);
- gives each "Method: ..." box's label its title (:func:`title_method_boxes`), so that
  `` {ref}`method-chi-square` `` shows the method's name as a section's label would.

It uses Sphinx's and docutils' public interfaces (events, ``app.add_js_file``, a translator
class); what only a library's internals offer goes through :mod:`seto2018.adapters`.
"""
from __future__ import annotations

import hashlib
import html
import os
import shutil
from pathlib import Path

import vl_convert
from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.writers.html5 import HTML5Translator

from . import ROOT, adapters, charts, wheel

BUNDLE = "vega-bundle.js"
STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"

# Charts draw as they come near the view. Browser tests and the bench evaluate this in a page to
# scroll through it as a reader would, so that every chart is drawn.
SCROLL_THROUGH = """async () => {
  for (let y = 0; y < document.documentElement.scrollHeight; y += 400) {
    window.scrollTo(0, y);
    await new Promise((resolve) => setTimeout(resolve, 60));
  }
  window.scrollTo(0, 0);
}"""

# Runs inside the bundle, after vegaEmbed is defined: draw every chart container on the page.
DRAW_SNIPPET = """
// A chart is drawn when it comes near the reader's view, one chart per task: drawing every chart
// of a chapter at load blocks the page for a second or more (Lighthouse: total blocking time),
// for charts the reader may never scroll to. Printing draws them all first.
const waiting = [];
let drawing = false;
function nextTask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
async function drawChart(holder) {
  const target = document.getElementById(holder.dataset.for);
  if (!target || target.dataset.drawn) return;
  target.dataset.drawn = 'yes';
  try {
    await vegaEmbed(target, JSON.parse(holder.textContent), {renderer: 'svg', actions: false});
  } catch (error) {
    target.textContent = 'This chart could not be drawn; its numbers are in the table beside it.';
    console.error(error);
  }
}
async function drawWaiting() {
  if (drawing) return;
  drawing = true;
  while (waiting.length) {
    await nextTask();
    await drawChart(waiting.shift());
  }
  drawing = false;
}
function holders() {
  return [...document.querySelectorAll('script.s18-spec')];
}
function drawAll() {
  waiting.push(...holders());
  return drawWaiting();
}
function drawCharts() {
  if (!('IntersectionObserver' in window)) {
    drawAll();
    return;
  }
  const byTarget = new Map();
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      observer.unobserve(entry.target);
      waiting.push(byTarget.get(entry.target));
    }
    drawWaiting();
  }, {rootMargin: '800px 0px'});
  for (const holder of holders()) {
    const target = document.getElementById(holder.dataset.for);
    if (!target) continue;
    byTarget.set(target, holder);
    observer.observe(target);
  }
}
window.vegaEmbed = vegaEmbed;
window.addEventListener('beforeprint', drawAll);
if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', drawCharts);
} else {
  drawCharts();
}
"""


def bundle_dir(app) -> Path:
    return Path(app.outdir).parent / "seto2018-static"


def write_bundle(target: Path) -> Path:
    """Write the bundle once per vl-convert version and drawing snippet; later builds reuse it
    (it takes ~2 s)."""
    target.mkdir(parents=True, exist_ok=True)
    snippet = hashlib.sha1(DRAW_SNIPPET.encode("utf-8")).hexdigest()[:8]
    stamp = target / f".vl-convert-{vl_convert.__version__}-{snippet}"
    path = target / BUNDLE
    if not (path.exists() and stamp.exists()):
        # The bundle is written as a module; wrapped in a function, its top-level names (such as
        # `_`) cannot collide with the theme's scripts, which share the page's global scope.
        code = vl_convert.javascript_bundle(DRAW_SNIPPET)
        path.write_text(f"(function () {{\n{code}\n}})();\n", encoding="utf-8")
        for old in target.glob(".vl-convert-*"):
            old.unlink()
        stamp.touch()
    return path


def _on_builder_inited(app) -> None:
    if app.builder.format != "html":
        return
    write_bundle(bundle_dir(app))
    app.config.html_static_path.extend([str(STATIC), str(bundle_dir(app))])
    app.add_css_file("seto2018.css")
    app.add_css_file("seto2018-icons.css")
    # Sphinx copies static files only when some page is out of date; copy ours now so that an
    # edited stylesheet reaches the site on the next build even when no page changed.
    static_out = Path(app.outdir) / "_static"
    static_out.mkdir(parents=True, exist_ok=True)
    for source in [*STATIC.iterdir(), bundle_dir(app) / BUNDLE]:
        shutil.copyfile(source, static_out / source.name)


def _on_builder_inited_wheel(app) -> None:
    if app.builder.format == "html":
        wheel.build(ROOT, Path(app.outdir) / wheel.SITE_FOLDER,
                    cache_dir=Path(app.srcdir) / "_build" / ".wheel-cache")


RUN_HEADING = "Setting up"
COLAB = "https://colab.research.google.com/github"


def _colab_url(app, docname: str) -> str | None:
    """The chapter's downloadable notebook opened in Colab, from the branch the site is
    published from (Colab opens notebooks from GitHub only); None in the student edition, whose
    site is not that one."""
    repository = app.config.html_theme_options.get("repository_url", "").rstrip("/")
    branch = app.config.seto2018_site_branch
    if not (repository.startswith("https://github.com/") and branch) or getattr(
            app.config, "seto2018_edition", "reader") != "reader":
        return None
    return f"{COLAB}/{repository.removeprefix('https://github.com/')}/blob/{branch}/_sources/{docname}.ipynb"


def _paragraph(*parts) -> nodes.paragraph:
    """A paragraph of text, ("link text", url) links and `code` (a one-item list)."""
    paragraph = nodes.paragraph()
    for part in parts:
        if isinstance(part, tuple):
            paragraph += nodes.reference("", part[0], refuri=part[1])
        elif isinstance(part, list):
            paragraph += nodes.literal(text=part[0])
        else:
            paragraph += nodes.Text(part)
    return paragraph


def run_box(app, docname: str) -> nodes.admonition:
    """The "Run this chapter" box of one chapter page."""
    up = "../" * docname.count("/")
    notebook = f"{docname.rsplit('/', 1)[-1]}.ipynb"
    url = wheel.install_url(app.config.html_baseurl)
    box = nodes.admonition(classes=["s18-run", "tip"])
    box += nodes.title(text="Run this chapter")
    box += _paragraph("On your own computer (Python 3.11 or later): download ",
                      (notebook, f"{up}_sources/{docname}.ipynb"),
                      ", install the book's package once, which brings the book's data with it, "
                      "and open the notebook in Jupyter:")
    box += nodes.literal_block(text=f"pip install {url}", language="bash")
    box += _paragraph("No network where you will run it? Download ",
                      (wheel.wheel_name(), f"{up}{wheel.site_path()}"),
                      " here and install the file: ", [f"pip install {wheel.wheel_name()}"],
                      ". Nothing else is fetched: the chapter and its charts run offline.")
    colab = _colab_url(app, docname)
    if colab:
        box += _paragraph(("Open the notebook in Colab", colab),
                          ": its first cell installs the package.")
    box += _paragraph("On other data: write a sample with the package's command line, ",
                      ["seto2018 data --seed 7 --mode sample --out my-sample"],
                      ", and start Jupyter with the environment variable ",
                      ["SETO2018_DATA=my-sample"],
                      " set (in Colab, or a notebook already open: run ",
                      ["%env SETO2018_DATA=my-sample"],
                      " before the cell that loads the data). The chapter then says which dataset "
                      "it reads, and skips its checks against the report, which hold for the "
                      "book's dataset only.")
    return box


#: The class of a "Method: <name>" box (CONTRIBUTING.md, "Adding a method").
METHOD_BOX_CLASS = "s18-method"
METHOD_PREFIX = "Method: "


def title_method_boxes(app, doctree) -> None:
    """A label on an admonition has no title for Sphinx (only sections, figures and tables
    do), so a bare ``{ref}`` to it fails. A method box's label gets the box's title, less
    "Method: ", as its title: "Chi-square test of independence"."""
    std = app.env.get_domain("std")
    docname = app.env.docname
    for box in doctree.findall(nodes.admonition):
        if METHOD_BOX_CLASS not in box["classes"] or not box["names"]:
            continue
        title = next(iter(box.findall(nodes.title)), None)
        shown = title.astext().removeprefix(METHOD_PREFIX) if title is not None else ""
        for name in box["names"]:
            found = std.anonlabels.get(name)
            if shown and found and found[0] == docname:
                std.labels[name] = (docname, found[1], shown)


def _on_doctree_resolved(app, doctree, docname) -> None:
    if app.builder.format != "html" or Path(app.env.doc2path(docname)).suffix != ".ipynb":
        return
    for section in doctree.findall(nodes.section):
        title = next(iter(section.findall(nodes.title)), None)
        if title is not None and title.astext() == RUN_HEADING:
            paragraphs = [i for i, child in enumerate(section.children)
                          if isinstance(child, nodes.paragraph)]
            # After the section's first paragraph, which says what setting up does.
            section.insert(paragraphs[0] + 1 if paragraphs else len(section.children),
                           run_box(app, docname))
            return
    # The build runs with warnings as errors: a chapter without the section fails it, loudly.
    logging.getLogger(__name__).warning(
        f"{docname}: no \"{RUN_HEADING}\" section, so the \"Run this chapter\" box has nowhere "
        "to go; every chapter has one (CONTRIBUTING.md, \"Adding a chapter\")",
        location=docname)


def _is_thebe(asset) -> bool:
    filename, _, attributes = adapters.asset_fields(asset)
    return "thebe" in f"{filename} {attributes.get('body', '')}".lower()


def _on_page_context(app, pagename, templatename, context, doctree) -> None:
    # The book offers Binder and Colab, not in-page live code: drop Thebe's scripts, which
    # Jupyter Book 1.x adds twice to notebook pages (a console error) and which name a CDN.
    context["script_files"][:] = [s for s in context.get("script_files", []) if not _is_thebe(s)]
    context["css_files"][:] = [s for s in context.get("css_files", []) if not _is_thebe(s)]
    if "s18-chart" in context.get("body", ""):
        app.add_js_file(BUNDLE, loading_method="defer")
    _lighten_assets(app, pagename, context)


# Inline scripts in the head set DOCUMENTATION_OPTIONS.pagename: this one must load before them.
KEEP_BLOCKING = ("documentation_options.js",)
# sphinx-design's assets, loaded on every page by Jupyter Book whether a page uses it or not.
SPHINX_DESIGN = ("sphinx-design.min.css", "design-tabs.js")


def _lighten_assets(app, pagename, context) -> None:
    """Defer the page's scripts (they wait for the DOM anyway) so they do not hold back its first
    paint, and drop sphinx-design's assets from pages with no sphinx-design component. Not on the
    search page: its search tools run as they load and need doctools.js before them.

    The page's scripts are taken out of ``context["script_files"]`` and given back, in their
    order, through ``app.add_js_file``, which in ``html-page-context`` adds a script to this
    page only (Sphinx's documented way)."""
    uses_design = "sd-" in context.get("body", "")
    scripts = context["script_files"]
    wanted = []
    for filename, priority, attributes in map(adapters.asset_fields, scripts):
        if not uses_design and filename.endswith(SPHINX_DESIGN):
            continue
        if pagename != "search" and filename and not filename.endswith(KEEP_BLOCKING) and not (
                {"defer", "async"} & set(attributes)):
            attributes = {**attributes, "defer": "defer"}
        wanted.append((_added_name(filename), priority, attributes))
    scripts.clear()
    for filename, priority, attributes in wanted:
        app.add_js_file(filename, priority=priority, **attributes)
    # Sphinx adds a script once: entries that became the same (deferred) are one.
    if len(scripts) != len({(name, priority, tuple(sorted(attributes.items())))
                            for name, priority, attributes in wanted}):
        raise ExtensionError(f"{pagename}: app.add_js_file no longer adds to the page's "
                             "script_files during html-page-context (Sphinx changed?)",
                             modname=__name__)
    if not uses_design:
        context["css_files"][:] = [css for css in context.get("css_files", [])
                                   if not adapters.asset_fields(css)[0].endswith(SPHINX_DESIGN)]


def _added_name(filename: str) -> str | None:
    """The name ``app.add_js_file`` takes for a script's ``filename`` as the page lists it: it
    puts ``_static/`` before any name that is not an address. None for an inline script."""
    if not filename or "://" in filename:
        return filename or None
    if not filename.startswith("_static/"):
        raise ExtensionError(f"the script {filename!r} is not in _static/: app.add_js_file "
                             "cannot add it back", modname=__name__)
    return filename.removeprefix("_static/")


def _on_config_inited(app, config) -> None:
    # Without an explicit default mode the stock theme logs a console error on a first visit.
    config.html_context.setdefault("default_mode", "light")


def light_head(markup):
    """The Jinja filter ``s18_light_head`` (templates/layout.html): ``markup`` without what the
    theme puts in every page's head that the book does not use (Font Awesome's script, 1.5 MB
    with two icon fonts; Sphinx's search index and tools, for a search-as-you-type the book keeps
    off: the search page loads its own). See :func:`seto2018.adapters.drop_heavy_head`."""
    from markupsafe import Markup

    return Markup(adapters.drop_heavy_head(str(markup)))


class CitationListTranslator(HTML5Translator):
    """Sphinx's HTML translator, with bibliography entries as list items.

    docutils 0.21 writes a citation as ``<div role="doc-biblioentry">`` inside a
    ``<div role="list">``: ARIA 1.2 deprecates that role, and a list must hold list items
    (axe-core: a critical violation). Here each entry is ``role="listitem"``, with the classes
    (``citation-list``, ``citation``) the themes style. The theme adds its own mix-in on top
    (pydata-sphinx-theme's ``setup_translators`` wraps whatever translator is registered).
    """

    def visit_citation(self, node):
        if not isinstance(node.previous_sibling(), nodes.citation):
            self.body.append('<div role="list" class="citation-list">\n')
        self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))

    def depart_citation(self, node):
        self.body.append("</div>\n")
        if not isinstance(node.next_node(descend=False, siblings=True), nodes.citation):
            self.body.append("</div>\n")


def _on_config_inited_light_theme(app, config) -> None:
    if config.html_theme_options.get("search_as_you_type"):
        raise ValueError("search_as_you_type needs the search index on every page: "
                         "seto2018.sphinxext drops it, so turn one of the two off.")
    config.templates_path.append(str(TEMPLATES))


def _on_builder_inited_light_theme(app) -> None:
    templates = getattr(app.builder, "templates", None)
    if templates is not None and hasattr(templates, "environment"):
        templates.environment.filters["s18_light_head"] = light_head


def _on_page_context_description(app, pagename, templatename, context, doctree) -> None:
    """A page's meta description (what search engines show) from its ``description``: a
    Markdown page's front matter, or a notebook's top-level metadata, which MyST-NB reads as
    front matter. tests/test_build.py fails for a toc page without one."""
    description = (context.get("meta") or {}).get("description")
    if description:
        text = html.escape(" ".join(str(description).split()), quote=True)
        context["metatags"] = context.get("metatags", "") + (
            f'\n    <meta name="description" content="{text}" />')


def setup(app):
    os.environ[charts.BOOK_ENV] = "1"
    # The branch the site is published from (GitHub Pages): Colab opens a chapter's
    # downloadable notebook from it. Set in _config.yml, beside the site's and repository's
    # addresses.
    app.add_config_value("seto2018_site_branch", "", "html")
    app.set_translator("html", CitationListTranslator)
    app.connect("builder-inited", _on_builder_inited_wheel)
    app.connect("doctree-resolved", _on_doctree_resolved)
    app.connect("doctree-read", title_method_boxes)
    app.connect("config-inited", _on_config_inited)
    app.connect("builder-inited", _on_builder_inited)
    app.connect("html-page-context", _on_page_context)
    app.connect("config-inited", _on_config_inited_light_theme)
    app.connect("builder-inited", _on_builder_inited_light_theme)
    app.connect("html-page-context", _on_page_context_description)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
