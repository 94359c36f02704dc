"""The book's package as a wheel on the book's site, so a downloaded chapter can install it.

``pip install <site>/wheel/seto2018-<version>-py3-none-any.whl`` needs no git, no root and no
repository: the wheel carries the book's dataset and published numbers (``seto2018/book_data``).
The site's address is ``html.baseurl`` in ``_config.yml``, the one place it is written.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import __version__

#: Folder of the site that holds the wheel.
SITE_FOLDER = "wheel"


def wheel_name() -> str:
    """The wheel's file name (a name pip accepts: name, version, tags)."""
    return f"seto2018-{__version__}-py3-none-any.whl"


def site_path() -> str:
    """The wheel's path relative to the site's root."""
    return f"{SITE_FOLDER}/{wheel_name()}"


def install_url(baseurl: str) -> str:
    """The wheel's address on the site whose root is ``baseurl`` (``html.baseurl``)."""
    if not baseurl:
        raise ValueError("html.baseurl in _config.yml is empty: the site's address is needed "
                         "to tell readers where to install the book's package from")
    return baseurl.rstrip("/") + "/" + site_path()


# ------------------------------------------------------------------------------- building it
#: What the wheel is built from, relative to the repository's root.
SOURCES = ("pyproject.toml", "README.md", "seto2018", "data/synthetic", "data/published")
#: Fixed zip timestamps (1 January 2020), so the same sources give the same wheel.
_SOURCE_DATE_EPOCH = "1577836800"


def _inputs(root: Path) -> list[Path]:
    files = []
    for name in SOURCES:
        path = root / name
        found = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        files += [p for p in found if "__pycache__" not in p.parts and p.suffix != ".pyc"]
    return files


def _digest(root: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def build(root: Path, target_dir: Path, cache_dir: Path) -> Path:
    """Build the wheel from the checkout at ``root`` into ``target_dir``; return its path.

    It is built from a copy of :data:`SOURCES` (the checkout gets no ``build/`` folder), with the
    environment's own setuptools and no network (``--no-build-isolation``), and kept in
    ``cache_dir`` under a digest of its sources: a rebuild with nothing changed copies it.
    """
    files = _inputs(root)
    cached = cache_dir / _digest(root, files) / wheel_name()
    if not cached.exists():
        with tempfile.TemporaryDirectory() as scratch:
            tree = Path(scratch) / "src"
            for path in files:
                copy = tree / path.relative_to(root)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, copy)
            command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                       "--no-build-isolation", "--no-index", "-w", str(Path(scratch) / "dist"),
                       str(tree)]
            done = subprocess.run(command, capture_output=True, text=True,
                                  env={**os.environ, "SOURCE_DATE_EPOCH": _SOURCE_DATE_EPOCH})
            built = Path(scratch) / "dist" / wheel_name()
            if done.returncode != 0 or not built.exists():
                raise RuntimeError(f"building the wheel failed ({' '.join(command)}):\n"
                                   f"{done.stdout}{done.stderr}")
            cached.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(built, cached)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / wheel_name()
    shutil.copyfile(cached, target)
    return target
