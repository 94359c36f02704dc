"""What seto2018.adapters relies on in the pinned libraries, checked against the installed ones.

Each test fails with the adapter's own docstring (the library, its pinned version, what breaks)
when the library changed underneath it. The Sphinx ones build a one-page site with the book's
theme and the book's page handlers (a few seconds), and read what the theme really renders.
"""
from __future__ import annotations

import contextlib
import inspect
import json
import re

import pytest

from seto2018 import adapters
from _book import tiny_site as build_tiny_site


@contextlib.contextmanager
def relied_on(adapter):
    """Fail naming the adapter, with its docstring, if the block raises or asserts."""
    try:
        yield
    except Exception as error:  # noqa: BLE001 - any change underneath is the same news
        pytest.fail(f"seto2018.adapters.{adapter.__name__} no longer holds "
                    f"({type(error).__name__}: {error}).\n\n{inspect.getdoc(adapter)}",
                    pytrace=False)


# ------------------------------------------------------------------------------------- MyST-NB
@pytest.mark.parametrize("text, spec, shown", [
    ("0.123456", ".2f", "0.12"), ("0.25", ".1%", "25.0%"), ("1234", ",d", "1,234"),
    ("'p < 0.001'", "", "p < 0.001"), ("3.14159", "", "3.14159"), ("12", "s", "12"),
])
def test_glued_text_is_formatted_as_the_glue_role_formats_it(text, spec, shown):
    with relied_on(adapters.format_glued_text):
        assert adapters.format_glued_text(text, spec) == shown


