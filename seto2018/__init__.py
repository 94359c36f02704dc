"""The book's small package: what the chapters should not repeat.

- ``contract``: the data contract: every code, label, column and rule the others share.
- ``synth``: the synthetic data generator (``generate(seed)``; ``mode="sample"`` for replications).
- ``data``: ``load(name, path=None)`` reads a dataset and validates it.
- ``published``: the report's published numbers, read from ``data/published/``.
- ``charts``: the book's Altair theme and its offline renderer.
- ``checks``: checks against the report, run on the book's own dataset only.
- ``findings``: one test per finding, driven by ``data/published/findings.csv``.
- ``preamble``: every chapter's first line (``from seto2018.preamble import *``).
- ``toc``: the book's structure (``_toc.yml``) and each chapter's role.
"""
from pathlib import Path

__version__ = "0.1.0"

#: The repository root when the package is used from a checkout (editable install).
ROOT = Path(__file__).resolve().parent.parent
#: The book's data (``synthetic/``, the book's dataset, and ``published/``, the report's numbers):
#: the copy the wheel carries, ``seto2018/book_data/``, when the package is installed from it;
#: the repository's ``data/``, their one source, in a checkout.
_PACKAGED = Path(__file__).resolve().parent / "book_data"
DATA_DIR = _PACKAGED if _PACKAGED.is_dir() else ROOT / "data"
#: True in a checkout of the book's repository (chapters, tests, ``data/`` to write to).
IN_CHECKOUT = DATA_DIR == ROOT / "data"
DEFAULT_SEED = 2018


def glue(name: str, value, display: bool = True) -> None:
    """Put a value computed in a chapter into its text, as MyST-NB's ``glue`` does.

    Where the book's build tools are not installed (a downloaded chapter, Colab), a value glued
    with ``display=True`` is displayed, and one glued only for the text is left alone: the
    downloaded notebook's text already holds the book's numbers, and printing hundreds of names
    would bury the chapter's output.
    """
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        if display:
            from IPython.display import display as show
            show(value)
        return
    myst_glue(name, value, display=display)
