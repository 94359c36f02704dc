"""`make bench`: every figure of the book's budgets, beside its budget and a stock Jupyter Book's.

    python bench/run.py [--skip-lighthouse] [--skip-synth] [--skip-kit]

1. Builds a copy of the book in a temporary folder: a clean build, a rebuild with no change.
2. Builds a stock Jupyter Book 1.x with one Altair chart, and weighs its chart page and each of
   the book's chapter pages the same way (bench/page_weight.py). Runs the Nu HTML Checker on
   every page: no error from the book's own code (bench/check_html.py).
3. Runs Lighthouse on every page of the toc, and on the stock page (bench/lighthouse.py).
4. Edits one chapter of the copy and rebuilds: only that chapter may execute.
5. Reads how long the last `make test` took (the Makefile writes it).
6. Times the synthetic-data generator (bench/bench_synth.py).
7. Times the instructor's kit for a small roster, a student's seconds (bench/bench_kit.py).
8. Times the loader, `load("modern")` read and checked cold (bench/bench_load.py).

Prints one table; exits 1 if any figure is over its budget. A figure that could not be
measured (no `make test` run recorded yet) says so and does not fail the run.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import bench_kit  # noqa: E402
import bench_load  # noqa: E402
import bench_synth  # noqa: E402
import build_times  # noqa: E402
import check_html  # noqa: E402
import lighthouse  # noqa: E402
import page_weight  # noqa: E402
from _book import toc_files  # noqa: E402
from _common import ROOT, Figure, print_table, serve  # noqa: E402

MAKE_TEST_RECORD = ROOT / "_build" / "make-test.seconds"
BUDGET_CLEAN, BUDGET_UNCHANGED, BUDGET_TEST = 120.0, 15.0, 600.0
BUDGET_SIMULATION = 60.0  # its 1,000 replications, in the build: under a minute
# What formulas may add to a page (gzip): about what a MathML converter's script would (temml,
# about 4 KB), twice over. MathML written at build time needs no script or font of its own.
BUDGET_MATH_KB = 8.0


def _kb(n_bytes: float) -> float:
    return n_bytes / 1024


def build_figures(times: dict) -> list[Figure]:
    clean, unchanged = times["clean"], times["unchanged"]
    return [
        Figure("clean build (`make book`, no cache)", clean["seconds"], BUDGET_CLEAN, "s",
               note=f"{len(clean['executed'])} of {len(times['chapters'])} notebooks executed"),
        Figure("rebuild, no change", unchanged["seconds"], BUDGET_UNCHANGED, "s",
               note=f"{len(unchanged['executed'])} notebooks executed"),
        simulation_figure(clean),
    ]


def simulation_figure(clean: dict) -> Figure:
    """The simulation chapter's 1,000 replications, as executed in the clean build."""
    chapter = build_times.SIMULATION_CHAPTER
    seconds = clean["notebook_seconds"].get(chapter)
    slowest = max(clean["notebook_seconds"].items(), key=lambda item: item[1], default=("", 0))
    return Figure("simulation chapter, executed in the clean build", seconds,
                  BUDGET_SIMULATION, "s",
                  note=(f"slowest notebook {slowest[0]} {slowest[1]:.1f} s" if seconds is not None
                        else f"no execution time for {chapter} in the build log"))


def edit_figure(edited: dict) -> Figure:
    ran, expected = edited["executed"], [edited["edited"]]
    return Figure("rebuild after editing one chapter: executed", len(ran), 1, "notebooks",
                  exact=ran == expected,
                  note=f"edited {edited['edited']}; executed {', '.join(ran) or 'none'} "
                       f"in {edited['seconds']:.1f} s (budget: that chapter only)")


def weight_figures(weights: dict) -> list[Figure]:
    stock = _kb(weights["stock"]["bytes"])
    book = {page: _kb(result["bytes"]) for page, result in weights["book"].items()}
    heaviest = max(book, key=book.get)
    lightest = min(book, key=book.get)
    return [Figure(
        "page weight, heaviest chapter page (gzip, first visit)", book[heaviest], stock / 2, "KB",
        stock=f"{stock:,.1f} KB (one chart)",
        note=f"{heaviest} ({weights['book'][heaviest]['charts']} charts); lightest {lightest} "
             f"{book[lightest]:,.1f} KB; budget = half the stock page")]


def math_figure(costs: dict) -> Figure:
    """What formulas cost the page they cost most, and how many formulas pages show."""
    heaviest = max(costs, key=lambda page: costs[page]["bytes"])
    shown = sum(cost["formulas"] for cost in costs.values())
    return Figure(
        "formulas' cost, heaviest page (MathML, gzip)", _kb(costs[heaviest]["bytes"]),
        BUDGET_MATH_KB, "KB",
        note=f"{heaviest}: {costs[heaviest]['formulas']} formulas; {shown} formulas on "
             f"{sum(1 for c in costs.values() if c['formulas'])} pages; no script, "
             "stylesheet or font fetched for them")


