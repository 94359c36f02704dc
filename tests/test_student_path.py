"""The student's path, taken as a student takes it, outside the repository and offline.

A new virtual environment in a temporary folder; the wheel the site offers installed into it
(with its dependencies at the book's pinned versions, and Jupyter's nbconvert); then the network
cut (``unshare -n``, only the loopback left, which a kernel needs) and the notebooks the site
offers for chapters 6 and 7 executed with ``jupyter nbconvert --execute``: on the book's data
(the package's own copy), and on a sample written by the installed package's command line. Asserts on, no
``SETO2018_BOOK``. Every chart must draw with no request to a CDN, and
each chapter must say which dataset it read and whether its checks against the report ran.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from seto2018 import wheel

pytestmark = pytest.mark.site

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
CHAPTERS = ("trends-in-the-historic-data", "one-victim-one-offender")
OFFLINE = 'ip link set lo up && exec "$0" "$@"'
CDN = re.compile(r"cdn\.jsdelivr|unpkg\.com|cdnjs|<script[^>]+src=[\"']?https?:", re.I)


def _can_cut_the_network() -> bool:
    done = subprocess.run(["unshare", "-n", "sh", "-c", "ip link set lo up"],
                          capture_output=True)
    return done.returncode == 0


def _constraints(folder: Path) -> Path:
    """The book's pins (requirements files without the editable install of the checkout)."""
    lines = [line for name in ("requirements.txt", "requirements-test.txt")
             for line in (ROOT / name).read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith(("#", "-"))]
    path = folder / "constraints.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    """A student's folder: a virtual environment with the site's wheel, and the two notebooks."""
    built = SITE / wheel.site_path()
    if not built.exists():
        pytest.fail(f"no wheel at {built}: run `make book` first")
    if not _can_cut_the_network():
        pytest.skip("cannot cut the network here: `unshare -n` needs root or user namespaces")
    home = tmp_path_factory.mktemp("student")
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    install = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
               "-c", str(_constraints(home)), str(built), "nbconvert", "ipykernel"]
    done = subprocess.run(install, capture_output=True, text=True)
    assert done.returncode == 0, f"pip install of the site's wheel failed:\n{done.stderr}"
    for stem in CHAPTERS:
        shutil.copyfile(SITE / "_sources" / "chapters" / f"{stem}.ipynb", home / f"{stem}.ipynb")
    return home, venv / "bin"


def _offline(command: list[str], home: Path, bin_dir: Path, **variables) -> subprocess.CompletedProcess:
    """Run ``command`` in ``home`` with no network and a student's plain environment."""
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
           **variables}
    return subprocess.run(["unshare", "-n", "sh", "-c", OFFLINE, *command], cwd=home, env=env,
                          capture_output=True, text=True, timeout=900)


def _execute(home: Path, bin_dir: Path, stem: str, label: str, **variables) -> dict:
    out = f"{stem}-{label}.ipynb"
    done = _offline([str(bin_dir / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
                     "--ExecutePreprocessor.timeout=600", "--output", out, f"{stem}.ipynb"],
                    home, bin_dir, **variables)
    assert done.returncode == 0, (f"{stem} on {label} did not run offline outside the "
                                  f"repository:\n{done.stderr[-4000:]}")
    return json.loads((home / out).read_text(encoding="utf-8"))


def _outputs(notebook: dict) -> list[dict]:
    return [output for cell in notebook["cells"] if cell["cell_type"] == "code"
            for output in cell.get("outputs", [])]


def _text(output: dict) -> str:
    parts = [output.get("text", "")] + list(output.get("data", {}).values())
    return "".join("".join(p) if isinstance(p, list) else str(p) for p in parts)


def _check_run(notebook: dict, stem: str, sentence: str) -> None:
    outputs = _outputs(notebook)
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors, f"{stem}: {errors[0]['ename']}: {errors[0]['evalue']}"
    requests = [m.group(0) for o in outputs for m in [CDN.search(_text(o))] if m]
    assert not requests, f"{stem}: outputs ask a CDN for something: {requests[:3]}"
    charts = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert charts, f"{stem}: no chart drew (no SVG output)"
    printed = "".join(_text(o) for o in outputs if o.get("name") == "stdout")
    assert sentence in printed, f"{stem}: the sentence about the dataset is missing: {sentence!r}"


@pytest.mark.parametrize("stem", CHAPTERS)
def test_a_downloaded_chapter_runs_offline_on_the_books_data(student, stem):
    home, bin_dir = student
    notebook = _execute(home, bin_dir, stem, "book")
    _check_run(notebook, stem, "This is the book's dataset")


@pytest.mark.parametrize("stem", CHAPTERS)
def test_a_downloaded_chapter_runs_offline_on_a_sample(student, stem):
    home, bin_dir = student
    sample = home / f"sample-{stem}"
    made = _offline([str(bin_dir / "seto2018"), "data", "--seed", "7", "--mode", "sample",
                     "--out", str(sample)], home, bin_dir)
    assert made.returncode == 0, f"the installed package's command line failed:\n{made.stderr}"
    notebook = _execute(home, bin_dir, stem, "sample", SETO2018_DATA=str(sample))
    _check_run(notebook, stem, "the checks against the report are skipped")