def glue_outputs(*calls) -> list[dict]:
    """The outputs real ``myst_nb.glue`` calls display, as a notebook stores them."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output
    from myst_nb import glue

    InteractiveShell.instance()
    with capture_output(display=True) as captured:
        for name, value, display in calls:
            glue(name, value, display=display)
    return [{"output_type": "display_data", "data": output.data, "metadata": output.metadata}
            for output in captured.outputs]


def test_a_real_glue_output_is_read_as_its_name_and_text():
    with relied_on(adapters.glued_output):
        hidden, shown = glue_outputs(("ex_ratio", 1.5, False), ("ex_label", "p < 0.001", True))
        assert adapters.glued_output(hidden) == ("ex_ratio", "1.5")
        assert adapters.glued_output(shown) == ("ex_label", "'p < 0.001'")
        assert adapters.glued_output({"output_type": "stream", "name": "stdout",
                                      "text": "x"}) is None


def test_the_glue_cache_is_read_where_myst_nb_writes_it(tmp_path):
    with relied_on(adapters.glue_cache):
        import dataclasses

        import nbformat
        from myst_nb.core.config import NbParserConfig
        from myst_nb.ext.glue import extract_glue_data_cell

        assert "output_folder" in {f.name for f in dataclasses.fields(NbParserConfig)}
        # What MyST-NB stores for a cell's glue outputs, in the file it writes per page.
        cell = nbformat.v4.new_code_cell(outputs=[nbformat.from_dict(output) for output in
                                                  glue_outputs(("n", 12, False))])
        data = dict(extract_glue_data_cell(cell))
        (tmp_path / "chapters").mkdir()
        (tmp_path / "chapters" / "page.glue.json").write_text(json.dumps(data))

        class Env:  # what a Sphinx environment holds for MyST-NB
            mystnb_config = NbParserConfig(output_folder=str(tmp_path))

        assert adapters.glue_cache(Env(), "chapters/page") == {"n": "12"}


# -------------------------------------------------------------------- Sphinx and the book theme
CONF = '''\
project = "tiny"
html_theme = "sphinx_book_theme"


def setup(app):
    from seto2018 import adapters, sphinxext

    app.seto2018_seen = {"heads": [], "scripts": []}

    def record_scripts(app, pagename, templatename, context, doctree):
        app.seto2018_seen["scripts"] += [
            (type(entry).__name__, adapters.asset_fields(entry))
            for entry in context["script_files"]]

    def record_head(markup):
        lightened = sphinxext.light_head(markup)
        app.seto2018_seen["heads"].append((str(markup), str(lightened)))
        return lightened

    def filters(app):
        app.builder.templates.environment.filters["s18_light_head"] = record_head

    # The book's own handlers (seto2018.sphinxext.setup), less the bundle and the wheel.
    app.set_translator("html", sphinxext.CitationListTranslator)
    app.connect("config-inited", sphinxext._on_config_inited)
    app.connect("config-inited", sphinxext._on_config_inited_light_theme)
    app.connect("builder-inited", filters)
    app.connect("html-page-context", record_scripts, priority=400)
    app.connect("html-page-context", sphinxext._on_page_context)
'''
PAGE = "Tiny\n====\n\nSee [CIT1]_ and [CIT2]_.\n\n.. [CIT1] One entry.\n.. [CIT2] Another.\n"


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory) -> tuple[object, str]:
    """(the Sphinx application, the page's HTML) of a one-page site in the book's theme."""
    app, warnings, page = build_tiny_site(tmp_path_factory.mktemp("tiny-site"), CONF,
                                          (".rst", PAGE))
    assert app.statuscode == 0, warnings
    return app, page


def head(page: str) -> str:
    return page[:page.index("</head>")]


def test_script_entries_have_the_fields_the_adapter_reads(tiny_site):
    app, _ = tiny_site
    with relied_on(adapters.asset_fields):
        seen = app.seto2018_seen["scripts"]
        assert seen and {kind for kind, _ in seen} == {"_JavaScript"}
        names = [filename for _, (filename, _, _) in seen]
        assert "_static/doctools.js" in names
        assert all(isinstance(priority, int) and isinstance(attributes, dict)
                   for _, (_, priority, attributes) in seen)


def test_the_head_regex_finds_what_the_theme_renders(tiny_site):
    app, page = tiny_site
    with relied_on(adapters.drop_heavy_head):
        rendered = "".join(markup for markup, _ in app.seto2018_seen["heads"])
        for name in adapters.HEAVY_SCRIPTS:
            assert re.search(rf'<script[^>]*src="[^"]*{re.escape(name)}', rendered), (
                f"the theme no longer renders {name} in the head")
        for script in re.findall(r"<script[^>]*>", head(page)):
            assert not any(name in script for name in adapters.HEAVY_SCRIPTS), script


def test_the_pages_scripts_are_deferred_through_add_js_file(tiny_site):
    _, page = tiny_site
    scripts = re.findall(r"<script[^>]*\ssrc=\"([^\"]+)\"[^>]*>", head(page))
    tags = {src.split("?")[0]: tag for tag, src in
            zip(re.findall(r"<script[^>]*\ssrc=\"[^\"]+\"[^>]*>", head(page)), scripts)}
    assert '_static/doctools.js' in tags and "defer" in tags["_static/doctools.js"], tags
    assert "defer" not in tags["_static/documentation_options.js"]  # inline scripts need it
    order = [src.split("?")[0] for src in scripts]
    assert order.index("_static/documentation_options.js") < order.index("_static/doctools.js")


def test_bibliography_entries_are_list_items(tiny_site):
    _, page = tiny_site
    assert page.count('role="listitem"') == 2 and 'role="list"' in page
    assert "doc-biblioentry" not in page
    assert page.count('class="citation"') == 2  # the classes the themes style are kept


#: How the adapters' docstrings name a library, and its distribution's name.
LIBRARIES = {"MyST-NB": "myst-nb", "Sphinx": "sphinx", "docutils": "docutils",
             "pydata-sphinx-theme": "pydata-sphinx-theme", "sphinx-book-theme": "sphinx-book-theme"}


def test_every_adapter_names_the_installed_version_and_what_breaks():
    """An upgrade makes this fail until someone has checked each adapter against the new
    version (the tests above) and written the version into its docstring."""
    from importlib.metadata import version

    for name in adapters.__all__:
        adapter = getattr(adapters, name)
        if not callable(adapter):
            continue
        doc = inspect.getdoc(adapter) or ""
        named = re.findall(rf"\b({'|'.join(map(re.escape, LIBRARIES))}) (\d+(?:\.\d+)+)\b", doc)
        assert named, f"adapters.{name}: its docstring names no library and version"
        for library, written in named:
            installed = version(LIBRARIES[library])
            assert written == installed, (
                f"adapters.{name} was checked against {library} {written}; {installed} is "
                f"installed: check it (tests/test_adapters.py) and update its docstring")
        assert re.search(r"\bIf\b.*\b(breaks?|fails?|loses?|stops?)\b", doc, re.S), (
            f"adapters.{name}: its docstring does not say what breaks if the library changes")
