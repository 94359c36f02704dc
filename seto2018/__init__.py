"""The book's small package: what the chapters should not repeat.

- ``synth``: the synthetic data generator (``generate(seed)``; ``mode="sample"`` for replications).
- ``data``: ``load(name, path=None)`` reads a dataset and validates it.
- ``published``: the report's published numbers, read from ``data/published/``.
- ``charts``: the book's Altair theme and its offline renderer.
"""
from pathlib import Path

__version__ = "0.1.0"

#: The repository root when the package is used from a checkout (editable install).
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED = 2018


def glue(name: str, value, display: bool = True) -> None:
    """Put a value computed in a chapter into its text, as MyST-NB's ``glue`` does.

    Where the book's build tools are not installed (Colab), the value is printed instead, so
    the chapter still runs.
    """
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        print(f"{name}: {value}")
        return
    myst_glue(name, value, display=display)