def stock_site_for_lighthouse(stock_page: Path) -> Path:
    """The stock chart page with its CDN files served from the same local server (offline here);
    a real visit would fetch them from cdn.jsdelivr.net."""
    site = stock_page.parent
    html = stock_page.read_text(encoding="utf-8")
    for url in sorted(set(page_weight.CDN_URLS.findall(html))):
        try:
            local = page_weight.cdn_file(url)
        except LookupError:
            continue  # named in the page's loader but never requested (vega-lib: RequireJS only)
        target = site / "_cdn" / local.name
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(local, target)
        html = html.replace(url, f"_cdn/{local.name}")
    stock_page.write_text(html, encoding="utf-8")
    return site


def lighthouse_figures(book_scores: list[dict], stock_scores: dict | None) -> list[Figure]:
    figures = []
    for name in lighthouse.CATEGORIES:
        worst = min(book_scores, key=lambda result: result["scores"][name])
        runs = max(result["runs"] for result in book_scores)
        stock = f"{stock_scores['scores'][name]:.2f}" if stock_scores else ""
        lost = sorted({audit for result in book_scores if result["scores"][name] < 1
                       for audit in result["lost"]})
        figures.append(Figure(
            f"Lighthouse {name}, lowest of {len(book_scores)} pages", worst["scores"][name],
            lighthouse.BUDGETS[name], "score", stock=stock, at_least=True,
            note=f"lowest on {worst['url'].split('/', 3)[-1]}"
                 + (f" (median of {runs} runs)" if runs > 1 else "")
                 + (f"; audits short of full marks somewhere: {', '.join(lost)}" if lost else "")))
    return figures


def test_time_figure() -> Figure:
    if not MAKE_TEST_RECORD.exists():
        return Figure("`make test`", None, BUDGET_TEST, "s",
                      note="not measured: run `make test` first (it records its time)")
    seconds, _, when = MAKE_TEST_RECORD.read_text(encoding="utf-8").strip().partition(" ")
    return Figure("`make test` (last run)", float(seconds), BUDGET_TEST, "s",
                  note=f"recorded {when}" if when else "")


def synth_figures() -> list[Figure]:
    return [Figure(f"generator: {name}", seconds, budget, "s")
            for name, seconds, budget in bench_synth.measure()]


def kit_figure() -> Figure:
    result = bench_kit.measure()
    return Figure(result["name"], result["seconds"], result["budget"], "s", note=result["note"],
                  exact=None if not result["errors"] else False)


def load_figure() -> Figure:
    result = bench_load.measure()
    return Figure(result["name"], result["seconds"], result["budget"], "s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--skip-synth", action="store_true")
    parser.add_argument("--skip-kit", action="store_true")
    args = parser.parse_args()
    figures: list[Figure] = []
    pages = toc_files()
    with tempfile.TemporaryDirectory(prefix="seto2018-bench-") as folder:
        book = build_times.copy_book(Path(folder) / "book")
        print("building a copy of the book: clean, then with no change ...", flush=True)
        times = build_times.measure_clean_and_unchanged(book)
        figures += build_figures(times)
        site = book / "_build" / "html"
        print("building a stock one-chart book and weighing pages ...", flush=True)
        chapters = [page for page in pages if page.startswith("chapters/")]
        weights = page_weight.measure(site, chapters, Path(folder) / "stock")
        figures += weight_figures(weights)
        figures.append(math_figure(page_weight.math_cost(site, chapters)))
        print("checking every page's HTML (Nu HTML Checker) ...", flush=True)
        figures.append(check_html.figure(site))
        if not args.skip_lighthouse:
            lighthouse.ensure_installed()
            print(f"Lighthouse on {len(pages)} pages and the stock page ...", flush=True)
            with serve(site) as base:
                book_scores = [lighthouse.audit(base + f"{page}.html") for page in pages]
            stock_page = Path(folder) / "stock" / "_build" / "html" / "chart.html"
            with serve(stock_site_for_lighthouse(stock_page)) as base:
                stock_scores = lighthouse.audit(base + "chart.html")
            figures += lighthouse_figures(book_scores, stock_scores)
        print("editing one chapter and rebuilding ...", flush=True)
        figures.append(edit_figure(build_times.measure_one_edit(book)))
    figures.append(test_time_figure())
    if not args.skip_synth:
        print("timing the generator ...", flush=True)
        figures += synth_figures()
    if not args.skip_kit:
        print("timing the instructor's kit ...", flush=True)
        figures.append(kit_figure())
    print("timing the loader ...", flush=True)
    figures.append(load_figure())
    print()
    print_table(figures)
    print("\nTimes and Lighthouse performance vary with the machine's load; see README, Budgets.")
    unmeasured = [figure.name for figure in figures if figure.ok is None]
    if unmeasured:
        print(f"Not measured (not counted as over budget): {', '.join(unmeasured)}.")
    return 0 if all(figure.ok is not False for figure in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
