"""The Nu HTML Checker on every page of the built site; errors from the book's own code fail.

    python bench/check_html.py [SITE]        (SITE: default _build/html)

The checker is ``vnu.jar`` from npm (``vnu-jar``, pinned in package.json; `make bench` installs
it) and runs on Java 11 or later. Every error it reports is either one of ``KNOWN_UPSTREAM``,
written by a library the book uses and left to it (each named with its source and the book's
reason; CONTRIBUTING.md, "HTML the book does not control"), or the book's own: its chapters'
outputs, its package's HTML, its templates and extensions. Exits 1 if the book's own errors are
more than 0. ``make bench`` prints the count as a figure (bench/run.py); tests/test_html.py
asserts it on the built site.
"""
from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
#: Not pages: the theme copies its Jinja macro files (``*.html``) into ``_static/``.
NOT_PAGES = ("_static",)
#: Generous: the whole site takes about 15 s on a 2-core machine.
TIMEOUT = 600


@dataclasses.dataclass(frozen=True)
class Upstream:
    """One kind of error a library writes into the book's pages, and why the book leaves it."""

    name: str
    source: str
    why: str
    message: str  # a regular expression for the checker's message

    def matches(self, error: dict) -> bool:
        return re.search(self.message, error.get("message", "")) is not None


#: Errors written by libraries, which the book leaves to them. An error fixed by the book
#: (seto2018/tables.py, seto2018/pages.py) is not listed: if it comes back, it counts as the
#: book's own, because the book's fix stopped working.
KNOWN_UPSTREAM: tuple[Upstream, ...] = ()


@dataclasses.dataclass
class Result:
    pages: list[str]
    own: list[dict]
    upstream: dict[str, list[dict]]  # Upstream.name -> its errors
    seconds: float

    def summary(self) -> str:
        """One line: the book's own count, then each upstream kind's."""
        upstream = ", ".join(f"{name} {len(errors)}" for name, errors in self.upstream.items()
                             if errors) or "none"
        return (f"{len(self.pages)} pages: {len(self.own)} errors from the book's own code; "
                f"from libraries: {upstream}")


class CheckerMissing(RuntimeError):
    """Java or vnu.jar is not installed."""


def checker_command() -> list[str]:
    java = shutil.which("java")
    if java is None:
        raise CheckerMissing("Java (11 or later) is needed to run the Nu HTML Checker: "
                             "apt-get install default-jre-headless")
    if not VNU.exists():
        raise CheckerMissing(f"{VNU.relative_to(ROOT)} is missing: run `npm ci` "
                             "(vnu-jar is pinned in package.json)")
    return [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout",
            "--exit-zero-always"]


def pages(site: Path) -> list[Path]:
    """Every HTML page of the site, ``NOT_PAGES`` aside."""
    if not (site / "index.html").exists():
        raise FileNotFoundError(f"no built site at {site}: run `make book` first")
    return sorted(path for path in site.rglob("*.html")
                  if path.relative_to(site).parts[0] not in NOT_PAGES)


def run_checker(paths: list[Path]) -> list[dict]:
    """The checker's error messages for ``paths``; a page it could not read raises."""
    result = subprocess.run([*checker_command(), *map(str, paths)], capture_output=True,
                            text=True, timeout=TIMEOUT)
    if result.returncode != 0:
        raise RuntimeError(f"the Nu HTML Checker failed:\n{result.stderr[-2000:]}")
    messages = json.loads(result.stdout)["messages"]
    unread = [m for m in messages if m.get("type") == "non-document-error"]
    if unread:
        raise RuntimeError(f"the Nu HTML Checker could not read: {unread}")
    return [m for m in messages if m.get("type") == "error"]


def upstream_kind(error: dict) -> str | None:
    """The name of the upstream kind ``error`` is, or None: the book's own."""
    return next((kind.name for kind in KNOWN_UPSTREAM if kind.matches(error)), None)


def page_of(error: dict, site: Path) -> str:
    path = Path(unquote(urlparse(error.get("url", "")).path))
    try:
        return str(path.relative_to(site.resolve()))
    except ValueError:
        return str(path)


def check(site: Path = SITE) -> Result:
    started = time.perf_counter()
    paths = pages(site)
    own: list[dict] = []
    upstream: dict[str, list[dict]] = {kind.name: [] for kind in KNOWN_UPSTREAM}
    for error in run_checker(paths):
        error["page"] = page_of(error, site)
        kind = upstream_kind(error)
        (own if kind is None else upstream[kind]).append(error)
    return Result([str(p.relative_to(site)) for p in paths], own, upstream,
                  time.perf_counter() - started)


def by_message(errors: list[dict]) -> collections.Counter:
    """How many errors of each message, quoted values (selectors, ids) kept."""
    return collections.Counter(error["message"] for error in errors)


def describe(error: dict) -> str:
    extract = " ".join(str(error.get("extract", "")).split())
    return f"{error['page']}:{error.get('lastLine', '?')}: {error['message']}  [{extract}]"


def figure(site: Path):
    """The figure `make bench` prints (bench/run.py): the book's own errors, budget 0."""
    from _common import Figure

    name = "HTML checker (vnu): errors from the book's own code"
    try:
        result = check(site)
    except CheckerMissing as missing:
        return Figure(name, None, 0, "errors", note=f"not measured: {missing}")
    upstream = sum(len(errors) for errors in result.upstream.values())
    return Figure(name, len(result.own), 0, "errors",
                  note=f"{len(result.pages)} pages in {result.seconds:.0f} s; {upstream} from "
                       "libraries (CONTRIBUTING.md, HTML the book does not control)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, default=SITE)
    site = parser.parse_args().site
    result = check(site)
    print(result.summary() + f" ({result.seconds:.1f} s)")
    for kind in KNOWN_UPSTREAM:
        errors = result.upstream[kind.name]
        print(f"\n{kind.name}: {len(errors)}  ({kind.source})"
              + ("" if errors else "  [not seen: still needed in KNOWN_UPSTREAM?]"))
        for message, count in by_message(errors).most_common():
            print(f"  {count:4d}  {message}")
    if result.own:
        print(f"\nThe book's own: {len(result.own)}")
        for message, count in by_message(result.own).most_common():
            print(f"  {count:4d}  {message}")
        print()
        for error in result.own:
            print("  " + describe(error))
    return 1 if result.own else 0


if __name__ == "__main__":
    sys.exit(main())
