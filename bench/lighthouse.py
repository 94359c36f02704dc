"""Lighthouse (npm, pinned in package.json) on the system Chromium, desktop preset, on each page.

Lighthouse simulates a desktop on a fast connection; the site is served on localhost, so nothing
it needs is on the internet (Chromium's own background calls are switched off by its flags).
Performance varies from run to run, more on a busy machine: a page whose first run is under a
budget is run twice more and each category's median of the three is kept (Lighthouse's own
advice for variable scores), and the figures say how many runs they rest on.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from _common import CHROMIUM, ROOT

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
BUDGETS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 0.95, "seo": 0.95}
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")
RUNS_WHEN_UNDER = 3


def ensure_installed() -> None:
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True)


def run_once(url: str) -> dict:
    """One Lighthouse run: each category's score, and the audits that cost points."""
    with tempfile.TemporaryDirectory() as folder:
        report_path = Path(folder) / "report.json"
        env = {**os.environ, "CHROME_PATH": CHROMIUM}
        result = subprocess.run(
            [str(LIGHTHOUSE), url, "--preset=desktop", "--output=json",
             f"--output-path={report_path}", "--quiet", f"--chrome-flags={CHROME_FLAGS}",
             f"--only-categories={','.join(CATEGORIES)}"],
            capture_output=True, text=True, env=env, timeout=300)
        if result.returncode != 0 or not report_path.exists():
            raise RuntimeError(f"lighthouse failed on {url}:\n{result.stderr[-2000:]}")
        report = json.loads(report_path.read_text(encoding="utf-8"))
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse on {url}: {report['runtimeError']}")
    scores = {name: report["categories"][name]["score"] for name in CATEGORIES}
    lost = sorted({ref["id"] for name in CATEGORIES for ref in report["categories"][name]["auditRefs"]
                   if ref["weight"] and (report["audits"][ref["id"]].get("score") or 0) < 1
                   and report["audits"][ref["id"]].get("score") is not None})
    return {"scores": scores, "lost": lost}


def audit(url: str) -> dict:
    """Scores for ``url``: one run, or the median of three when the first is under a budget."""
    runs = [run_once(url)]
    if any(runs[0]["scores"][name] < BUDGETS[name] for name in CATEGORIES):
        runs += [run_once(url) for _ in range(RUNS_WHEN_UNDER - 1)]
    scores = {name: statistics.median(run["scores"][name] for run in runs) for name in CATEGORIES}
    lost = sorted({audit_id for run in runs for audit_id in run["lost"]})
    return {"url": url, "scores": scores, "runs": len(runs), "lost": lost}
