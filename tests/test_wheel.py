"""The book's package as a wheel: it carries the book's data, the same bytes as data/."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from seto2018 import ROOT, wheel

DATA_FOLDERS = ("synthetic", "published")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    scratch = tmp_path_factory.mktemp("wheel")
    return wheel.build(ROOT, scratch / "site", cache_dir=scratch / "cache")


def test_the_wheel_is_named_as_pip_needs(built):
    assert built.name == wheel.wheel_name()
    assert built.name.startswith("seto2018-") and built.name.endswith("-py3-none-any.whl")


def test_the_wheel_carries_data_identical_to_the_repository(built):
    """One truth: data/ is the source; the wheel's copy must hold exactly its files, byte for
    byte, or an installed package would read other numbers than the book prints."""
    with zipfile.ZipFile(built) as archive:
        packed = {name: archive.read(name) for name in archive.namelist()
                  if name.startswith("seto2018/book_data/")}
    source = {f"seto2018/book_data/{path.relative_to(ROOT / 'data').as_posix()}": path
              for folder in DATA_FOLDERS for path in sorted((ROOT / "data" / folder).iterdir())
              if path.is_file()}
    assert sorted(packed) == sorted(source), "the wheel's data files differ from data/'s"
    different = [name for name, path in source.items() if packed[name] != path.read_bytes()]
    assert not different, f"in the wheel but not as in data/: {different}"


def test_the_same_sources_give_the_same_wheel(built, tmp_path):
    again = wheel.build(ROOT, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert again.read_bytes() == built.read_bytes()


def test_the_install_address_is_the_sites():
    url = wheel.install_url("https://example.org/book/")
    assert url == f"https://example.org/book/wheel/{wheel.wheel_name()}"
    with pytest.raises(ValueError, match="html.baseurl"):
        wheel.install_url("")


def test_what_a_student_runs_imports_without_the_books_build_tools():
    """The wheel installs the package without Sphinx, MyST, PyYAML or Jupyter's client: the
    chapters' modules and the command line must import without them."""
    blocked = ["sphinx", "docutils", "myst_nb", "myst_parser", "yaml", "jupyter_client",
               "jupyter_book", "nbformat"]
    code = ("import sys\n"
            "class NotInstalled:  # as if these were not installed\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            f"        if name.split('.')[0] in {blocked!r}:\n"
            "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
            "sys.meta_path.insert(0, NotInstalled())\n"
            "import seto2018.preamble, seto2018.cli, seto2018.kit, seto2018.editions, seto2018.toc\n"
            "seto2018.cli.main(['--help'])\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert "usage" in done.stdout and done.returncode == 0, done.stderr[-2000:]
