"""The one place that relies on what a library does without offering it publicly.

Each function names the library, the version it was checked against (the one the pinned
environment installs: ``requirements.txt`` pins MyST-NB, and jupyter-book's pin brings Sphinx
and the themes), what it relies on and what breaks if that changes. ``tests/test_adapters.py``
checks every one against the installed library and fails with the function's own docstring when
the library changed underneath it, or when the installed version is not the one named here.
Everything else in the package uses the libraries' public interfaces only.
"""
from __future__ import annotations

import re

__all__ = ["format_glued_text", "glued_output", "glue_cache", "asset_fields",
           "HEAVY_HEAD", "HEAVY_SCRIPTS", "drop_heavy_head"]


# ----------------------------------------------------------------------------- MyST-NB (1.4.0)
def format_glued_text(text_plain: str, spec: str) -> str:
    """A glued value's ``text/plain`` as ``{glue:text}`\\`name:spec\\``` prints it.

    MyST-NB 1.4.0, ``myst_nb.core.variables.format_plain_text`` (not documented as public): the
    function the ``{glue:text}`` role itself calls, so the answer key (:mod:`seto2018.kit`) and the
    downloaded notebooks (:mod:`seto2018.downloads`) print a value exactly as the page does. If it
    moves or changes its arguments, the kit and the downloads fail to import it; if its rules
    change, their text differs from the page's.
    """
    from myst_nb.core.variables import format_plain_text

    return format_plain_text(text_plain, spec)


def glued_output(output: dict) -> tuple[str, str] | None:
    """(name, ``text/plain``) of a cell output written by ``myst_nb.glue``, else None.

    MyST-NB 1.4.0: ``glue(name, value, display)`` displays the value with output metadata
    ``{"scrapbook": {"name": name, "mime_prefix": prefix}}`` (the format of papermill's
    scrapbook), its MIME types prefixed with ``application/papermill.record/`` when
    ``display=False``. Documented only as "glue stores the value in the notebook". If the
    layout changes, the answer key (:mod:`seto2018.kit`) breaks: it finds no answers, and every
    exercise would come out as "printed output" or missing.
    """
    record = output.get("metadata", {}).get("scrapbook")
    if output.get("output_type") != "display_data" or not record:
        return None
    data = output["data"]
    text = data.get(record.get("mime_prefix", "") + "text/plain", data.get("text/plain"))
    return record["name"], "".join(text) if isinstance(text, list) else text


def glue_cache(env, docname: str) -> dict[str, str]:
    """Every value a page glued, as ``{name: text/plain}``, read during a Sphinx build.

    MyST-NB 1.4.0, ``myst_nb.ext.glue.crossref.read_glue_cache(folder, docname)`` and the
    environment's ``env.mystnb_config.output_folder`` (neither documented): the ``.glue.json``
    file MyST-NB writes beside each executed notebook. If either changes, the downloaded
    notebooks (:mod:`seto2018.downloads`) lose their glued numbers and the build stops there.
    """
    from myst_nb.ext.glue.crossref import read_glue_cache

    glued = read_glue_cache(env.mystnb_config.output_folder, docname)
    return {name: output["data"]["text/plain"] for name, output in glued.items()
            if "text/plain" in output.get("data", {})}


# ------------------------------------------------------------------------------ Sphinx (7.4.7)
def asset_fields(entry) -> tuple[str, int, dict[str, str]]:
    """(filename, priority, attributes) of an entry of ``context["script_files"]`` or
    ``context["css_files"]``.

    Sphinx 7.4.7: in ``html-page-context`` each entry is a private
    ``sphinx.builders.html._assets._JavaScript`` (or ``_CascadingStyleSheet``) with
    ``filename`` (``_static/...``, an address, or "" for an inline script), ``priority`` and
    ``attributes`` (``body`` holds an inline script's code). The public ``app.add_js_file``
    takes them back. If they change, the build stops (:mod:`seto2018.sphinxext` can neither defer
    the page's scripts nor find the assets it drops: Thebe's, sphinx-design's).
    """
    filename = getattr(entry, "filename", entry)
    return (str(filename or ""), int(getattr(entry, "priority", 500)),
            dict(getattr(entry, "attributes", {})))


# ------------------------------------------------- pydata-sphinx-theme (0.17.1, via the book theme)
#: What the theme writes into every page's head that the book does not use: Font Awesome's
#: script (``head_pre_assets`` in ``static/webpack-macros.html``) and Sphinx's search index and
#: tools (the ``extrahead`` block of ``layout.html``), as ``<script ... src="...">`` tags.
HEAVY_HEAD = re.compile(
    r'\s*<script[^>]*\ssrc="[^"]*(?:scripts/fontawesome|searchtools|language_data|searchindex)'
    r'\.js[^"]*"[^>]*>\s*</script>')
HEAVY_SCRIPTS = ("fontawesome.js", "searchtools.js", "language_data.js", "searchindex.js")


def drop_heavy_head(markup: str) -> str:
    """The rendered head markup (a template block's ``super()``) without :data:`HEAVY_HEAD`'s
    scripts.

    pydata-sphinx-theme 0.17.1 (under sphinx-book-theme 1.3.0) writes these tags in its
    templates, not through Sphinx's ``script_files``, so no public interface removes them; a
    regular expression over the rendered block does. If the theme writes them differently the
    expression matches nothing and the pages silently carry them again (1.5 MB of Font Awesome,
    the search index on every page): the test fails instead.
    """
    return HEAVY_HEAD.sub("", markup)
